// Interrupts heard in any state: an emergency, a request for a person, a clinical question, a request to repeat.

export interface Interrupts {
  emergency?: boolean;
  humanRequested?: boolean;
  clinicalQuestion?: boolean;
  repeatRequested?: boolean;
}

// Leaning towards hearing an emergency: a false alarm costs one sentence, a miss can cost a life.
const emergencyPatterns = [
  /\bchest (?:pain|pains|hurts|is hurting|pressure|tightness)\b/,
  /\bpain in my chest\b/,
  /\b(?:can ?not|can't|cant|couldn't|unable to|trouble|difficulty|hard to|struggling to) ?breath(?:e|ing)?\b/,
  /\bnot breathing\b/,
  /\bshort(?:ness)? of breath\b/,
  /\b(?:having|had|having a|think .{0,20}) ?(?:a )?stroke\b/,
  /\bstroke\b.{0,20}\b(?:now|right now|happening)\b/,
  /\bheart attack\b/,
  /\boverdos(?:e|ed|ing)\b/,
  /\btook too many\b/,
  /\bsuicid(?:e|al)\b/,
  /\b(?:kill|hurt|harm) (?:myself|himself|herself)\b/,
  /\bend (?:my|his|her) life\b/,
  /\bwant to die\b/,
  /\bbleeding (?:a lot|heavily|badly|bad|so much|won't stop|wont stop|that won't stop|everywhere|profusely)\b/,
  /\b(?:heavy|severe|lots of|uncontrolled) bleeding\b/,
  /\bwon't stop bleeding\b/,
  /\b(?:unconscious|unresponsive|passed out|not waking up|won't wake up)\b/,
  /\bseizure\b/,
  /\bchoking\b/,
  /\banaphyla\w*\b/,
  /\b(?:throat|tongue) (?:is )?(?:closing|swelling)\b/,
  /\b911\b|\bnine one one\b|\bemergency\b(?!.{0,12}\bnot\b)/,
];
const notEmergency = /\b(?:not|no|isn't|it's not an?) (?:an )?emergency\b/;

const humanPatterns = [
  /\b(?:talk|speak|speaking|talking|put me through|transfer me|connect me|get me) (?:to|with)? ?(?:a |an |the |some |your )?(?:real |live |actual )?(?:person|human|someone|somebody|receptionist|representative|agent|operator|staff|nurse|people|front desk|office)\b/,
  /\b(?:operator|representative|receptionist|real person|live person|human being|a human|actual person)\b/,
  /^(?:a )?(?:person|human|agent)[.!?]*$/,
];

const clinicalPatterns = [
  /\b(?:test|lab|blood ?work|blood test|biopsy|x-?ray|mri|scan) ?results?\b/,
  /\bresults? (?:of|from) my\b/,
  /\bdiagnos(?:is|e|ed)\b/,
  /\bwhat (?:medication|medicine|meds|dose|dosage|pills?|drug)\b/,
  /\bhow (?:much|many) .{0,30}\bshould i (?:take|give)\b/,
  /\bshould i (?:keep|continue|still|start|stop|take|stop taking|be taking|give|go to the er|be worried|worry)\b.{0,40}\b(?:tak|medic|pill|dose|drug|meds|insulin|antibiotic|worr|er\b)/,
  /\bshould i (?:take|stop taking|be taking|give|go to the er|be worried|worry)\b/,
  /\b(?:my|the|this|these) (?:\w+ ){0,3}(?:medication|medicine|meds|prescription|pills|dosage)\b.{0,30}\?$/,
  /\b(?:is|are) (?:this|that|it|these|those|my \w+)(?: \w+)? (?:normal|serious|bad|dangerous|contagious|infected)\b/,
  /\bwhat (?:is|does) .{0,30}\bmean\b/,
  /\b(?:how (?:do|should|can) i treat|treatment for|how to treat|what should i do about)\b/,
  /\bside effects?\b/,
  /\bwhat'?s wrong with me\b/,
  /\bcan i (?:take|mix|drink)\b/,
];

const repeatPatterns = [
  /^(?:what|huh|pardon|sorry|excuse me|come again|pardon me|what was that|what did you say)\??[.!?]*$/,
  /\b(?:say (?:that|it) again|repeat (?:that|it|yourself|the|please)|can you repeat|could you repeat|please repeat|one more time)\b/,
  /^repeat\b/,
  /\bi didn'?t (?:catch|hear|get|understand) (?:that|you|it|what you said)\b/,
  /\bwhat did you (?:just )?say\b/,
];

/** The interrupts in an utterance (lower-cased, number words as spoken). */
export function findInterrupts(text: string): Interrupts {
  const lower = text.toLowerCase().trim();
  const found: Interrupts = {};
  if (!notEmergency.test(lower) && emergencyPatterns.some((pattern) => pattern.test(lower))) found.emergency = true;
  if (humanPatterns.some((pattern) => pattern.test(lower))) found.humanRequested = true;
  if (clinicalPatterns.some((pattern) => pattern.test(lower))) found.clinicalQuestion = true;
  if (repeatPatterns.some((pattern) => pattern.test(lower))) found.repeatRequested = true;
  return found;
}
