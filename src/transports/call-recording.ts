// Records live calls: each VoiceCall into its own two-channel recorder on the call's timeline, stored and audited when the call ends.
import type { PcmFrame } from '../audio/types.ts';
import type { AuditTrail } from '../audit/types.ts';
import type { VoiceCall } from '../dialog/voice-call.ts';
import { isFrontdeskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { createCallRecorder } from '../recording/call-recorder.ts';
import { openRecordingJournal, recoverRecordingJournals, type RecordingJournal } from '../recording/recording-journal.ts';
import { createRecordingSink, type RecordingSink } from '../recording/recording-sink.ts';
import { withSpoolAndRetry, type SpoolAndRetryOptions } from '../recording/spool-and-retry.ts';
import type { RecordingStore, StoredRecording } from '../recording/types.ts';

export interface CallRecordingsOptions {
  /** Where finished recordings go (S3, local encrypted directory, or a store already wrapped with `withSpoolAndRetry`). */
  store: RecordingStore;
  /** Wraps `store` with spool-and-retry (skipped when the store is already a spooling one); a spooled recording is audited again once it lands. */
  spool?: Omit<SpoolAndRetryOptions, 'onUploaded' | 'logger'>;
  /** `recording_stored` records go here, with the session id and the object key. */
  auditTrail: AuditTrail;
  logger?: Logger;
  /**
   * Writes each call's audio to an encrypted journal in this directory as the call goes (at most ~1 s behind), so a
   * crash loses at most the last seconds: `recoverCrashed` stores what a previous process left. Key: the recording key.
   */
  journal?: { directory: string; key: Uint8Array };
}

export interface RecordCallOptions {
  /** The call's session id: the recording's call id (object key) and the audit record's session. */
  sessionId: string;
  /** Hz of the recording: the call's own rate (8000 on a phone line), the rate of both sides' frames. */
  sampleRate: number;
  /** Epoch ms of call timeline position 0. */
  startedAtMs: number;
  /** The call's timeline now, ms (the VoiceCall's `nowMs`). */
  timelineMs: () => number;
}

export interface CallRecording {
  /**
   * Stops recording once the agent's last audio is out, stores the WAV and audits `recording_stored`. Called by itself when
   * the session ends; call it directly only when a call is abandoned before that.
   * Resolves with the stored recording, or undefined when it could be neither stored nor spooled (logged; the call is over either way).
   */
  stop(): Promise<StoredRecording | undefined>;
}

export interface CallRecordings {
  /** The store recordings go to (spool-wrapped when `spool` was given). */
  readonly store: RecordingStore;
  /** Starts recording `call`: caller frames, agent frames where they play, agent audio cut at barge-in. */
  record(call: VoiceCall, options: RecordCallOptions): CallRecording;
  /** Recordings still being stored. */
  pending(): number;
  /** Resolves once no recording is being stored, including ones begun while waiting (shutdown waits for it). Never rejects. */
  whenIdle(): Promise<void>;
  /**
   * Stores the recordings of calls a previous process left unfinished (its journals), each audited `recording_recovered`
   * with its key (outcome `ok`, or `spooled`); resolves with how many. The audit trail closed those calls at start.
   */
  recoverCrashed(): Promise<number>;
}

/** How long a call's end waits for the agent's last audio to be synthesized before the recording is closed anyway, ms. */
const agentDrainTimeoutMs = 15_000;

export function createCallRecordings(options: CallRecordingsOptions): CallRecordings {
  const logger = options.logger ?? silentLogger();
  const { auditTrail } = options;
  const alreadySpooling = options.store.name.endsWith('+spool');
  const store =
    options.spool && !alreadySpooling
      ? withSpoolAndRetry(options.store, {
          ...options.spool,
          logger,
          onUploaded: ({ callId, key }) => auditTrail.append({ sessionId: callId, action: 'recording_stored', outcome: 'ok', detail: { key } }),
        })
      : options.store;
  const sink: RecordingSink = createRecordingSink({
    store,
    logger,
    // A spooled recording is kept (encrypted, retried), but not yet where the key points: audited as such, then again on upload.
    onStored: ({ callId, key, spooled }) =>
      auditTrail.append({ sessionId: callId, action: 'recording_stored', outcome: spooled ? 'spooled' : 'ok', detail: { key } }),
  });
  const stopping = new Set<Promise<unknown>>();

  return {
    store,
    record(call, recordOptions) {
      const { sessionId, sampleRate, startedAtMs, timelineMs } = recordOptions;
      const recorder = createCallRecorder({ sampleRate, startedAtMs });
      let journal: RecordingJournal | undefined;
      if (options.journal) {
        try {
          journal = openRecordingJournal({ ...options.journal, callId: sessionId, sampleRate, startedAtMs });
        } catch (error) {
          logger.warn({ sessionId, code: (error as NodeJS.ErrnoException).code ?? 'unknown' }, 'recording journal not opened; the recording is kept in memory only');
        }
      }
      const epochOf = (timelineMs: number) => startedAtMs + timelineMs;
      // Both sides of a live call come at the call's own rate, so the recorder has nothing to convert; a frame that did
      // not would be refused by the recorder, and that must not break the call: it is logged once and left out.
      let refused = false;
      const place = (side: 'caller' | 'agent', frame: PcmFrame, atMs: number) => {
        try {
          recorder[side](frame, atMs);
        } catch (error) {
          if (!refused) logger.error({ sessionId, code: isFrontdeskError(error) ? error.code : 'unknown', sampleRate: frame.sampleRate }, 'recording left out a frame');
          refused = true;
        }
      };
      const unsubscribe = call.subscribe((event) => {
        if (event.type === 'caller-audio') {
          place('caller', event.frame, epochOf(event.atMs));
          journal?.caller(event.frame, epochOf(event.atMs));
        } else if (event.type === 'agent-audio') {
          place('agent', event.frame, epochOf(event.atMs));
          journal?.agent(event.frame, epochOf(event.atMs));
        } else if (event.type === 'barge-in') {
          recorder.clearAgent(epochOf(event.interruption.atMs));
          journal?.clearAgent(epochOf(event.interruption.atMs));
        } else if (event.type === 'end') {
          // The line dropped: agent audio queued past this moment was never heard.
          if (event.reason === 'hangup') recorder.clearAgent(epochOf(timelineMs()));
          // Stopping here, before the session's `ended` settles, puts the upload in `pending()` for whoever awaits the end.
          void recording.stop();
        }
      });
      let stopped: Promise<StoredRecording | undefined> | undefined;

      async function stop(): Promise<StoredRecording | undefined> {
        // The goodbye is synthesized after the session's `end` event: wait for it so the recording ends with it.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([call.idle().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, agentDrainTimeoutMs)))]);
        clearTimeout(timer);
        unsubscribe();
        try {
          const stored = await sink.finishCall({ callId: sessionId, recorder });
          journal?.discard();
          return stored;
        } catch (error) {
          // The journal stays: the next start stores what it holds.
          journal?.close();
          logger.error({ sessionId, code: isFrontdeskError(error) ? error.code : 'unknown' }, 'call recording lost');
          auditTrail.append({ sessionId, action: 'recording_stored', outcome: 'error' });
          return undefined;
        }
      }

      const recording: CallRecording = {
        stop() {
          if (!stopped) {
            stopped = stop();
            const task = stopped;
            stopping.add(task);
            void task.finally(() => stopping.delete(task));
          }
          return stopped;
        },
      };
      return recording;
    },
    pending: () => stopping.size + sink.pending().size,
    async whenIdle() {
      while (stopping.size > 0) await Promise.allSettled([...stopping]);
      await sink.whenIdle();
    },
    async recoverCrashed() {
      if (!options.journal) return 0;
      const found = await recoverRecordingJournals({
        ...options.journal,
        onUnreadable: (file) => logger.warn({ file }, 'recording journal unreadable (wrong key or damaged); left in place'),
      });
      let recovered = 0;
      for (const { callId, recorder, chunks, remove } of found) {
        try {
          const wav = await recorder.finishInSlices();
          const stored = await store.put({ callId, startedAt: recorder.startedAt, wav });
          auditTrail.append({ sessionId: callId, action: 'recording_recovered', outcome: stored.spooled ? 'spooled' : 'ok', detail: { key: stored.key, chunks } });
          logger.info({ callId, key: stored.key, bytes: stored.bytes, spooled: stored.spooled === true }, 'recording recovered');
          remove();
          recovered += 1;
        } catch (error) {
          logger.error({ callId, code: isFrontdeskError(error) ? error.code : 'unknown' }, 'recording journal could not be stored; kept for the next start');
        }
      }
      return recovered;
    },
  };
}
