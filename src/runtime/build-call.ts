// The one builder of a call: validated Config → what a call needs (EHR and audit trail, understanding, flow, STT and TTS, recording store); `frontdesk chat`, `call` and `serve` all use it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openCallRuntime, type CallRuntime } from '../dialog/call-runtime.ts';
import { loadFlow } from '../flow/catalogue.ts';
import type { Logger } from '../log.ts';
import { createExtractor, createPhraser, createSpeechToText, createTextToSpeech } from '../providers/registry.ts';
import { createLocalRecordingStore } from '../recording/local-store.ts';
import { createS3RecordingStore } from '../recording/s3-store.ts';
import type { SpoolingRecordingStore } from '../recording/spool-and-retry.ts';
import type { RecordingStore } from '../recording/types.ts';
import type { SpeechToText } from '../stt/types.ts';
import { createCallRecordings, type CallRecordings } from '../transports/call-recording.ts';
import type { TextToSpeech } from '../tts/types.ts';

/** What a spoken call adds to the runtime: the configured STT and TTS chains and, unless FRONTDESK_RECORDINGS=none, the recordings. */
export interface CallSpeech {
  readonly stt: SpeechToText;
  readonly tts: TextToSpeech;
  readonly recordings?: CallRecordings;
  /** The store the recordings go to, spooled and retried; /readyz pings it. */
  readonly recordingStore?: SpoolingRecordingStore;
  /** Waits for every call's recording to be stored (or spooled), then closes the store, STT and TTS; idempotent. */
  release(): Promise<void>;
}

/** Everything a call runs on, built from configuration. */
export interface BuiltCall {
  readonly runtime: CallRuntime;
  /** Present when built with `speech: true`. */
  readonly speech?: CallSpeech;
  /** Releases the speech parts, then closes the runtime (EHR, audit trail, database). */
  close(): Promise<void>;
}

export interface BuildCallOptions {
  logger: Logger;
  /** Also build the STT, TTS and recordings a spoken call needs; default false (a text call). */
  speech?: boolean;
}

/** Builds what a call needs from the validated configuration; nothing opened is left open when a part fails. */
export async function buildCall(config: Config, options: BuildCallOptions & { speech: true }): Promise<BuiltCall & { readonly speech: CallSpeech }>;
export async function buildCall(config: Config, options: BuildCallOptions): Promise<BuiltCall>;
export async function buildCall(config: Config, options: BuildCallOptions): Promise<BuiltCall> {
  const runtime = await openRuntimeFromConfig(config, options.logger);
  let speech: CallSpeech | undefined;
  if (options.speech) {
    try {
      speech = await openCallSpeech(config, runtime, options.logger);
    } catch (error) {
      await runtime.close();
      throw error;
    }
  }
  return {
    runtime,
    ...(speech ? { speech } : {}),
    async close() {
      await speech?.release();
      await runtime.close();
    },
  };
}

/** The runtime a text or voice call runs on (EHR, audit trail, extractor, phraser, flow). */
async function openRuntimeFromConfig(config: Config, logger: Logger): Promise<CallRuntime> {
  const [extractor, phraser, flow] = await Promise.all([createExtractor(config, { logger }), createPhraser(config, { logger }), loadFlow(config.flow)]);
  // With S3 configured, signed audit checkpoints also go there as objects (Object Lock retention when the bucket has it).
  const s3 = config.recordings.store === 's3' ? config.recordings.s3 : undefined;
  const auditCheckpointSinks = s3
    ? [
        (await import('../audit/s3-checkpoint-sink.ts')).createS3CheckpointSink({
          bucket: s3.bucket,
          region: s3.region,
          forcePathStyle: s3.forcePathStyle,
          ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
          logger,
        }),
      ]
    : [];
  return openCallRuntime({
    flow,
    databaseFile: config.databaseFile,
    ehr: config.ehr,
    auditFile: config.auditFile,
    ...(config.auditKey !== undefined ? { auditKey: config.auditKey } : {}),
    ...(auditCheckpointSinks.length > 0 ? { auditCheckpointSinks } : {}),
    ...(config.database ? { database: config.database } : {}),
    timeZone: config.timeZone,
    ...(config.now ? { now: config.now } : {}),
    logger,
    extractor,
    phraser,
  });
}

/** The recording store the configuration names and where its failed uploads are spooled (encrypted with the same key). */
function recordingStoreFromConfig(config: Config, logger: Logger): { store: RecordingStore; spool: { spoolDirectory: string; key: Uint8Array } } | undefined {
  const { recordings } = config;
  if (recordings.store === 'none' || !recordings.key) return undefined;
  const key = Buffer.from(recordings.key, 'hex');
  const store =
    recordings.store === 's3' && recordings.s3
      ? createS3RecordingStore({
          bucket: recordings.s3.bucket,
          region: recordings.s3.region,
          forcePathStyle: recordings.s3.forcePathStyle,
          ...(recordings.s3.endpoint ? { endpoint: recordings.s3.endpoint } : {}),
          ...(recordings.s3.kmsKeyId ? { kmsKeyId: recordings.s3.kmsKeyId } : {}),
          logger,
        })
      : // Keys already start with recordings/YYYY/MM/DD/.
        createLocalRecordingStore({ directory: config.dataDir, key });
  const spoolDirectory = join(config.dataDir, 'recording-spool');
  mkdirSync(spoolDirectory, { recursive: true });
  return { store, spool: { spoolDirectory, key } };
}

/**
 * The configured STT and TTS (the offline recogniser's grammar knows the runtime's patient names) and the recordings,
 * audited on the runtime's trail. Exported for servers whose runtime is built otherwise (tests); a call built from
 * configuration gets it from `buildCall`.
 */
export async function openCallSpeech(config: Config, runtime: Pick<CallRuntime, 'auditTrail' | 'patientLastNames'>, logger: Logger): Promise<CallSpeech> {
  const [stt, tts] = await Promise.all([
    createSpeechToText(config, { logger, offlineSttNames: runtime.patientLastNames }),
    createTextToSpeech(config, { logger }),
  ]);
  const configured = recordingStoreFromConfig(config, logger);
  // The recordings wrap the store with spool-and-retry themselves, so a spooled recording is audited again when it lands.
  const recordings = configured
    ? createCallRecordings({
        ...configured,
        auditTrail: runtime.auditTrail,
        logger,
        // Each call's audio is on disk, encrypted, as the call goes: a crash loses at most the last seconds.
        journal: { directory: join(config.dataDir, 'recording-journal'), key: configured.spool.key },
      })
    : undefined;
  const recordingStore = recordings?.store as SpoolingRecordingStore | undefined;
  // Calls a crash cut short: their recordings are stored (or spooled) and audited as recording_recovered.
  if (recordings) {
    const recovered = await recordings.recoverCrashed();
    if (recovered > 0) logger.warn({ recovered }, 'recordings of calls cut short by a crash were recovered');
  }
  // Recordings spooled by an earlier run (an outage, a crash) go up now.
  if (recordingStore) void recordingStore.drain().catch((error: unknown) => logger.warn({ err: error }, 'spooled recordings could not be drained'));

  let released = false;
  return {
    stt,
    tts,
    ...(recordings ? { recordings } : {}),
    ...(recordingStore ? { recordingStore } : {}),
    async release() {
      if (released) return;
      released = true;
      await recordings?.whenIdle();
      recordingStore?.close();
      await Promise.all([stt.close?.(), tts.close?.()]);
    },
  };
}
