// A store wrapper that loses nothing: a recording the store refuses is spooled encrypted to disk and retried until it lands.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { decryptRecording, writeEncryptedFile } from './encrypted-file.ts';
import { assertStorableCallId, recordingKey, type RecordingStore, type StoredRecording } from './types.ts';

export interface SpoolAndRetryOptions {
  /** Directory for recordings waiting to be stored; survives restarts. */
  spoolDirectory: string;
  /** 32-byte AES-256 key the spooled files are encrypted with. */
  key: Uint8Array;
  /** ms to wait before each background retry after a failure; the last repeats. Default 5 s, 30 s, 2 min, 10 min. */
  retryDelaysMs?: number[];
  logger?: Logger;
  /** Called when a spooled recording finally reaches the store (e.g. to audit `recording_stored` then). */
  onUploaded?: (uploaded: { callId: string } & StoredRecording) => void | Promise<void>;
}

export interface DrainResult {
  /** Spooled recordings stored by this pass. */
  uploaded: number;
  /** Spooled recordings still waiting (the store failed again). */
  remaining: number;
  /** Spool files that cannot be decrypted with the key; renamed to *.rejected and kept for an operator. */
  rejected: number;
}

export interface SpoolingRecordingStore extends RecordingStore {
  /** Tries every spooled recording now, one at a time; concurrent calls share one pass. Use at start-up and shutdown. */
  drain(): Promise<DrainResult>;
  /** Stops background retries (spooled files stay for the next `drain`). */
  close(): void;
}

const spoolExtension = '.spool';
const rejectedExtension = '.rejected';
const defaultRetryDelaysMs = [5_000, 30_000, 120_000, 600_000];

// Spool file plaintext: 4-byte big-endian length of a JSON header {callId, startedAt}, the header, then the WAV.
function spoolHeader(callId: string, startedAt: Date): Uint8Array {
  const json = Buffer.from(JSON.stringify({ callId, startedAt: startedAt.toISOString() }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json]);
}

function parseSpooled(plaintext: Uint8Array): { callId: string; startedAt: Date; wav: Uint8Array } {
  const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const headerLength = bytes.readUInt32BE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as { callId: string; startedAt: string };
  return { callId: header.callId, startedAt: new Date(header.startedAt), wav: bytes.subarray(4 + headerLength) };
}

export function withSpoolAndRetry(store: RecordingStore, options: SpoolAndRetryOptions): SpoolingRecordingStore {
  const { spoolDirectory, key } = options;
  if (key.byteLength !== 32) {
    throw new FrontdeskError('CONFIG_INVALID', `the spool key must be 32 bytes (AES-256), got ${key.byteLength}`);
  }
  const logger = options.logger ?? silentLogger();
  const retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : defaultRetryDelaysMs;
  let failedPasses = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let currentPass: Promise<DrainResult> | undefined;
  let followUpPass: Promise<DrainResult> | undefined;
  let closed = false;

  const keyFor = (callId: string, startedAt: Date) => store.keyFor?.(callId, startedAt) ?? recordingKey(callId, startedAt);

  function scheduleRetry() {
    if (closed || retryTimer) return;
    const delay = retryDelaysMs[Math.min(failedPasses, retryDelaysMs.length - 1)] as number;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      drain().catch((error: unknown) => {
        logger.error({ code: isFrontdeskError(error) ? error.code : 'unknown' }, 'spool retry pass failed');
      });
    }, delay);
    // A pending retry must not keep a finished process alive: the files wait for the next start-up's drain.
    retryTimer.unref();
  }

  async function spool(callId: string, startedAt: Date, wav: Uint8Array): Promise<void> {
    await mkdir(spoolDirectory, { recursive: true, mode: 0o700 });
    const fileName = `${callId}.${Date.now()}-${randomBytes(4).toString('hex')}${spoolExtension}`;
    await writeEncryptedFile(join(spoolDirectory, fileName), [spoolHeader(callId, startedAt), wav], key);
  }

  async function pass(): Promise<DrainResult> {
    const result: DrainResult = { uploaded: 0, remaining: 0, rejected: 0 };
    let names: string[];
    try {
      names = (await readdir(spoolDirectory)).filter((name) => name.endsWith(spoolExtension)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
      throw error;
    }
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] as string;
      const path = join(spoolDirectory, name);
      let recording: ReturnType<typeof parseSpooled>;
      try {
        recording = parseSpooled(decryptRecording(await readFile(path), key));
        assertStorableCallId(recording.callId);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        logger.error({ file: name, code: isFrontdeskError(error) ? error.code : 'unreadable' }, 'spooled recording cannot be read; set aside');
        await rename(path, `${path}${rejectedExtension}`);
        result.rejected += 1;
        continue;
      }
      let stored: StoredRecording;
      try {
        stored = await store.put(recording);
      } catch (error) {
        // The store is still failing: keep this and the rest for the next pass.
        logger.warn({ callId: recording.callId, code: isFrontdeskError(error) ? error.code : 'unknown' }, 'spooled recording still not stored');
        result.remaining = names.length - index;
        return result;
      }
      await rm(path, { force: true });
      result.uploaded += 1;
      logger.info({ callId: recording.callId, key: stored.key, bytes: stored.bytes }, 'spooled recording stored');
      try {
        await options.onUploaded?.({ callId: recording.callId, ...stored });
      } catch (error) {
        logger.error({ callId: recording.callId, error: error instanceof Error ? error.name : 'unknown' }, 'onUploaded failed');
      }
    }
    return result;
  }

  function startPass(): Promise<DrainResult> {
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    currentPass = pass()
      .then(
        (result) => {
          failedPasses = result.remaining > 0 ? failedPasses + 1 : 0;
          if (result.remaining > 0) scheduleRetry();
          return result;
        },
        (error: unknown) => {
          failedPasses += 1;
          scheduleRetry();
          throw new FrontdeskError('RECORDING_STORE_FAILED', 'the spool directory could not be read', { cause: error });
        },
      )
      .finally(() => {
        currentPass = undefined;
      });
    return currentPass;
  }

  function drain(): Promise<DrainResult> {
    if (!currentPass) return startPass();
    // A put may have spooled a file after the running pass listed the directory: callers meanwhile share one more pass.
    followUpPass ??= currentPass
      .catch(() => undefined)
      .then(() => {
        followUpPass = undefined;
        return startPass();
      });
    return followUpPass;
  }

  return {
    name: `${store.name}+spool`,
    keyFor,

    async put(recording) {
      try {
        return await store.put(recording);
      } catch (error) {
        const { callId, startedAt, wav } = recording;
        assertStorableCallId(callId);
        try {
          await spool(callId, startedAt, wav);
        } catch (spoolError) {
          logger.error({ callId }, 'recording could be neither stored nor spooled');
          throw new FrontdeskError('RECORDING_STORE_FAILED', `store and spool both failed for call ${callId}`, { cause: spoolError });
        }
        logger.warn({ callId, code: isFrontdeskError(error) ? error.code : 'unknown' }, 'recording store failed; spooled for retry');
        scheduleRetry();
        return { key: keyFor(callId, startedAt), bytes: wav.byteLength, spooled: true };
      }
    },

    ping: () => store.ping(),
    drain,

    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
