// Slot-aware endpointing: whether a partial transcript already holds a complete, valid answer to what the state asks, so the turn can end before the silence window.
import { extractWithRules } from '../understanding/rule-extractor.ts';
import type { Expectation, Understanding } from '../understanding/types.ts';

export interface EndpointingOptions {
  /**
   * ms of caller audio after the partial last changed before a complete value counts: "nineteen eighty" is a complete year
   * until "five" arrives, so the words must hold still for a moment. Default 300 (the silence window is 800).
   */
  stableMs?: number;
}

/**
 * The complete value a partial transcript answers, or undefined. Only values that cannot grow are complete: a whole
 * phone number, a full date of birth, a yes or no, a choice among offered options. Names, dates and reasons can go on
 * ("Smith-Jones", "Tuesday at ten"), so they always wait for the silence.
 */
export function completeAnswer(partial: string, expectation: Expectation, now: string): keyof Understanding | undefined {
  const asked = expectation.slots[0];
  if (!asked || partial.trim() === '') return undefined;
  let understanding: Understanding;
  try {
    understanding = extractWithRules({ text: partial, expectation, now });
  } catch {
    return undefined;
  }
  // A caller in distress or asking for a person is never cut short.
  if (understanding.emergency || understanding.humanRequested || understanding.clinicalQuestion) return undefined;
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
