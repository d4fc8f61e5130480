// Streaming voice activity detection on 8 or 16 kHz PCM: any frame size in, speech-start/speech-end events and per-window probabilities out.
import { FrontdeskError } from '../errors.ts';
import { createSileroModel, sileroWindowSize, type SileroModelOptions } from './silero-model.ts';
import { createSpeechSegmenter, resolveSegmenterOptions, type SpeechSegmenterOptions } from './speech-segmenter.ts';
import type { PcmFrame, VadEvent } from './types.ts';

export interface VadOptions extends SpeechSegmenterOptions, SileroModelOptions {}

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
      pending[pendingLength] = (samples[index] as number) / 32768;
      pendingLength += 1;
      if (pendingLength === windowSamples) {
        const startMs = windowIndex * windowMs;
        windowIndex += 1;
        const scored = model.predict(pending);
        // Awaited in order below; marked handled now so a failure waiting its turn is not reported as unhandled.
        scored.catch(() => {});
        submitted.push({ startMs, endMs: startMs + windowMs, scored });
        pendingLength = 0;
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
