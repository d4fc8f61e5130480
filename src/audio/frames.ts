// PCM sample buffers: cutting them into frames, making silence, joining them.
import { FrontdeskError } from '../errors.ts';
import type { PcmFrame } from './types.ts';

/**
 * Cuts `samples` into consecutive frames of `frameMs` ms at `sampleRate` Hz (20 ms is a phone transport's frame).
 * The last frame is shorter when the length is not a multiple; frames are copies, not views.
 */
export function toFrames(samples: Int16Array, sampleRate: number, frameMs: number): PcmFrame[] {
  const size = Math.round((sampleRate * frameMs) / 1000);
  if (!Number.isFinite(size) || size < 1) throw new FrontdeskError('AUDIO_INVALID', `a ${frameMs} ms frame at ${sampleRate} Hz holds no sample`);
  const frames: PcmFrame[] = [];
  for (let offset = 0; offset < samples.length; offset += size) frames.push({ samples: samples.slice(offset, offset + size), sampleRate });
  return frames;
}

/** `durationMs` ms of digital silence at `sampleRate` Hz (rounded to whole samples). */
export function silence(durationMs: number, sampleRate: number): Int16Array {
  return new Int16Array(Math.max(0, Math.round((durationMs / 1000) * sampleRate)));
}

/** Joins sample buffers end to end into one new buffer. */
export function concatSamples(parts: readonly Int16Array[]): Int16Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const result = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
