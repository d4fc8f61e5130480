// Interrupts heard in any state: an emergency (or a serious symptom), a request for a person, a clinical question, a request to repeat.
import { triage } from './emergency.ts';

export interface Interrupts {
  emergency?: boolean;
  /** A serious symptom said without acute wording: not an interrupt of the flow, a flag for the machine. */
  symptom?: boolean;
  humanRequested?: boolean;
  clinicalQuestion?: boolean;
  repeatRequested?: boolean;
}

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
  const triaged = triage(lower);
  if (triaged.emergency) found.emergency = true;
  if (triaged.symptom) found.symptom = true;
  if (humanPatterns.some((pattern) => pattern.test(lower))) found.humanRequested = true;
  if (clinicalPatterns.some((pattern) => pattern.test(lower))) found.clinicalQuestion = true;
  if (repeatPatterns.some((pattern) => pattern.test(lower))) found.repeatRequested = true;
  return found;
}
