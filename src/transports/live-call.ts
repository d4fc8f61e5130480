// One live call on a socket, whatever the wire: opens the session and its VoiceCall on a wall-clock timeline, queues caller frames in order, runs the no-input timers, records, and ends cleanly however the line drops.
import type { PcmFrame } from '../audio/types.ts';
import type { CallRuntime } from '../dialog/call-runtime.ts';
import type { CallSession } from '../dialog/session.ts';
import { createVoiceCall, type VoiceCall, type VoiceCallEvent, type VoiceCallOptions } from '../dialog/voice-call.ts';
import type { Flow } from '../flow/types.ts';
import type { Logger } from '../log.ts';
import type { SpeechToText } from '../stt/types.ts';
import type { TextToSpeech } from '../tts/types.ts';
import type { CallRecording, CallRecordings } from './call-recording.ts';

/** The VoiceCall settings a server may set for its live calls. */
export type LiveVoiceOptions = Partial<Omit<VoiceCallOptions, 'session' | 'stt' | 'tts' | 'clock' | 'logger' | 'callerSampleRate' | 'agentSampleRate' | 'nowMs'>>;

/** Measurement hooks (benchmarks, metrics); called on the hot path, so they must be cheap. */
export interface LiveCallHooks {
  /** A caller frame went through the turn detector and the call loop `lagMs` after its message was received. */
  callerFrameProcessed?(lagMs: number): void;
}

export interface LiveCallOptions {
  runtime: CallRuntime;
  stt: SpeechToText;
  tts: TextToSpeech;
  /** Hz of the caller's frames and of the agent audio sent back (one rate per call). */
  sampleRate: number;
  logger: Logger;
  /** Which wire carries the call, for logs ("twilio", "pcm"). */
  transport: string;
  voice?: LiveVoiceOptions;
  /** Records the call when given. */
  recordings?: CallRecordings;
  hooks?: LiveCallHooks;
  /** Every VoiceCall event, in order (the transport turns them into wire messages). */
  onEvent(event: VoiceCallEvent): void;
  /** The call could not be set up (model or provider failure): the transport should close. Logged already. */
  onFailure?(error: unknown): void;
  /** ms between timer ticks when no audio arrives (no-input, DTMF gap). Default 250. */
  tickIntervalMs?: number;
  /** The number the call comes from (Twilio `From`, E.164), for the verification throttle. */
  callerNumber?: string;
  /** The flow this call runs; default the runtime's. */
  flow?: Flow;
}

export interface LiveCall {
  readonly sessionId: string;
  readonly session: CallSession;
  /** Queues the caller's next frame at `sampleRate`; never blocks. `receivedAtMs` (performance.now()) times the processing lag. */
  pushCallerAudio(samples: Int16Array, receivedAtMs?: number): void;
  /** Queues keypad digits behind the audio already received. */
  pushDtmf(digits: string): void;
  /** ms since the call opened: the VoiceCall's timeline. */
  timelineMs(): number;
  /** Timeline ms where the agent's audio queued so far ends playing (0 before the call is set up). */
  agentPlaybackEndMs(): number;
  /** Resolves when the current turn is answered and the agent's reply fully synthesized (and sent). */
  idle(): Promise<void>;
  /** Frames received but not yet through the turn detector. */
  queuedFrames(): number;
  /** The line dropped (socket closed, stop message, caller hung up): ends the call now as `hangup`. Idempotent. */
  hangUp(): void;
  /** Resolves with the end reason when the session ends. */
  readonly ended: Promise<string>;
  /** Resolves when everything the call started is over: the session ended, the agent's audio drained, the recording stored or spooled. */
  readonly settled: Promise<void>;
}

const defaultTickIntervalMs = 250;

