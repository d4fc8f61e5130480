// Streaming voice activity detection on 8 or 16 kHz PCM: any frame size in, speech-start/speech-end events and per-window probabilities out.
import { FrontdeskError } from '../errors.ts';
import { createSileroModel, sileroWindowSize, type SileroModelOptions } from './silero-model.ts';
import { createSpeechSegmenter, resolveSegmenterOptions, type SpeechSegmenterOptions } from './speech-segmenter.ts';
import type { PcmFrame, VadEvent } from './types.ts';

export interface VadOptions extends SpeechSegmenterOptions, SileroModelOptions {
  /**
   * dBFS: a window whose RMS level is below this is silence (probability 0) without running the model, and after
   * `silenceResetWindows` such windows in a row the model starts over as on a new stream. Default −60: a quiet phone
   * line's noise floor is at −60 to −70 dBFS, speech at −40 to −20. `null` scores every window.
   */
  silenceFloorDbfs?: number | null;
}

/** Windows under the silence floor in a row (256 ms) after which the model's state is reset. */
const silenceResetWindows = 8;

/** One 32 ms model window on the stream's timeline. */
export interface VadWindow {
  /** ms since stream start. */
  startMs: number;
  /** ms since stream start (startMs + 32). */
  endMs: number;
  /** 0–1 probability of speech in this window. */
  probability: number;
}

/** What one `process` call produced; a short frame may complete no window, a long one several. */
export interface VadResult {
  /** In timeline order. */
  events: VadEvent[];
  /** Windows completed by this call, in order. */
  windows: VadWindow[];
}

/** One stream's voice activity detector. Calls are queued, so `process` may be called without awaiting the previous one. */
export interface Vad {
  /** Hz of the frames `process` accepts. */
  readonly sampleRate: number;
  /** Feeds the next frame (any number of samples at `sampleRate`); rejects with AUDIO_INVALID on another rate or after `flush`/`close`. */
  process(frame: PcmFrame): Promise<VadResult>;
  /** Ends the stream: closes open speech with a speech-end at the end of its last speech window. A trailing partial window (< 32 ms) is not scored. */
  flush(): Promise<VadResult>;
  /** Forgets pending or open speech without an event (the model keeps its state); the next speech makes a new speech-start. */
  dropSpeech(): void;
  /** True between speech-start and speech-end. */
  readonly speaking: boolean;
  /** The latest window's 0–1 speech probability; 0 before the first window. */
  readonly probability: number;
  /** ms of audio fed so far: the stream's current position on its timeline. */
  readonly positionMs: number;
  /** Stops the detector; later `process` calls reject. */
  close(): void;
}

/** Silero VAD v5 over 16 kHz frames, or 8 kHz with `sampleRate: 8000` (see `createVadStream` for other rates); loads the model once per process. */
export async function createVad(options: VadOptions = {}): Promise<Vad> {
  resolveSegmenterOptions(options);
  const model = await createSileroModel(options);
  const sampleRate = model.sampleRate;
  const windowSamples = sileroWindowSize(sampleRate);
  const segmenter = createSpeechSegmenter(options);
  const windowMs = (windowSamples / sampleRate) * 1000;
  const pending = new Float32Array(windowSamples);
  const floorDbfs = options.silenceFloorDbfs === undefined ? -60 : options.silenceFloorDbfs;
  if (floorDbfs !== null && !(floorDbfs <= 0)) throw new FrontdeskError('CONFIG_INVALID', `silenceFloorDbfs is a level in dBFS (0 or below), got ${floorDbfs}`);
  /** The floor as a sum of squared samples over one window (samples as −1..1 floats); −1 scores every window. */
  const floorEnergy = floorDbfs === null ? -1 : windowSamples * 10 ** (floorDbfs / 10);
  const silent = Promise.resolve(0);
  let windowEnergy = 0;
  let silentWindows = 0;
  let pendingLength = 0;
  let windowIndex = 0;
  let sampleCount = 0;
  let probability = 0;
  let state: 'open' | 'ended' = 'open';
  let queue: Promise<unknown> = Promise.resolve();

  /** Cuts the frame into windows and submits them to the model now (it batches them with other streams'); the results come back in order. */
  function submit(frame: PcmFrame): Array<{ startMs: number; endMs: number; scored: Promise<number> }> {
    const submitted: Array<{ startMs: number; endMs: number; scored: Promise<number> }> = [];
    const samples = frame.samples;
    sampleCount += samples.length;
    for (let index = 0; index < samples.length; index += 1) {
      const value = (samples[index] as number) / 32768;
      pending[pendingLength] = value;
      windowEnergy += value * value;
      pendingLength += 1;
      if (pendingLength === windowSamples) {
        const startMs = windowIndex * windowMs;
        windowIndex += 1;
        let scored = silent;
        if (windowEnergy >= floorEnergy) {
          silentWindows = 0;
          scored = model.predict(pending);
          // Awaited in order below; marked handled now so a failure waiting its turn is not reported as unhandled.
          scored.catch(() => {});
        } else if (++silentWindows === silenceResetWindows) {
          model.reset();
        }
        submitted.push({ startMs, endMs: startMs + windowMs, scored });
        pendingLength = 0;
        windowEnergy = 0;
      }
    }
    return submitted;
  }

  async function collect(submitted: ReturnType<typeof submit>): Promise<VadResult> {
    const result: VadResult = { events: [], windows: [] };
    for (const { startMs, endMs, scored } of submitted) {
      probability = await scored;
      result.windows.push({ startMs, endMs, probability });
      const event = segmenter.push(probability, startMs, endMs);
      if (event) result.events.push(event);
    }
    return result;
  }

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  }

  return {
    sampleRate,
    get speaking() {
      return segmenter.speaking;
    },
    get probability() {
      return probability;
    },
    get positionMs() {
      return (sampleCount / sampleRate) * 1000;
    },
    process(frame) {
      if (state !== 'open') return Promise.reject(new FrontdeskError('AUDIO_INVALID', 'the VAD stream has ended'));
      if (frame.sampleRate !== sampleRate) {
        return Promise.reject(
          new FrontdeskError('AUDIO_INVALID', `createVad takes ${sampleRate} Hz frames, got ${frame.sampleRate} Hz; use createVadStream to resample`),
        );
      }
      const submitted = submit(frame);
      return enqueue(() => collect(submitted));
    },
    flush() {
      if (state !== 'open') return enqueue(async () => ({ events: [], windows: [] }));
      state = 'ended';
      return enqueue(async () => {
        const event = segmenter.end((sampleCount / sampleRate) * 1000);
        return { events: event ? [event] : [], windows: [] };
      });
    },
    dropSpeech: () => segmenter.dropSpeech(),
    close() {
      state = 'ended';
    },
  };
}
