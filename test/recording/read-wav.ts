// Reads a recording WAV back through wavefile: format fields and each channel's samples.
import wavefile from 'wavefile';

export interface ParsedWav {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  left: Int16Array;
  right: Int16Array;
}

export function readStereoWav(bytes: Uint8Array): ParsedWav {
  const wav = new wavefile.WaveFile(bytes);
  const format = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };
  const [left, right] = wav.getSamples(false, Int16Array) as unknown as [Int16Array, Int16Array];
  return { channels: format.numChannels, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample, left, right };
}

/** A sine tone of `frequency` Hz at `sampleRate` Hz, `count` samples, peak `amplitude`, starting at sample `offset` of the tone. */
export function tone(frequency: number, sampleRate: number, count: number, amplitude = 10_000, offset = 0): Int16Array {
  const samples = new Int16Array(count);
  for (let index = 0; index < count; index += 1) {
    samples[index] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * (index + offset)) / sampleRate));
  }
  return samples;
}

/** Root mean square of samples [from, to). */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let index = from; index < to; index += 1) sum += (samples[index] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Splits `samples` into frames of `frameSize` (the last may be shorter), as a transport delivers them. */
export function framesOf(samples: Int16Array, frameSize: number): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let offset = 0; offset < samples.length; offset += frameSize) frames.push(samples.slice(offset, offset + frameSize));
  return frames;
}
