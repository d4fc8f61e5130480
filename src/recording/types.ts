// Where finished call recordings go: one interface, S3 or an encrypted local directory.

export interface StoredRecording {
  /** Object key or relative path, e.g. recordings/2026/11/25/<call-id>.wav */
  key: string;
  bytes: number;
}

export interface RecordingStore {
  readonly name: string;
  /** Stores a finished WAV under a key derived from the call id and its start instant. */
  put(recording: { callId: string; startedAt: Date; wav: Uint8Array }): Promise<StoredRecording>;
  /** Reachability check for /readyz. */
  ping(): Promise<void>;
}

/** recordings/YYYY/MM/DD/<call-id>.wav (UTC date of the call's start). */
export function recordingKey(callId: string, startedAt: Date): string {
  const iso = startedAt.toISOString();
  return `recordings/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${callId}.wav`;
}
