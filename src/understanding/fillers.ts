// Words that carry no slot value: hesitations, greetings and politeness, removed before names, intents and numbers are read.

/** Hesitations and politeness heard anywhere in an utterance. "oh" is not one: it is a spoken zero. */
const anywhere = new RegExp(
  String.raw`\b(?:u+m+|u+h+(?![\s-]+huh)|e+r+m*|h+m+|a+h+|mm+|you know|i guess|` +
    String.raw`thank(?:s| you| u)(?: (?:so|very) much| a lot| a bunch| kindly)?|thankyou|please|` +
    String.raw`good (?:morning|afternoon|evening|day)|hi there|hello there|hey there|hi|hello|hey|` +
    String.raw`(?:okay|ok|yeah|alright|all right) so|so yeah)\b`,
  'g',
);
/** Asking the agent to wait: "just a second" holds the line, it is no date ("second"). */
const holdOn = /\b(?:(?:just|wait|hold on|give me|gimme)\s)?(?:a|one) (?:second|sec|moment|minute)(?=\s*(?:$|[,.!?;]|please\b|while\b|let me\b))|\bhold on\b/g;
/** Words that are only filler at the edges of an utterance ("well, it's Smith", "it's Garcia, okay"). */
const leading = /^(?:(?:well|so|okay|ok|alright|all right)\b[\s,.!?:;-]*)+/;
const trailing = /(?:[\s,.!?;-]+(?:okay|ok|then|so)\b)+[\s,.!?]*$/;

/**
 * The utterance (lower-cased) without fillers; punctuation is kept, since commas still separate what was said.
 * "um my last name is smith thank you" → "my last name is smith".
 */
export function withoutFillers(text: string): string {
  let cleaned = text.toLowerCase().replace(/[‘’]/g, "'").replace(anywhere, ' ').replace(holdOn, ' ');
  cleaned = cleaned.replace(/\s+/g, ' ').replace(/\s+([,.!?;:])/g, '$1').replace(/([,.!?;:])[,.!?;:]+/g, '$1').trim();
  cleaned = cleaned.replace(/^[\s,.!?;:-]+/, '').replace(leading, '').replace(trailing, '');
  return cleaned.replace(/[\s,.!?;:-]+$/, '').trim();
}
