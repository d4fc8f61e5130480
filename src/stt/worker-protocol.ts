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

/**
 * Messages for one thread, sent as one array per turn of the event loop. A postMessage costs tens of µs whatever it
 * carries (a structured clone and a wake-up of the other thread), and a busy server pushes a 20 ms frame per call in
 * every turn: one message per turn keeps that cost flat as calls are added. Order is kept.
 */
export class MessageBatch<T> {
  private pending: T[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(private readonly post: (messages: T[], transfer: ArrayBuffer[]) => void) {}

  add(message: T, transfer?: ArrayBuffer): void {
    this.pending.push(message);
    if (transfer) this.transfer.push(transfer);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is queued now (also called by the turn's setImmediate). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const messages = this.pending;
    const transfer = this.transfer;
    this.pending = [];
    this.transfer = [];
    this.post(messages, transfer);
  }
}

/** Plain data for an error crossing the thread boundary; the code survives, so callers still branch on it. */
export function serializeError(error: unknown): SerializedError {
  if (isFrontdeskError(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
