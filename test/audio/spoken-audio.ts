// Test audio with known speech positions: espeak-ng utterances trimmed to their speech, laid on silence or low noise.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resample } from '../../src/audio/resampler.ts';
import { downmixToMono, readWav } from '../../src/audio/wav.ts';

const run = promisify(execFile);

/** Samples of speech only: espeak-ng's leading and trailing silence cut off. */
export interface Utterance {
  samples: Int16Array;
  sampleRate: number;
  durationMs: number;
}

/** Speaks `text` with espeak-ng (`-w file.wav`, 22050 Hz), converts it to `sampleRate` Hz and trims it to its first and last loud 10 ms. */
export async function speak(text: string, options: { sampleRate: number; voice?: string }): Promise<Utterance> {
  const directory = await mkdtemp(join(tmpdir(), 'frontdesk-audio-'));
  try {
    const file = join(directory, 'speech.wav');
    await run('espeak-ng', ['-v', options.voice ?? 'en-us', '-w', file, text]);
    const wav = readWav(new Uint8Array(await readFile(file)));
    const converted = await resample(downmixToMono(wav.channels), wav.sampleRate, options.sampleRate);
    const samples = trimToSpeech(converted, options.sampleRate);
    return { samples, sampleRate: options.sampleRate, durationMs: (samples.length / options.sampleRate) * 1000 };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Cuts `durationMs` from the middle of an utterance: a burst of real speech, e.g. a 100 ms blip. */
export function excerpt(utterance: Utterance, durationMs: number): Utterance {
  const length = Math.round((durationMs / 1000) * utterance.sampleRate);
  const start = Math.max(0, Math.floor((utterance.samples.length - length) / 2));
  return { samples: utterance.samples.slice(start, start + length), sampleRate: utterance.sampleRate, durationMs };
}

/**
 * A `totalMs` stream at `sampleRate` Hz with each utterance placed at `atMs`, on silence or, with `noiseAmplitude`,
 * on seeded white noise of that peak amplitude (100 ≈ −50 dBFS, a quiet line).
 */
export function layOut(
  placements: readonly { utterance: Utterance; atMs: number }[],
  options: { totalMs: number; sampleRate: number; noiseAmplitude?: number },
): Int16Array {
  const { sampleRate } = options;
  const result = new Int16Array(Math.round((options.totalMs / 1000) * sampleRate));
  if (options.noiseAmplitude) {
    const random = seededRandom(7);
    for (let index = 0; index < result.length; index += 1) result[index] = Math.round((random() * 2 - 1) * options.noiseAmplitude);
  }
  for (const { utterance, atMs } of placements) {
    const offset = Math.round((atMs / 1000) * sampleRate);
    for (let index = 0; index < utterance.samples.length && offset + index < result.length; index += 1) {
      result[offset + index] = Math.max(-32768, Math.min(32767, (result[offset + index] as number) + (utterance.samples[index] as number)));
    }
  }
  return result;
}

function trimToSpeech(samples: Int16Array, sampleRate: number): Int16Array {
  const size = Math.round(sampleRate / 100);
  // A 10 ms block is speech when its RMS exceeds −40 dBFS; espeak-ng's pauses are digital silence, so this is unambiguous.
  const loud = (start: number) => {
    let energy = 0;
    const end = Math.min(samples.length, start + size);
    for (let index = start; index < end; index += 1) energy += (samples[index] as number) ** 2;
    return Math.sqrt(energy / Math.max(1, end - start)) > 328;
  };
  let first = 0;
  while (first < samples.length && !loud(first)) first += size;
  let last = Math.floor((samples.length - 1) / size) * size;
  while (last > first && !loud(last)) last -= size;
  return samples.slice(first, Math.min(samples.length, last + size));
}

/** A small deterministic PRNG (mulberry32), for reproducible noise. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
