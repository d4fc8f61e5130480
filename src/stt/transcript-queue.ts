// A push-to-pull queue of transcript events: adapters push as their vendor answers, the caller iterates.
import type { TranscriptEvent } from './types.ts';

export interface TranscriptQueue extends AsyncIterable<TranscriptEvent> {
  push(event: TranscriptEvent): void;
  /** No more events: iteration ends once the buffered ones are read. */
  finish(): void;
  readonly finished: boolean;
}

/** Events are buffered until read; iteration ends after `finish()`. One consumer at a time. */
export function createTranscriptQueue(): TranscriptQueue {
  const buffered: TranscriptEvent[] = [];
  let finished = false;
  let wake: (() => void) | undefined;

  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };

  return {
    push(event) {
      if (finished) return;
      buffered.push(event);
      notify();
    },
    finish() {
      finished = true;
      notify();
    },
    get finished() {
      return finished;
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        const next = buffered.shift();
        if (next) {
          yield next;
          continue;
        }
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