/** Opens a live call at once; the VoiceCall (turn detector, model sessions) is set up in the background and frames wait for it. */
export function openLiveCall(options: LiveCallOptions): LiveCall {
  const { runtime, logger } = options;
  const session = runtime.openSession({ ...(options.callerNumber ? { callerNumber: options.callerNumber } : {}), ...(options.flow ? { flow: options.flow } : {}) });
  const { sessionId } = session;
  const startedAt = performance.now();
  const startedAtEpochMs = runtime.clock.now().getTime();
  const timelineMs = () => performance.now() - startedAt;
  const callLogger = logger.child({ sessionId, transport: options.transport });

  let voiceCall: VoiceCall | undefined;
  let recording: CallRecording | undefined;
  let work: Promise<unknown>;
  let queued = 0;
  /** Frames that arrived before the call was set up and still wait in `work` for it. */
  let waitingForSetup = 0;
  let ready = false;
  let lineDropped = false;
  let tickTimer: NodeJS.Timeout | undefined;

  const setup = (async () => {
    const call = await createVoiceCall({
      session,
      stt: options.stt,
      tts: options.tts,
      clock: runtime.clock,
      logger: callLogger,
      callerSampleRate: options.sampleRate,
      agentSampleRate: options.sampleRate,
      nowMs: timelineMs,
      ...options.voice,
    });
    voiceCall = call;
    if (lineDropped) {
      // Gone before a word was said: nothing to record.
      call.hangUp();
      return;
    }
    call.subscribe(options.onEvent);
    if (options.recordings) recording = options.recordings.record(call, { sessionId, sampleRate: options.sampleRate, startedAtMs: startedAtEpochMs, timelineMs });
    await call.start();
    ready = true;
    tickTimer = setInterval(() => {
      // Ticks only fill gaps: while frames are queued, each frame runs the timers itself.
      if (queued === 0) enqueue(() => call.tick());
    }, options.tickIntervalMs ?? defaultTickIntervalMs);
    tickTimer.unref();
  })();
  work = setup.catch((error: unknown) => {
    callLogger.error({ err: error }, 'live call could not be set up');
    if (!session.isEnded()) session.hangUp();
    options.onFailure?.(error);
  });

  function enqueue(task: () => Promise<void> | void): void {
    work = work.then(task).catch((error: unknown) => callLogger.error({ err: error }, 'caller input failed'));
  }

  const ended = session.ended.then((reason) => {
    clearInterval(tickTimer);
    return reason as string;
  });

  const settled = (async () => {
    await ended;
    await setup.catch(() => {});
    await recording?.stop();
  })();

  return {
    sessionId,
    session,
    pushCallerAudio(samples, receivedAtMs) {
      if (lineDropped || session.isEnded()) return;
      queued += 1;
      const frame: PcmFrame = { samples, sampleRate: options.sampleRate };
      const handled = async (done: Promise<void>) => {
        try {
          await done;
        } finally {
          queued -= 1;
        }
        if (receivedAtMs !== undefined) options.hooks?.callerFrameProcessed?.(performance.now() - receivedAtMs);
      };
      if (ready && waitingForSetup === 0 && voiceCall) {
        // Straight into the VoiceCall, so a frame never waits a turn of the event loop for the one before it.
        const done = voiceCall.pushCallerAudio(frame);
        enqueue(() => handled(done));
        return;
      }
      waitingForSetup += 1;
      enqueue(() => {
        waitingForSetup -= 1;
        if (!voiceCall) {
          queued -= 1;
          return;
        }
        return handled(voiceCall.pushCallerAudio(frame));
      });
    },
    pushDtmf(digits) {
      if (lineDropped || session.isEnded()) return;
      enqueue(() => voiceCall?.pushDtmf(digits));
    },
    timelineMs,
    agentPlaybackEndMs: () => voiceCall?.agentPlaybackEndMs() ?? 0,
    async idle() {
      await setup.catch(() => {});
      await voiceCall?.idle();
    },
    queuedFrames: () => queued,
    hangUp() {
      if (lineDropped) return;
      lineDropped = true;
      clearInterval(tickTimer);
      // Not queued: the caller is gone, so frames still waiting are not worth answering.
      if (voiceCall) voiceCall.hangUp();
      else if (!session.isEnded()) session.hangUp();
    },
    ended,
    settled,
  };
}
