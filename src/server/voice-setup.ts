// What `frontdesk serve` adds for spoken calls: the configured STT and TTS, the recording store (spooled and retried), and the /ws/call and /twilio/media routes bound to them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { CallRuntime } from '../dialog/call-runtime.ts';
import type { Logger } from '../log.ts';
import { createSpeechToText, createTextToSpeech } from '../providers/registry.ts';
import { createLocalRecordingStore } from '../recording/local-store.ts';
import { createS3RecordingStore } from '../recording/s3-store.ts';
import type { SpoolingRecordingStore } from '../recording/spool-and-retry.ts';
import type { RecordingStore } from '../recording/types.ts';
import { createCallRecordings, type CallRecordings } from '../transports/call-recording.ts';
import type { FrontdeskRoutePlugin } from './types.ts';
import { twilioMediaRoute } from './routes/twilio-media.ts';
import { wsCallRoute, type MediaRouteOptions } from './routes/ws-call.ts';

export interface VoiceSetup {
  routes: FrontdeskRoutePlugin[];
  /** The store /readyz pings; undefined when FRONTDESK_RECORDINGS=none. */
  recordingStore?: SpoolingRecordingStore;
  recordings?: CallRecordings;
}

/** The recording store the configuration names and where its failed uploads are spooled (encrypted with the same key). */
export function recordingStoreFromConfig(config: Config, logger: Logger): { store: RecordingStore; spool: { spoolDirectory: string; key: Uint8Array } } | undefined {
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

export async function createVoiceSetup(config: Config, runtime: CallRuntime, logger: Logger): Promise<VoiceSetup> {
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
  const release = async () => {
    if (released) return;
    released = true;
    await recordings?.whenIdle();
    recordingStore?.close();
    await Promise.all([stt.close?.(), tts.close?.()]);
  };
  const voice = {
    noInputMs: config.noInputMs,
    turns: { threshold: config.vad.threshold, endSilenceMs: config.vad.silenceMs, speechPadMs: config.vad.padMs, silenceFloorDbfs: config.vad.silenceFloorDbfs },
  };
  const bind =
    (route: (app: Parameters<FrontdeskRoutePlugin>[0], options: MediaRouteOptions) => Promise<void>): FrontdeskRoutePlugin =>
    async (app, context) => {
      await route(app, {
        runtime: context.runtime,
        stt,
        tts,
        logger: context.logger,
        metrics: context.metrics,
        calls: context.calls,
        voice,
        ...(recordings ? { recording: recordings } : {}),
      });
      // Shutdown: every call's recording is stored (or spooled) before the audit trail closes.
      app.addHook('onClose', release);
    };
  return { routes: [bind(wsCallRoute), bind(twilioMediaRoute)], ...(recordingStore ? { recordingStore } : {}), ...(recordings ? { recordings } : {}) };
}
