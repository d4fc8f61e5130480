// Callers who correct themselves mid-answer ("the tenth, no, the eleventh", "Smith, no wait, Smyth"): the later value wins.
import { normalizeNumberWords } from './number-words.ts';
import { correctedPhone } from './phone.ts';
import type { Understanding } from './types.ts';

/** Words that take back what was just said; longer phrases first, so "sorry I mean" is one marker. */
const markers = /(?:^|[\s,.;!?-]+)(no wait|no no|no sorry|sorry i mean|sorry i meant|i mean|i meant|i'm sorry|im sorry|sorry|actually|make that|make it|scratch that|correction|let me correct that|oops|wait|or rather|rather|no)(?=$|[\s,.;!?-])/g;

/** An utterance cut at its last self-correction: what was said before it and what replaces it. */
export interface CorrectionSplit {
  before: string;
  after: string;
}

/** Where the caller last took something back, if something was said on both sides of it. */
export function splitAtCorrection(text: string): CorrectionSplit | undefined {
  const lower = text.toLowerCase().replace(/[‘’]/g, "'");
  let split: CorrectionSplit | undefined;
  for (const match of lower.matchAll(markers)) {
    const before = lower.slice(0, match.index).replace(/[\s,.;!?-]+$/, '');
    const after = lower.slice(match.index + match[0].length).replace(/^[\s,.;!?-]+/, '');
    if (/[a-z0-9]/.test(before) && /[a-z0-9]/.test(after)) split = { before, after };
  }
  return split;
}

/** Slots whose later value simply replaces the earlier one. */
const replaced = ['lastName', 'date', 'time', 'choice', 'intent', 'specialty', 'location', 'yesNo'] as const;

/**
 * The understanding of a corrected utterance. A value is corrected only by a later value of the same kind,
 * so "Smith, sorry, my date of birth is…" keeps the name. A date of birth takes the corrected parts
 * ("January fifteenth, I mean the sixteenth" → January 16); a phone number said again from part-way through is joined.
 */
export function applyCorrection(
  whole: Understanding,
  split: CorrectionSplit,
  before: Understanding,
  after: Understanding,
  options: { phoneExpected: boolean },
): Understanding {
  const result: Understanding = { ...whole };
  const assign = <K extends keyof Understanding>(slot: K, value: Understanding[K]): void => {
    if (value === undefined) delete result[slot];
    else result[slot] = value;
  };
  for (const slot of replaced) {
    if (before[slot] !== undefined && after[slot] !== undefined) assign(slot, after[slot]);
    else if (whole[slot] === undefined && before[slot] !== undefined) assign(slot, before[slot]);
  }
  if (before.dateOfBirth && after.dateOfBirth) result.dateOfBirth = { ...before.dateOfBirth, ...after.dateOfBirth };
  else if (!whole.dateOfBirth && before.dateOfBirth) result.dateOfBirth = before.dateOfBirth;

  if (after.phone) result.phone = after.phone;
  else {
    const earlier = /(\d[\d\s().-]*)$/.exec(normalizeNumberWords(split.before))?.[1] ?? '';
    const later = /^(\d[\d\s().-]*)/.exec(normalizeNumberWords(split.after))?.[1] ?? '';
    // Only digits that were a phone number, or were asked for as one and made no date of birth, are joined.
    const phoneDigits = before.phone !== undefined || (options.phoneExpected && !before.dateOfBirth);
    const joined = phoneDigits && earlier && later ? correctedPhone(earlier, later) : undefined;
    if (joined) {
      result.phone = joined;
      // The digits went to the phone number; unless a birth was mentioned they are no date of birth.
      if (!/\b(?:born|birth|birthday|dob)\b/.test(split.before + ' ' + split.after)) delete result.dateOfBirth;
    } else if (!whole.phone && before.phone) result.phone = before.phone;
  }
  return result;
}
