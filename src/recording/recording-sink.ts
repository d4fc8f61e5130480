// Where a call's recording goes when the call ends: finish the recorder, store the WAV, report the key, and let shutdown wait for it.
import { isFrontdeskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { CallRecorder } from './call-recorder.ts';
import type { RecordingStore, StoredRecording } from './types.ts';

export interface RecordingStoredEvent {
  callId: string;
  /** The key the recording is (or, when `spooled`, will be) stored under. */
  key: string;
  /** Size of the WAV in bytes. */
  bytes: number;
  /** The store's name, e.g. "s3", "local", "s3+spool". */
  store: string;
  /** True when the store failed and the recording waits in the spool under `key`. */
  spooled: boolean;
}

export interface RecordingSinkOptions {
  store: RecordingStore;
  /** Called once the recording is stored (or safely spooled), e.g. to audit `recording_stored` with the key. */
  onStored?: (event: RecordingStoredEvent) => void | Promise<void>;
  logger?: Logger;
}

export interface RecordingSink {
  /** Finishes `recorder` and stores its WAV; rejects with the store's error (RECORDING_STORE_FAILED) if it could not be kept. */
  finishCall(call: { callId: string; recorder: CallRecorder }): Promise<StoredRecording>;
  /** Recordings still being stored. */
  pending(): ReadonlySet<Promise<StoredRecording>>;
  /** Resolves once no recording is being stored, including ones begun while waiting (for SIGTERM). Never rejects. */
  whenIdle(): Promise<void>;
}

export function createRecordingSink(options: RecordingSinkOptions): RecordingSink {
  const { store } = options;
  const logger = options.logger ?? silentLogger();
  const inFlight = new Set<Promise<StoredRecording>>();

  async function storeCall(callId: string, recorder: CallRecorder): Promise<StoredRecording> {
    const wav = await recorder.finishInSlices();
    let stored: StoredRecording;
    try {
      stored = await store.put({ callId, startedAt: recorder.startedAt, wav });
    } catch (error) {
      logger.error({ callId, store: store.name, code: isFrontdeskError(error) ? error.code : 'unknown' }, 'recording not stored');
      throw error;
    }
    logger.info({ callId, store: store.name, key: stored.key, bytes: stored.bytes, spooled: stored.spooled === true }, 'recording stored');
    await options.onStored?.({ callId, key: stored.key, bytes: stored.bytes, store: store.name, spooled: stored.spooled === true });
    return stored;
  }

  return {
    finishCall({ callId, recorder }) {
      const task = storeCall(callId, recorder);
      inFlight.add(task);
      const forget = () => inFlight.delete(task);
      task.then(forget, forget);
      return task;
    },

    pending: () => inFlight,

    async whenIdle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
