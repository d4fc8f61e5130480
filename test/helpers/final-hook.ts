// A SpeechToText around another whose final transcripts pass through a hook first (to trace them, or to hold them back).
import type { SpeechToText, SttStreamOptions, TranscriptEvent } from '../../src/stt/types.ts';

export function withFinalHook(inner: SpeechToText, onFinal: (event: Extract<TranscriptEvent, { type: 'final' }>, options: SttStreamOptions) => void | Promise<void>): SpeechToText {
  return {
    name: inner.name,
    async open(streamOptions) {
      const stream = await inner.open(streamOptions);
      return {
        push: (frame) => stream.push(frame),
        end: () => stream.end(),
        close: () => stream.close(),
        async *[Symbol.asyncIterator]() {
          for await (const event of stream) {
            if (event.type === 'final') await onFinal(event, streamOptions);
            yield event;
          }
        },
      };
    },
  };
}
