// Emergency triage of one utterance: acute wording is an emergency (the 911 line); a serious symptom said without it is only flagged.

/** What triage found: at most one of the two. */
export interface Triage {
  emergency?: true;
  symptom?: true;
}

/** Always an emergency, whatever the tense or "not urgent": a risk to life that callers often play down. */
const alwaysEmergency = [
  /\bsuicid(?:e|al)\b/,
  /\b(?:kill|killing|hurt|hurting|harm|harming|cutting) (?:myself|himself|herself|themselves|themself)\b/,
  /\bself[- ]?harm/,
  /\bend (?:my|his|her|their) (?:own )?life\b/,
  /\b(?:want|wants|wanted|wanting) to die\b/,
  /\bdon'?t want to (?:live|be alive)\b/,
  /\boverdos(?:e|ed|ing)\b/,
  /\btook (?:too many|way too many|a (?:whole )?bottle of|a bunch of)\b/,
];

/** Emergencies by their very words; only said in the past ("he was choking earlier") do they drop to a symptom. */
const acuteConditions = [
  /\b(?:can ?not|can'?t|unable to|struggling to) (?:breathe|breath|catch (?:my|his|her) breath|get (?:any )?air)\b(?! (?:through|out of|with) (?:my|his|her|the) nose)/,
  /\b(?:not|isn'?t|stopped|stop) breathing\b/,
  /\b(?:unconscious|unresponsive|turning blue|collapsed)\b/,
  // Fainting with no time said may be happening now; "a few days ago" makes it a symptom.
  /\bfaint(?:ed|ing)?\b|\bpass(?:ed|ing)? out\b|\bblack(?:ed|ing)? out\b/,
  /\b(?:won'?t|will not|can'?t|cannot|couldn'?t) wake (?:him |her |them |up)|\bnot waking up\b/,
  /\bchok(?:ing|es)\b/,
  /\banaphyla\w*/,
  /\b(?:throat|tongue|airway) (?:is |feels )?(?:closing|swelling|swollen shut)\b/,
  /\bcrushing\b.{0,20}\bchest\b|\bchest\b.{0,20}\bcrushing\b/,
  /\bbleeding (?:a lot|heavily|badly|so much|everywhere|profusely|(?:that )?(?:won'?t|will not|doesn'?t|does not) stop)\b|\b(?:won'?t|will not) stop bleeding\b|\bbleeding won'?t stop\b/,
  /\b(?:face|smile|mouth) (?:is )?droop/,
  /\bslurr(?:ed|ing)\b/,
  /\b911\b|\bnine one one\b/,
  /\bemergency\b/,
];

/** Symptoms that can be serious: an emergency with acute wording, otherwise flagged. */
const seriousSymptoms = [
  /\bchest (?:\w+ ){0,2}(?:pains?|hurts?|hurting|pressure|tightness|tight|discomfort|heaviness|heavy)\b|\b(?:pain|pressure|tightness) in (?:my|his|her|the) chest\b/,
  /\bshort(?:ness)? of breath\b|\bbreathless/,
  /\b(?:trouble|difficulty|hard|problems?|struggling) (?:to )?breath(?:e|ing)\b/,
  /\bheart attack\b/,
  /\bstroke\b/,
  /\bseizures?\b|\bconvuls/,
  /\bbleed(?:ing|s)?\b(?! gums)|\b(?:coughing|vomiting|throwing) up blood\b/,
  /\bnumb(?:ness)? (?:on|in) (?:one|my left|my right|the left|the right) side\b/,
  /\bworst headache\b/,
];

/** The caller says it is not urgent, or over. */
const notUrgent =
  /\b(?:not|nothing|isn'?t|is not|it'?s not|its not|no|non)[- ](?:an? |too |very |that |super |really |at all )?(?:urgent|emergency|serious|life[- ]threatening|rush)\b|\bnot (?:happening )?right now\b|\b(?:went|gone) away\b|\bit'?s (?:gone|over|better) now\b/;
/** Happening now, said outright. */
const happeningNow =
  /\b(?:right now|at the moment|currently|as we speak|this very moment|happening now|getting worse|worse and worse|just started|started (?:just now|a (?:few|couple of) minutes ago|\w+ minutes ago|an hour ago))\b/;
/** Said in the past, or as something that comes and goes. */
const pastOrRecurring = new RegExp(
  [
    String.raw`\b(?:had|was|were|used to|ago|yesterday|last (?:night|week|month|year|time)|earlier|before|in the past|history of|follow[- ]?up)\b`,
    String.raw`\bwhen(?:ever)? (?:i|he|she|they|we|my)\b`,
    String.raw`\b(?:sometimes|occasionally|on and off|off and on|every (?:now and then|so often|day|morning|night)|from time to time|at times|lately|recently|comes and goes)\b`,
    String.raw`\bfor (?:a |the (?:past|last) |about |over |almost )?(?:few |couple (?:of )?|several |\d+ |one |two |three |four |five |six |many )?(?:days?|weeks?|months?|years?)\b`,
    String.raw`\b(?:i've|i have|he's|she's|they've) been\b`,
  ].join('|'),
);
/** Present-tense wording: "I'm having", "I have", "my chest hurts", "he is bleeding". */
const presentTense = new RegExp(
  [
    String.raw`\b(?:i'?m|i am|he'?s|she'?s|is|are|they'?re|we'?re|it'?s|might be|may be|could be|must be) (?:\w+ )?(?:having|bleeding|fainting|passing out|seizing|short of breath)\b`,
    String.raw`\b(?:i|we|they) (?:have|'ve got|got)\b|\bi'?ve got\b|\b(?:he|she|it|\w+) (?:has|has got)\b`,
    String.raw`\b(?:hurts?|hurting|aches?|aching|is tight|feels (?:tight|heavy)|pounding|pressure on)\b`,
    String.raw`\b(?:severe|really bad|very bad|so bad|terrible|excruciating|worst)\b`,
    String.raw`\bi feel (?:like )?(?:i'?m |i am )?(?:going to |gonna )?(?:faint|pass out)\b`,
  ].join('|'),
);

/** Pieces of an utterance with a tense of their own: "I had chest pain last week, now I can't breathe" is two. */
function clausesOf(text: string): string[] {
  return text.split(/[,.;!?]|\s(?:and|but|so|because|though|although|now)\s/).map((clause) => clause.trim()).filter(Boolean);
}

/**
 * Triage of an utterance (lower-cased). Leaning towards an emergency where words are acute, as a miss can cost a life;
 * a serious symptom named as a visit reason, in the past, or "nothing urgent" is a symptom for the machine to ask about.
 */
export function triage(text: string): Triage {
  const lower = text.toLowerCase().replace(/[‘’]/g, "'");
  if (alwaysEmergency.some((pattern) => pattern.test(lower))) return { emergency: true };
  const saysNotUrgent = notUrgent.test(lower);
  const saysNow = happeningNow.test(lower);
  let symptom = false;
  for (const clause of clausesOf(lower)) {
    const acute = acuteConditions.some((pattern) => pattern.test(clause));
    const serious = acute || seriousSymptoms.some((pattern) => pattern.test(clause));
    if (!serious) continue;
    if (acute && /\bemergency\b/.test(clause) && saysNotUrgent) {
      continue; // "it's not an emergency" names no condition
    }
    if (acute && (saysNow || !pastOrRecurring.test(clause))) return { emergency: true };
    if (!acute && !saysNotUrgent && (saysNow || (!pastOrRecurring.test(clause) && presentTense.test(clause)))) return { emergency: true };
    symptom = true;
  }
  return symptom ? { symptom: true } : {};
}
