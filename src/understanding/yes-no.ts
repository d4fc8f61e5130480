// Yes and no, as said ("yeah that works", "uh huh", "nope"), including endings that answer "anything else?" ("I'm all set"), or keyed (1 = yes, 2 = no).

/** Hesitations before the answer; "uh huh" is itself a yes, so "uh" before "huh" stays. */
const fillers = /^(?:(?:um+|u+h+(?![\s-]+huh)|er+m?|oh|well|hmm+|ah|actually|so|okay so|ok so|yeah so|hi|hello|hey)\b[\s,.!]*)+/;
const yesPhrases = new RegExp(
  '^(?:' +
    [
      String.raw`(?:i'?m|i am) (?:good|fine|okay|ok) with (?:that|it|this)`,
      String.raw`yes|yeah|yea|yep|yup|ya|yah|yes ma'?\s?am|yes sir|sure(?: thing)?|certainly|correct|right|exactly|absolutely|definitely|of course`,
      String.raw`that'?s (?:right|correct|me|fine|great|perfect)|that is (?:right|correct|me|fine)|thats (?:right|correct)|you'?re right`,
      String.raw`please do|yes please|please|go ahead|go for it|do it|book it|let'?s do (?:it|that)|let'?s go with (?:it|that)`,
      String.raw`ok(?:ay)?(?: great| perfect| sounds good)?|alright|all right|sounds (?:good|great|perfect)|that (?:works|would work|'?d work|would be great|'?d be great)|works for me|perfect`,
      String.raw`affirmative|uh[\s-]?huh|mm[\s-]?hmm|m+hm+|it is|i do|i would|you got it|you bet`,
    ].join('|') +
    String.raw`)\b`,
);
/** Endings: after "anything else?", these close the call. */
const endings = [
  String.raw`(?:that|this)(?:'?s| is| will be|'?ll be|'?d be| should be| would be) (?:all|it|everything)`,
  String.raw`that(?:'?ll| will| should| would)? do(?:es)?(?: it)?$|that(?:'?ll| will) do it`,
  String.raw`(?:i )?think (?:that'?s|that is) (?:all|it|everything)|nothing(?: else| more)?|(?:i'?m|i am|we'?re|we are) (?:good|fine|okay|ok|all set|all good|done)|all set|i'?m set`,
].join('|');
const endingPhrase = new RegExp(`^(?:${endings})\\b`);
const noPhrases = new RegExp(
  '^(?:' +
    [
      String.raw`no|nope|nah|not really|not quite|not (?:at this time|right now|today|for now|at the moment)|negative|wrong|incorrect|not correct|never ?mind`,
      String.raw`that'?s (?:wrong|incorrect|not right|not it|not the one)|that is (?:wrong|not right|incorrect|not it|not the one)`,
      String.raw`i don'?t|i do not|it isn'?t|it'?s not|don'?t`,
      endings,
    ].join('|') +
    String.raw`)\b`,
);
/** What may follow a bare answer when yes/no was not asked for: politeness and agreement, nothing new. */
const politeTail = /^(?:(?:thanks|thank|you|please|that'?s|thats|that|it'?s|it|is|all|right|correct|very|much|so|sir|ma'?am|ma|am|okay|ok|good|great)\b\s?)*$/;

/** The yes or no an utterance starts with (after fillers), if any. */
function leadingAnswer(text: string): { answer: boolean; rest: string } | undefined {
  const trimmed = text.toLowerCase().replace(/[‘’]/g, "'").trim().replace(fillers, '');
  // "I don't know" and "no idea" answer nothing, though they start like a no.
  if (/^(?:i )?(?:don'?t|do not) know\b|^no idea\b|^(?:i'?m )?not sure\b|^(?:i )?(?:don'?t|do not|can'?t) remember\b/.test(trimmed)) return undefined;
  const yes = yesPhrases.exec(trimmed);
  const no = noPhrases.exec(trimmed);
  // The longer phrase wins: "I'm good with that" is a yes, "that's all" a no, "that's right" a yes.
  if (no && (!yes || no[0].length >= yes[0].length)) return { answer: false, rest: trimmed.slice(no[0].length) };
  // "Okay, that's everything, thanks": an "okay" before an ending is a hesitation, and the ending is the answer.
  if (yes && /^(?:ok(?:ay)?|alright|all right)$/.test(yes[0])) {
    const after = trimmed.slice(yes[0].length).replace(/^[\s,.!]+/, '');
    const ending = endingPhrase.exec(after);
    const agreeing = yesPhrases.exec(after);
    if (ending && (!agreeing || ending[0].length >= agreeing[0].length)) return { answer: false, rest: after.slice(ending[0].length) };
  }
  if (yes) return { answer: true, rest: trimmed.slice(yes[0].length) };
  return undefined;
}

/**
 * Yes or no. When the question asked for it, the answer may lead a longer sentence ("yes, at ten");
 * otherwise only a bare answer counts, so "no, it's 1984" stays a correction.
 */
export function findYesNo(text: string, options: { expected: boolean }): boolean | undefined {
  const found = leadingAnswer(text);
  if (!found) return undefined;
  if (options.expected) return found.answer;
  const rest = found.rest.replace(/[\s,.!?]+/g, ' ').trim();
  return politeTail.test(rest) ? found.answer : undefined;
}

/** A keypad answer: 1 = yes, 2 = no. */
export function yesNoFromDigits(digits: string): boolean | undefined {
  if (digits === '1') return true;
  if (digits === '2') return false;
  return undefined;
}
