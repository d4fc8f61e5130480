// Where finished call recordings go: one interface, S3 or an encrypted local directory.
import { FrontdeskError } from '../errors.ts';

export interface StoredRecording {
  /** Object key or relative path, e.g. recordings/2026/11/25/<call-id>.wav */
  key: string;
  /** Size of the WAV in bytes (before any encryption). */
  bytes: number;
  /** True when the store failed and the recording waits, encrypted, in the spool for a retry under this same key. */
  spooled?: boolean;
}

export interface RecordingStore {
  readonly name: string;
  /** Stores a finished WAV under a key derived from the call id and its start instant. */
  put(recording: { callId: string; startedAt: Date; wav: Uint8Array }): Promise<StoredRecording>;
  /** Reachability check for /readyz. */
  ping(): Promise<void>;
  /** The key `put` will store this call under, when it differs from `recordingKey` (e.g. an S3 prefix). */
  keyFor?(callId: string, startedAt: Date): string;
}

/** recordings/YYYY/MM/DD/<call-id>.wav (UTC date of the call's start). */
export function recordingKey(callId: string, startedAt: Date): string {
  const iso = startedAt.toISOString();
  return `recordings/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${callId}.wav`;
}

// A call id becomes part of a file path and an object key: letters, digits, dot, dash, underscore, and never a path step.
const storableCallId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws RECORDING_STORE_FAILED (not retryable) unless `callId` is safe as a file name and an object key. */
export function assertStorableCallId(callId: string): void {
  if (!storableCallId.test(callId) || callId.includes('..')) {
    throw new FrontdeskError('RECORDING_STORE_FAILED', 'call id is not usable as a recording name', { retryable: false });
  }
}
