// PCM frames for adapter tests: the shape a call pushes into an STT stream.
import type { PcmFrame } from '../../src/audio/types.ts';
import type { TranscriptEvent } from '../../src/stt/types.ts';

/** `durationMs` of a quiet tone cut into `frameMs` frames at `sampleRate`. */
export function speechFrames(durationMs: number, sampleRate = 16000, frameMs = 20): PcmFrame[] {
  const frames: PcmFrame[] = [];
  const samplesPerFrame = Math.round((sampleRate * frameMs) / 1000);
  for (let elapsed = 0; elapsed < durationMs; elapsed += frameMs) {
    const samples = new Int16Array(samplesPerFrame);
    for (let index = 0; index < samples.length; index += 1) samples[index] = Math.round(3000 * Math.sin(index / 5));
    frames.push({ samples, sampleRate });
  }
  return frames;
}

/** Reads a stream's events until it ends, or fails the test after `timeoutMs`. */
export async function collectEvents(stream: AsyncIterable<TranscriptEvent>, timeoutMs = 5000): Promise<TranscriptEvent[]> {
  const events: TranscriptEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stream did not end within ${timeoutMs} ms; got ${JSON.stringify(events)}`)), timeoutMs);
  });
  const read = (async () => {
    for await (const event of stream) events.push(event);
  })();
  try {
    await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return events;
}
