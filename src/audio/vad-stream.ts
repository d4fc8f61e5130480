// Voice activity detection on a stream at any sample rate: 8 and 16 kHz go straight to the model, other rates are resampled to 16 kHz on the input's timeline.
import { FrontdeskError } from '../errors.ts';
import { createResampler, type ResamplerQuality } from './resampler.ts';
import type { PcmFrame } from './types.ts';
import { createVad, type Vad, type VadOptions, type VadResult } from './vad.ts';

export interface VadStreamOptions extends VadOptions {
  /** Hz of the frames fed in: 8000 (phone calls) and 16000 need no resampling, any other integer rate is resampled to 16000. */
  inputSampleRate: number;
  /** Default `medium`. */
  resamplerQuality?: ResamplerQuality;
}

/**
 * A `Vad` whose `process` takes frames at `inputSampleRate`. Event times stay on the input's timeline: the
 * resampler adds no delay, it only holds back a few ms of look-ahead, which `flush` releases.
 */
export async function createVadStream(options: VadStreamOptions): Promise<Vad> {
  const { inputSampleRate } = options;
  // Silero runs natively at 8 kHz too: a phone line needs no resampler, and its 256-sample windows cost less than 512.
  if (inputSampleRate === 8000 || inputSampleRate === 16000) return createVad({ ...options, sampleRate: inputSampleRate });
  const vad = await createVad({ ...options, sampleRate: 16000 });
  const resampler = await createResampler({ inputSampleRate, outputSampleRate: vad.sampleRate, quality: options.resamplerQuality ?? 'medium' });
  let sampleCount = 0;
  let ended = false;
  return {
    sampleRate: inputSampleRate,
    get speaking() {
      return vad.speaking;
    },
    get probability() {
      return vad.probability;
    },
    get positionMs() {
      return (sampleCount / inputSampleRate) * 1000;
    },
    process(frame: PcmFrame): Promise<VadResult> {
      if (ended) return Promise.reject(new FrontdeskError('AUDIO_INVALID', 'the VAD stream has ended'));
      if (frame.sampleRate !== inputSampleRate) {
        return Promise.reject(new FrontdeskError('AUDIO_INVALID', `this VAD stream takes ${inputSampleRate} Hz frames, got ${frame.sampleRate} Hz`));
      }
      sampleCount += frame.samples.length;
      // Resampled here, synchronously, so queued frames reach the VAD in order.
      return vad.process({ samples: resampler.process(frame.samples), sampleRate: vad.sampleRate });
    },
    async flush(): Promise<VadResult> {
      if (ended) return { events: [], windows: [] };
      ended = true;
      const tail = await vad.process({ samples: resampler.flush(), sampleRate: vad.sampleRate });
      resampler.close();
      const last = await vad.flush();
      return { events: [...tail.events, ...last.events], windows: [...tail.windows, ...last.windows] };
    },
    dropSpeech: () => vad.dropSpeech(),
    close() {
      ended = true;
      resampler.close();
      vad.close();
    },
  };
}
