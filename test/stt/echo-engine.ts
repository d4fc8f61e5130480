// A small SpeechToText that reports what reached it (sample counts, rate, expected slots): lets the worker tests check the
// thread boundary itself, without depending on what PocketSphinx hears. Sample rate 4444 ends its thread, as a crash would.
import { FrontdeskError } from '../../src/errors.ts';
import { EventQueue } from '../../src/stt/event-queue.ts';
import type { SpeechToText, TranscriptEvent } from '../../src/stt/types.ts';

export function createEchoStt(options: { label: string }): SpeechToText {
  return {
    name: 'echo',
    async open(streamOptions) {
      if (streamOptions.sampleRate === 4444) process.exit(3);
      if (streamOptions.sampleRate < 8000) throw new FrontdeskError('AUDIO_INVALID', `unsupported sample rate ${streamOptions.sampleRate} Hz`);
      const events = new EventQueue<TranscriptEvent>();
      let samples = 0;
      let first = -1;
      const slots = streamOptions.expectation?.slots.join('+') ?? 'none';
      return {
        push(frame) {
          if (first < 0) first = frame.samples[0] ?? 0;
          samples += frame.samples.length;
          events.push({ type: 'partial', text: String(samples) });
        },
        end() {
          events.push({ type: 'final', text: `${options.label} ${samples} samples at ${streamOptions.sampleRate} first ${first} slots ${slots}`, confidence: 0.75 });
          events.finish();
        },
        close: () => events.abandon(),
        [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
      };
    },
  };
}
