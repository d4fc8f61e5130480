// Streaming conversion of any call sample rate to the 16 kHz PocketSphinx's en-us acoustic model was trained on.
// Local fallback until src/audio ships a shared resampler: libsamplerate (sinc, medium quality) through its WebAssembly port.
import libsamplerate from '@alexanderolsen/libsamplerate-js';

// The package is CommonJS (UMD): its named exports are only reachable through the default import under Node ESM.
const { ConverterType, create } = libsamplerate;

export const decoderSampleRate = 16000;

export interface StreamResampler {
  /** Converts the next chunk, keeping filter state across calls. */
  process(samples: Int16Array): Int16Array;
  close(): void;
}

/** Resampler from `inputSampleRate` (Hz) to 16 kHz; a pass-through when the input already is 16 kHz. */
export async function createResamplerTo16k(inputSampleRate: number): Promise<StreamResampler> {
  if (inputSampleRate === decoderSampleRate) return { process: (samples) => samples, close: () => {} };
  const converter = await create(1, inputSampleRate, decoderSampleRate, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY });
  let closed = false;
  return {
    process(samples) {
      if (closed || samples.length === 0) return new Int16Array(0);
      const input = new Float32Array(samples.length);
      for (let index = 0; index < samples.length; index += 1) input[index] = (samples[index] as number) / 32768;
      const output = converter.full(input);
      const result = new Int16Array(output.length);
      for (let index = 0; index < output.length; index += 1) {
        result[index] = Math.max(-32768, Math.min(32767, Math.round((output[index] as number) * 32768)));
      }
      return result;
    },
    close() {
      if (!closed) converter.destroy();
      closed = true;
    },
  };
}
