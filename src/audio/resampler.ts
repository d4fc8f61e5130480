// Sample-rate conversion of 16-bit PCM streams: libsamplerate's band-limited sinc filter through its WebAssembly port.
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { FrontdeskError } from '../errors.ts';
import { concatSamples } from './frames.ts';

// The package is CommonJS (UMD): its named exports are only reachable through the default import under Node ESM.
const { ConverterType, create } = libsamplerate;

/** Rates a call meets, Hz: phone lines (8000), STT and VAD (16000), espeak-ng (22050), cloud TTS (24000), browsers and files (44100, 48000). */
export const commonSampleRates = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** libsamplerate's sinc converters, all 97 dB SNR: `best` keeps 97% of the band, `medium` 90% (~160× real time for 8→16 kHz on one core), `fastest` 80% (2× faster). */
export type ResamplerQuality = 'best' | 'medium' | 'fastest';

export interface ResamplerOptions {
  /** Hz of the samples given to `process`. */
  inputSampleRate: number;
  /** Hz of the samples it returns. */
  outputSampleRate: number;
  /** Default `medium`. */
  quality?: ResamplerQuality;
}

/** One stream's converter: create it once per call, then feed every chunk through `process`, synchronously. */
export interface Resampler {
  /** Hz. */
  readonly inputSampleRate: number;
  /** Hz. */
  readonly outputSampleRate: number;
  /**
   * Converts the next chunk (any length), keeping filter state across calls, so chunked output equals one-shot output.
   * The output is time-aligned with the input (no added delay) but holds back the last few ms for the filter's
   * look-ahead, released by later chunks or by `flush()`. When both rates are equal, returns `samples` itself.
   */
  process(samples: Int16Array): Int16Array;
  /** Ends the stream: returns the held-back tail so that the whole output has round(input length × ratio) samples. */
  flush(): Int16Array;
  /**
   * Forgets the stream so the converter can start another: silence is pushed through until no sample of the old
   * stream is left in the filter, and that output is dropped, so the next stream comes out as from a new converter.
   */
  reset(): void;
  /** Frees the converter; later calls return empty output. */
  close(): void;
}

const converterTypes: Record<ResamplerQuality, number> = {
  best: ConverterType.SRC_SINC_BEST_QUALITY,
  medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: ConverterType.SRC_SINC_FASTEST,
};

/**
 * Creates a streaming resampler. Asynchronous only because each converter instantiates its own WebAssembly
 * module (~10–50 ms, ~1.7 MB): libsamplerate-js keeps one converter state per module instance.
 */
export async function createResampler(options: ResamplerOptions): Promise<Resampler> {
  const { inputSampleRate, outputSampleRate } = options;
  assertSampleRate(inputSampleRate);
  assertSampleRate(outputSampleRate);
  if (inputSampleRate === outputSampleRate) {
    return { inputSampleRate, outputSampleRate, process: (samples) => samples, flush: () => new Int16Array(0), reset: () => {}, close: () => {} };
  }
  const converterType = converterTypes[options.quality ?? 'medium'] as 0 | 1 | 2;
  const converter = await create(1, inputSampleRate, outputSampleRate, { converterType });
  const ratio = outputSampleRate / inputSampleRate;
  let inputCount = 0;
  let outputCount = 0;
  /** Output samples still to drop after a reset: the silence the filter held back, which a fresh converter would not emit. */
  let skip = 0;
  /** Samples in and out of the converter over its whole life, resets included. */
  let lifetimeIn = 0;
  let lifetimeOut = 0;
  let state: 'open' | 'flushed' | 'closed' = 'open';

  function convert(input: Float32Array): Int16Array {
    let output = toPcm16(converter.full(input));
    lifetimeIn += input.length;
    lifetimeOut += output.length;
    if (skip > 0) {
      const dropped = Math.min(skip, output.length);
      skip -= dropped;
      output = output.subarray(dropped);
    }
    outputCount += output.length;
    return output;
  }

  return {
    inputSampleRate,
    outputSampleRate,
    process(samples) {
      if (state !== 'open' || samples.length === 0) return new Int16Array(0);
      inputCount += samples.length;
      return convert(toFloat(samples));
    },
    flush() {
      if (state !== 'open') return new Int16Array(0);
      state = 'flushed';
      const expected = Math.round(inputCount * ratio);
      // libsamplerate-js does not expose end-of-input, so silence pushes the look-ahead out; 20 ms per push, a few pushes at most.
      const silence = new Float32Array(Math.max(1, Math.ceil(inputSampleRate / 50)));
      const parts: Int16Array[] = [];
      for (let pushes = 0; outputCount < expected && pushes < 100; pushes += 1) parts.push(convert(silence));
      const tail = concatSamples(parts);
      const wanted = Math.max(0, expected - (outputCount - tail.length));
      return tail.subarray(0, Math.min(wanted, tail.length));
    },
    reset() {
      if (state === 'closed') return;
      // 40 ms of input is longer than libsamplerate's widest sinc (~6 ms at 2× up, ~17 ms at 22050 → 8000 Hz down).
      const silence = Math.ceil(inputSampleRate / 25);
      lifetimeOut += converter.full(new Float32Array(silence)).length;
      lifetimeIn += silence;
      // What the filter holds back now is silence; dropping it makes the next stream's output sample for sample a fresh converter's.
      skip = Math.max(0, Math.round(lifetimeIn * ratio) - lifetimeOut);
      inputCount = 0;
      outputCount = 0;
      state = 'open';
    },
    close() {
      if (state !== 'closed') converter.destroy();
      state = 'closed';
    },
  };
}

/** Converts a whole buffer at once: exactly round(length × outputSampleRate / inputSampleRate) samples. */
export async function resample(samples: Int16Array, inputSampleRate: number, outputSampleRate: number, quality: ResamplerQuality = 'medium'): Promise<Int16Array> {
  const resampler = await createResampler({ inputSampleRate, outputSampleRate, quality });
  try {
    if (inputSampleRate === outputSampleRate) return samples.slice();
    const body = resampler.process(samples);
    return concatSamples([body, resampler.flush()]);
  } finally {
    resampler.close();
  }
}

function assertSampleRate(sampleRate: number): void {
  // libsamplerate converts ratios between 1/256 and 256; telephony to studio rates stays far inside that.
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 384000) {
    throw new FrontdeskError('AUDIO_INVALID', `sample rate ${sampleRate} Hz is not an integer between 1000 and 384000`);
  }
}

function toFloat(samples: Int16Array): Float32Array {
  const result = new Float32Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) result[index] = (samples[index] as number) / 32768;
  return result;
}

function toPcm16(samples: Float32Array): Int16Array {
  const result = new Int16Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) {
    result[index] = Math.max(-32768, Math.min(32767, Math.round((samples[index] as number) * 32768)));
  }
  return result;
}
