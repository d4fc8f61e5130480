// The embedded recording store: each WAV encrypted with AES-256-GCM under a local directory, never plaintext on disk.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import { readEncryptedFile, writeEncryptedFile } from './encrypted-file.ts';
import { assertStorableCallId, recordingKey, type RecordingStore } from './types.ts';

export interface LocalRecordingStoreOptions {
  /** Root directory; recordings go under recordings/YYYY/MM/DD/ inside it. */
  directory: string;
  /** The 256-bit AES key (32 bytes), e.g. the config's recording key decoded from hex. */
  key: Uint8Array;
}

/** File extension the encrypted envelope adds to the recording key. */
export const encryptedExtension = '.enc';

/** Where the store keeps the recording stored under `storedKey`: <directory>/<key>.enc */
export function localRecordingPath(directory: string, storedKey: string): string {
  return join(directory, `${storedKey}${encryptedExtension}`);
}

export function createLocalRecordingStore(options: LocalRecordingStoreOptions): RecordingStore {
  const { directory, key } = options;
  if (key.byteLength !== 32) {
    throw new FrontdeskError('CONFIG_INVALID', `the recording key must be 32 bytes (AES-256), got ${key.byteLength}`);
  }
  return {
    name: 'local',

    async put({ callId, startedAt, wav }) {
      assertStorableCallId(callId);
      const storedKey = recordingKey(callId, startedAt);
      try {
        await writeEncryptedFile(localRecordingPath(directory, storedKey), [wav], key);
        return { key: storedKey, bytes: wav.byteLength };
      } catch (error) {
        if (isFrontdeskError(error)) throw error;
        throw new FrontdeskError('RECORDING_STORE_FAILED', `local directory write failed for call ${callId}`, { cause: error });
      }
    },

    async ping() {
      const probe = join(directory, `.ping-${randomBytes(6).toString('hex')}`);
      try {
        await mkdir(directory, { recursive: true, mode: 0o700 });
        const handle = await open(probe, 'wx', 0o600);
        await handle.close();
        await rm(probe);
      } catch (error) {
        throw new FrontdeskError('RECORDING_STORE_FAILED', 'the local recordings directory is not writable', { cause: error });
      }
    },
  };
}

/** Reads back and decrypts the WAV a local store (with this directory and key) stored under `storedKey`. */
export async function readLocalRecording(options: LocalRecordingStoreOptions, storedKey: string): Promise<Uint8Array> {
  return readEncryptedFile(localRecordingPath(options.directory, storedKey), options.key);
}
