// A call's recording written to disk as the call goes: both channels' events, encrypted chunk by chunk (AES-256-GCM each), at most ~1 s behind; replayed into a WAV after a crash.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PcmFrame } from '../audio/types.ts';
import { openCallRecorder, type CallRecorder } from './call-recorder.ts';
import { decryptRecording, encryptRecording } from './encrypted-file.ts';
import { assertStorableCallId } from './types.ts';

/** How often buffered events are encrypted and appended, ms: the recording on disk is at most this (plus one write) behind. */
export const journalFlushIntervalMs = 1000;

const journalExtension = '.journal';

// File: chunks, each [uint32 big-endian length][envelope]; the first chunk's plaintext is the JSON header, every other
// chunk's a batch of events: [kind u8][atMs f64][sampleRate u32][samples u32][int16 samples…] (kind 1 caller, 2 agent,
// 3 clear with no samples). A chunk cut short by a crash, or one that does not authenticate, ends the replay there.
interface JournalHeader {
  callId: string;
  sampleRate: number;
  startedAtMs: number;
}

const kinds = { caller: 1, agent: 2, clear: 3 } as const;

export interface RecordingJournal {
  caller(frame: PcmFrame, atMs: number): void;
  agent(frame: PcmFrame, atMs: number): void;
  clearAgent(atMs: number): void;
  /** Writes what is buffered now. */
  flush(): void;
  /** Stops writing (the recording is stored): the journal file is removed. */
  discard(): void;
  /** Stops writing but keeps the file (the recording could not be kept: the next start recovers it). */
  close(): void;
}

/** Opens `<directory>/<callId>.journal` (0600) and writes its header. */
export function openRecordingJournal(options: { directory: string; key: Uint8Array; callId: string; sampleRate: number; startedAtMs: number }): RecordingJournal {
  assertStorableCallId(options.callId);
  mkdirSync(options.directory, { recursive: true, mode: 0o700 });
  const path = join(options.directory, `${options.callId}${journalExtension}`);
  let descriptor: number | undefined = openSync(path, 'wx', 0o600);
  let parts: Buffer[] = [];
  let bufferedBytes = 0;

  const writeChunk = (plaintext: Uint8Array) => {
    if (descriptor === undefined) return;
    const envelope = encryptRecording(plaintext, options.key);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(envelope.byteLength);
    const bytes = Buffer.concat([length, envelope]);
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
  };
  const header: JournalHeader = { callId: options.callId, sampleRate: options.sampleRate, startedAtMs: options.startedAtMs };
  writeChunk(Buffer.from(JSON.stringify(header)));

  const push = (kind: number, atMs: number, frame?: PcmFrame) => {
    if (descriptor === undefined) return;
    const samples = frame?.samples.length ?? 0;
    const head = Buffer.alloc(17);
    head.writeUInt8(kind, 0);
    head.writeDoubleBE(atMs, 1);
    head.writeUInt32BE(frame?.sampleRate ?? 0, 9);
    head.writeUInt32BE(samples, 13);
    parts.push(head);
    if (frame && samples > 0) parts.push(Buffer.from(frame.samples.buffer, frame.samples.byteOffset, samples * 2));
    bufferedBytes += 17 + samples * 2;
  };

  const flush = () => {
    if (descriptor === undefined || bufferedBytes === 0) return;
    const plaintext = Buffer.concat(parts, bufferedBytes);
    parts = [];
    bufferedBytes = 0;
    writeChunk(plaintext);
  };
  const timer = setInterval(flush, journalFlushIntervalMs);
  timer.unref();

  const stop = () => {
    clearInterval(timer);
    if (descriptor === undefined) return;
    flush();
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
  };

  return {
    // The samples are copied when pushed: a transport may reuse its frame buffers.
    caller: (frame, atMs) => push(kinds.caller, atMs, { sampleRate: frame.sampleRate, samples: frame.samples.slice() }),
    agent: (frame, atMs) => push(kinds.agent, atMs, { sampleRate: frame.sampleRate, samples: frame.samples.slice() }),
    clearAgent: (atMs) => push(kinds.clear, atMs),
    flush,
    discard() {
      stop();
      rmSync(path, { force: true });
    },
    close: stop,
  };
}

export interface RecoveredRecording {
  callId: string;
  /** The recorder rebuilt from the journal: finish it for the WAV. */
  recorder: CallRecorder;
  /** Chunks of events replayed (a chunk per ~1 s of call). */
  chunks: number;
  /** Remove the journal once the recording is stored or spooled. */
  remove(): void;
}

/** Journals left by calls that never finished (a crash), each replayed into a recorder; unreadable ones are skipped and reported. */
export async function recoverRecordingJournals(options: { directory: string; key: Uint8Array; onUnreadable?: (file: string) => void }): Promise<RecoveredRecording[]> {
  let files: string[];
  try {
    files = readdirSync(options.directory).filter((file) => file.endsWith(journalExtension));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const recovered: RecoveredRecording[] = [];
  for (const file of files.sort()) {
    const path = join(options.directory, file);
    const replayed = await replay(readFileSync(path), options.key);
    if (!replayed) {
      options.onUnreadable?.(file);
      continue;
    }
    recovered.push({ ...replayed, remove: () => rmSync(path, { force: true }) });
  }
  return recovered;
}

async function replay(bytes: Buffer, key: Uint8Array): Promise<Omit<RecoveredRecording, 'remove'> | undefined> {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.length) break;
    try {
      chunks.push(decryptRecording(bytes.subarray(offset + 4, offset + 4 + length), key));
    } catch {
      break;
    }
    offset += 4 + length;
  }
  const [first, ...events] = chunks;
  if (!first) return undefined;
  let header: JournalHeader;
  try {
    header = JSON.parse(Buffer.from(first).toString('utf8')) as JournalHeader;
    assertStorableCallId(header.callId);
  } catch {
    return undefined;
  }
  const replayed: Array<{ kind: number; atMs: number; frame: PcmFrame }> = [];
  for (const chunk of events) {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let offset = 0; offset + 17 <= view.length; ) {
      const kind = view.readUInt8(offset);
      const atMs = view.readDoubleBE(offset + 1);
      const sampleRate = view.readUInt32BE(offset + 9);
      const count = view.readUInt32BE(offset + 13);
      const start = offset + 17;
      if (start + count * 2 > view.length) break;
      // Copied out: the chunk's byte offset need not be even, and Int16Array needs alignment.
      const samples = new Int16Array(count);
      Buffer.from(samples.buffer).set(view.subarray(start, start + count * 2));
      replayed.push({ kind, atMs, frame: { sampleRate, samples } });
      offset = start + count * 2;
    }
  }
  // The recorder converts what the call recorded at other rates: its converters open before the frames are placed.
  const inputSampleRates = [...new Set(replayed.filter(({ kind }) => kind !== kinds.clear).map(({ frame }) => frame.sampleRate))];
  const recorder = await openCallRecorder({ sampleRate: header.sampleRate, startedAtMs: header.startedAtMs, inputSampleRates });
  for (const { kind, atMs, frame } of replayed) {
    if (kind === kinds.caller) recorder.caller(frame, atMs);
    else if (kind === kinds.agent) recorder.agent(frame, atMs);
    else if (kind === kinds.clear) recorder.clearAgent(atMs);
  }
  return { callId: header.callId, recorder, chunks: events.length };
}
