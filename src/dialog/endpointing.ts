// Slot-aware endpointing: whether a partial transcript already holds a complete, valid answer to what the state asks (the turn can end before the silence window), or one only begun (it waits through a pause).
import { normalizeNumberWords } from '../understanding/number-words.ts';
import { extractWithRules } from '../understanding/rule-extractor.ts';
import type { Expectation, Understanding } from '../understanding/types.ts';

/** What a partial transcript holds of the answer: a complete value that can end the turn early, or a value only begun. */
export interface AnswerProgress {
  /** The complete value it answers, if any: how long it must hold still is the turn-taking machine's `endpointingStable`. */
  complete: keyof Understanding | undefined;
  /**
   * A value only begun: some digits of a phone number (3 to 9, "five five five, oh one oh"), a birth date without its
   * year ("November second"). The turn waits through a pause for the rest.
   */
  unfinished: boolean;
}

/** Fewest and most digits heard of a phone number that is only begun: a first chunk on, short of ten. */
const begunPhoneDigits = { min: 3, max: 9 };

/**
 * How far a partial transcript answers the question. Only values that cannot grow are complete: a whole phone number, a
 * full date of birth, a yes or no, a choice among offered options. Names, dates and reasons can go on ("Smith-Jones",
 * "Tuesday at ten"), so they always wait for the silence; so does a yes or no with a value only begun after it ("no,
 * it's five five five…").
 */
export function answerProgress(partial: string, expectation: Expectation, now: string): AnswerProgress {
  const none: AnswerProgress = { complete: undefined, unfinished: false };
  const asked = expectation.slots[0];
  if (!asked || partial.trim() === '') return none;
  let understanding: Understanding;
  try {
    understanding = extractWithRules({ text: partial, expectation, now });
  } catch {
    return none;
  }
  // A caller in distress or asking for a person is never cut short, nor kept waiting.
  if (understanding.emergency || understanding.humanRequested || understanding.clinicalQuestion) return none;
  const unfinished = begunValue(partial, expectation, understanding);
  if (unfinished) return { complete: undefined, unfinished };
  return { complete: completeValue(asked, understanding), unfinished };
}

function completeValue(asked: Expectation['slots'][number], understanding: Understanding): keyof Understanding | undefined {
  switch (asked) {
    case 'phone':
      return understanding.phone ? 'phone' : undefined;
    case 'dateOfBirth': {
      const parts = understanding.dateOfBirth;
      return parts?.year !== undefined && parts.month !== undefined && parts.day !== undefined ? 'dateOfBirth' : undefined;
    }
    case 'yesNo':
      return understanding.yesNo !== undefined ? 'yesNo' : undefined;
    case 'choice':
      return understanding.choice !== undefined ? 'choice' : undefined;
    default:
      return undefined;
  }
}

/** Words that name a phone number before it is said ("my phone is", "number", "you can reach me at"). */
const phoneCarrier = /\b(?:phone|number|cell|mobile|reach me at)\b/g;

/** A phone number or a birth date the expectation listens for, begun in the partial and not yet whole. */
function begunValue(partial: string, expectation: Expectation, understanding: Understanding): boolean {
  const birth = understanding.dateOfBirth;
  if (expectation.slots.includes('phone') && !understanding.phone) {
    const spoken = normalizeNumberWords(partial);
    // Beside a birth date ("eleven two ninety" is digits too), only digits after a word for the phone are the phone's.
    const carrier = [...spoken.matchAll(phoneCarrier)].at(-1);
    const phonePart = !birth ? spoken : carrier ? spoken.slice(carrier.index + carrier[0].length) : '';
    const digits = (phonePart.match(/\d[\d\s]*/g)?.at(-1) ?? '').replace(/\D/g, '').length;
    if (digits >= begunPhoneDigits.min && digits <= begunPhoneDigits.max) return true;
  }
  return expectation.slots.includes('dateOfBirth') && expectation.askedFor !== 'birthYear' && birth?.month !== undefined && birth.day !== undefined && birth.year === undefined;
}
