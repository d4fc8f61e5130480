// The messages (and the error form) between a WorkerStt on the main thread and its worker threads (plain data: they are structured-cloned).
import { isFrontdeskError } from '../errors.ts';
import type { Expectation } from '../understanding/types.ts';

export interface SerializedError {
  /** A FrontdeskError's code, when it was one. */
  code?: string;
  message: string;
}

export type ToWorker =
  | { type: 'open'; id: number; sampleRate: number; expectation?: Expectation }
  | { type: 'push'; id: number; samples: Int16Array }
  | { type: 'end'; id: number }
  | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | { type: 'opened'; id: number }
  | { type: 'open-failed'; id: number; error: SerializedError }
  | { type: 'event'; id: number; event: { type: 'partial'; text: string } | { type: 'final'; text: string; confidence?: number } | { type: 'error'; error: SerializedError } }
  | { type: 'done'; id: number };

/** Plain data for an error crossing the thread boundary; the code survives, so callers still branch on it. */
export function serializeError(error: unknown): SerializedError {
  if (isFrontdeskError(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
