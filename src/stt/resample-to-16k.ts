// Streaming conversion of any call sample rate to the 16 kHz PocketSphinx's en-us acoustic model was trained on, with converters reused across turns.
import { acquireResampler } from '../audio/resampler-pool.ts';

export const decoderSampleRate = 16000;

export interface StreamResampler {
  /** Converts the next chunk, keeping filter state across calls. */
  process(samples: Int16Array): Int16Array;
  /** Ends the stream and gives the converter back to the pool. */
  close(): void;
}

/** Resampler from `inputSampleRate` (Hz) to 16 kHz (libsamplerate sinc, medium quality); a pass-through when the input already is 16 kHz. */
export async function createResamplerTo16k(inputSampleRate: number): Promise<StreamResampler> {
  return acquireResampler({ inputSampleRate, outputSampleRate: decoderSampleRate, quality: 'medium' });
}
