// Slot-aware endpointing: whether a partial transcript already holds a complete, valid answer to what the state asks, so the turn can end before the silence window.
import { normalizeNumberWords } from '../understanding/number-words.ts';
import { extractWithRules } from '../understanding/rule-extractor.ts';
import type { Expectation, Understanding } from '../understanding/types.ts';

export interface EndpointingOptions {
  /**
   * ms of caller audio after the partial last changed before a complete value counts: "nineteen eighty" is a complete year
   * until "five" arrives, so the words must hold still for a moment. Default 300 (the silence window is 800).
   */
  stableMs?: number;
}

/** What a partial transcript holds of the answer: a complete value that can end the turn early, or a value only begun. */
export interface AnswerProgress {
  /** The complete value it answers, if any (see `completeAnswer`). */
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

/** The complete value a partial transcript answers, or undefined (see `answerProgress`). */
export function completeAnswer(partial: string, expectation: Expectation, now: string): keyof Understanding | undefined {
  return answerProgress(partial, expectation, now).complete;
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

/** The last word that names a phone number ("my phone is", "number", "you can reach me at"), and what follows it. */
const afterPhoneCarrier = /\b(?:phone|number|cell|mobile|reach me at)\b((?:(?!\b(?:phone|number|cell|mobile|reach me at)\b).)*)$/;

/** A phone number or a birth date the expectation listens for, begun in the partial and not yet whole. */
function begunValue(partial: string, expectation: Expectation, understanding: Understanding): boolean {
  const birth = understanding.dateOfBirth;
  if (expectation.slots.includes('phone') && !understanding.phone) {
    const spoken = normalizeNumberWords(partial);
    // Beside a birth date ("eleven two ninety" is digits too), only digits after a word for the phone are the phone's.
    const phonePart = birth ? (afterPhoneCarrier.exec(spoken)?.[1] ?? '') : spoken;
    const digits = (phonePart.match(/\d[\d\s]*/g)?.at(-1) ?? '').replace(/\D/g, '').length;
    if (digits >= begunPhoneDigits.min && digits <= begunPhoneDigits.max) return true;
  }
  return expectation.slots.includes('dateOfBirth') && expectation.askedFor !== 'birthYear' && birth?.month !== undefined && birth.day !== undefined && birth.year === undefined;
}

/** Tracks one turn's partials against the audio position and says when a complete answer has held still long enough. */
export function createEndpointer(options: EndpointingOptions = {}) {
  const stableMs = options.stableMs ?? 300;
  let lastText = '';
  let changedAtMs = 0;
  let answer: keyof Understanding | undefined;
  return {
    /** A new partial transcript at audio position `atMs`. */
    partial(text: string, atMs: number, expectation: Expectation, now: string): void {
      if (text === lastText) return;
      lastText = text;
      changedAtMs = atMs;
      answer = completeAnswer(text, expectation, now);
    },
    /** The slot that completes the turn now, at audio position `atMs`, if any. */
    ready(atMs: number): keyof Understanding | undefined {
      return answer !== undefined && atMs - changedAtMs >= stableMs ? answer : undefined;
    },
    reset(): void {
      lastText = '';
      changedAtMs = 0;
      answer = undefined;
    },
  };
}

export type Endpointer = ReturnType<typeof createEndpointer>;
