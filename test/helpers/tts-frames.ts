// Reading TTS output in tests: all frames of a synthesis, and their samples joined.
import type { PcmFrame } from '../../src/audio/types.ts';

export async function readAllFrames(frames: AsyncIterable<PcmFrame>): Promise<PcmFrame[]> {
  const collected: PcmFrame[] = [];
  for await (const frame of frames) collected.push(frame);
  return collected;
}

export function concatenateSamples(frames: PcmFrame[]): Int16Array {
  const total = frames.reduce((sum, frame) => sum + frame.samples.length, 0);
  const joined = new Int16Array(total);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame.samples, offset);
    offset += frame.samples.length;
  }
  return joined;
}
