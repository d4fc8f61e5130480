// One spoken call: caller audio → turn detection → streaming STT (with slot-aware endpointing) → the call session → the agent's voice, with barge-in. Transports feed audio and DTMF and play what comes out.
import { createTurnDetector, type TurnDetector, type TurnDetectorOptions } from '../audio/turn-detector.ts';
import { frameDurationMs, type PcmFrame, type TurnEvent } from '../audio/types.ts';
import { wallNow, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { SpeechToText, SttStream } from '../stt/types.ts';
import type { TextToSpeech } from '../tts/types.ts';
import { createAgentVoice, type AgentVoice, type Interruption } from './agent-voice.ts';
import { createEndpointer } from './endpointing.ts';
import type { CallSession, SessionEvent } from './session.ts';

/** Per-turn timings on the call timeline, ms; each stage measured from the caller's end of speech. */
export interface TurnLatency {
  turnId: number;
  endpointing: 'silence' | 'complete-value';
  /** Timeline ms where the caller's speech ended (VAD). */
  speechEndMs: number;
  /** Timeline ms when the turn was declared over (after the silence window, or early on a complete value). */
  endOfTurnMs: number;
  /** End of speech → final transcript. */
  transcriptMs: number;
  /** Final transcript → reply text ready (session turn, extraction and machine). */
  replyMs: number;
  /** Reply text → first agent audio synthesized. */
  firstAudioMs: number;
  /** End of the caller's speech → first agent audio: voice-to-voice on this side of the line. */
  voiceToVoiceMs: number;
}

export type VoiceCallEvent =
  | SessionEvent
  | { type: 'transcript'; text: string; final: boolean }
  | { type: 'agent-audio'; frame: PcmFrame; atMs: number }
  | { type: 'caller-audio'; frame: PcmFrame; atMs: number }
  /** The VAD confirmed caller speech: it began at `atMs` and was confirmed at `detectedAtMs` (timeline ms). */
  | { type: 'caller-speech'; turnId: number; atMs: number; detectedAtMs: number }
  | { type: 'barge-in'; interruption: Interruption }
  | { type: 'latency'; latency: TurnLatency };

export interface VoiceCallOptions {
  session: CallSession;
  stt: SpeechToText;
  tts: TextToSpeech;
  clock: Clock;
  /** Hz of the caller frames pushed in. */
  callerSampleRate: number;
  /** Hz of the agent audio handed to the transport. */
  agentSampleRate: number;
  /** The call's timeline, ms: wall time for live calls, audio position for a file played faster than real time. */
  nowMs: () => number;
  turns?: Omit<TurnDetectorOptions, 'inputSampleRate' | 'logger'>;
  /** End a turn as soon as a complete phone, birth date, yes/no or choice has held still for `stableMs`. Default true. */
  slotAwareEndpointing?: boolean;
  endpointingStableMs?: number;
  /** ms of silence after a complete value that end the turn (instead of the full silence window). Default 250. */
  endpointingSilenceMs?: number;
  /** ms of speech that start a caller turn when the agent is quiet; a one-syllable name can be this short. Default 120. */
  minTurnSpeechMs?: number;
  /** ms of caller speech that interrupt the agent (a cough or a click does not). Default 200. */
  bargeInMinMs?: number;
  /** ms the caller may stay silent after the agent finished before the machine hears a silent turn. Default 8000. */
  noInputMs?: number;
  /** ms after the last keypad digit before the digits are taken as one entry ('#' ends it at once). Default 2000. */
  dtmfGapMs?: number;
  logger: Logger;
}

export interface VoiceCall {
  readonly session: CallSession;
  /** Greets the caller (the greeting starts synthesizing at once). */
  start(): Promise<void>;
  /** The next caller frame at `callerSampleRate`; frames may be pushed without awaiting the previous one and are handled in order. Resolves once this frame is handled. */
  pushCallerAudio(frame: PcmFrame): Promise<void>;
  /** Keypad digits as they are pressed. */
  pushDtmf(digits: string): void;
  /** Lets timers run on the timeline (no-input, DTMF gap) when no audio arrives; what they start is answered in the background (see `idle`). */
  tick(): Promise<void>;
  /** Resolves when the current turn is answered and the reply fully synthesized. */
  idle(): Promise<void>;
  /** True while a turn is being answered or a reply synthesized. */
  isBusy(): boolean;
  /** True while a caller turn is open (audio is going to speech-to-text). */
  isListening(): boolean;
  isAgentSpeaking(): boolean;
  /** Timeline ms where the agent's queued audio ends. */
  agentPlaybackEndMs(): number;
  /** The caller's audio ended (file done, socket closed): an open turn is finished first, then the call hangs up. */
  finish(): Promise<void>;
  /** The line dropped: hang up now. */
  hangUp(): void;
  subscribe(listener: (event: VoiceCallEvent) => void): () => void;
  readonly ended: Promise<string>;
}

interface OpenTurn {
  id: number;
  /** Timeline ms where the caller's speech began. */
  startedAtMs: number;
  /** The same instant on the turn detector's clock (audio position). */
  startedAtAudioMs: number;
  /** Began while the agent was talking and has not yet lasted `bargeInMinMs`: dropped if it ends that short. */
  overAgent: boolean;
  stream: Promise<SttStream>;
  partial: string;
  /** The turn's transcript and the least confidence among its final pieces (0–1, undefined when the recognizer reports none). */
  final: Promise<{ text: string; confidence: number | undefined }>;
}

export async function createVoiceCall(options: VoiceCallOptions): Promise<VoiceCall> {
  const { session, logger } = options;
  const listeners = new Set<(event: VoiceCallEvent) => void>();
  const publish = (event: VoiceCallEvent) => {
    for (const listener of listeners) listener(event);
  };
  const noInputMs = options.noInputMs ?? 8000;
  const dtmfGapMs = options.dtmfGapMs ?? 2000;
  const slotAware = options.slotAwareEndpointing ?? true;
  const endpointer = createEndpointer({ stableMs: options.endpointingStableMs ?? 300 });

  const bargeInMinMs = options.bargeInMinMs ?? 200;
  const detector: TurnDetector = await createTurnDetector({
    inputSampleRate: options.callerSampleRate,
    logger,
    ...options.turns,
    bargeInMinMs: options.minTurnSpeechMs ?? 120,
  });
  let pendingLatency: (Partial<TurnLatency> & { replyAtMs?: number }) | null = null;
  const voice: AgentVoice = await createAgentVoice({
    tts: options.tts,
    outputSampleRate: options.agentSampleRate,
    nowMs: options.nowMs,
    logger,
    onAudio: ({ frame, atMs }) => {
      if (pendingLatency?.replyAtMs !== undefined && pendingLatency.firstAudioMs === undefined) {
        const now = options.nowMs();
        pendingLatency.firstAudioMs = now - pendingLatency.replyAtMs;
        pendingLatency.voiceToVoiceMs = now - (pendingLatency.speechEndMs ?? now);
        const { replyAtMs: _replyAt, ...latency } = pendingLatency;
        publish({ type: 'latency', latency: latency as TurnLatency });
        pendingLatency = null;
      }
      publish({ type: 'agent-audio', frame, atMs });
    },
  });

  let turn: OpenTurn | null = null;
  let answering: Promise<void> = Promise.resolve();
  let answersPending = 0;
  /** Call timeline ms minus the detector's audio position, as of the last frame: converts detector times to the timeline. */
  let timelineOffsetMs = 0;
  let lastActivityMs = 0;
  let dtmfBuffer = '';
  let dtmfAtMs = 0;
  let finished = false;
  let hungUp = false;

  session.subscribe((event) => {
    if (event.type === 'agent') {
      if (pendingLatency && pendingLatency.replyAtMs === undefined) pendingLatency.replyAtMs = options.nowMs();
      voice.say(event.text);
    }
    if (event.type === 'end') voice.idle().then(() => voice.close(), () => voice.close());
    publish(event);
  });

  /** `after`: the previous turn's answer, which decides what this turn listens for; its audio waits in order meanwhile. */
  function openTurn(id: number, startedAtMs: number, startedAtAudioMs: number, overAgent: boolean, after: Promise<void>): OpenTurn {
    const now = wallNow(options.clock);
    endpointer.reset();
    let expectation = session.expectation();
    const stream = after.then(() => {
      expectation = session.expectation();
      return options.stt.open({ sampleRate: options.callerSampleRate, expectation });
    });
    const opened: OpenTurn = { id, startedAtMs, startedAtAudioMs, overAgent, stream, partial: '', final: Promise.resolve({ text: '', confidence: undefined }) };
    opened.final = stream.then(
      async (sttStream) => {
        let finalText = '';
        let confidence: number | undefined;
        for await (const event of sttStream) {
          if (event.type === 'partial') {
            opened.partial = event.text;
            publish({ type: 'transcript', text: event.text, final: false });
            if (slotAware) endpointer.partial(event.text, detector.positionMs, expectation, now);
          } else if (event.type === 'final') {
            finalText = finalText ? `${finalText} ${event.text}` : event.text;
            // A turn heard in several pieces is as sure as its least sure piece.
            if (event.confidence !== undefined) confidence = Math.min(confidence ?? 1, event.confidence);
          } else if (event.type === 'error') {
            logger.warn({ err: event.error, stt: options.stt.name, turnId: id }, 'speech recognition failed for this turn');
          }
        }
        publish({ type: 'transcript', text: finalText, final: true });
        return { text: finalText, confidence };
      },
      (error: unknown) => {
        logger.warn({ err: error, stt: options.stt.name, turnId: id }, 'speech recognition could not start for this turn');
        return { text: '', confidence: undefined };
      },
    );
    return opened;
  }

  /** The turn is over: wait for its transcript, hand it to the session. Turns are answered one at a time, in order. */
  function closeTurn(ended: Extract<TurnEvent, { type: 'turn.ended' }>): void {
    const closing = turn;
    turn = null;
    if (!closing) return;
    if (closing.overAgent) {
      // Too short to interrupt the agent (a cough, a click, an "mm-hm"): not a turn.
      void closing.stream.then((stream) => stream.close(), () => {});
      return;
    }
    void closing.stream.then((stream) => stream.end(), () => {});
    const endOfTurnMs = options.nowMs();
    // An early end is declared while the caller is quiet; their speech ended at the last window scored as speech.
    const speechEndAudioMs = ended.reason === 'complete-value' ? detector.lastSpeechMs : ended.atMs;
    const speechEndMs = Math.min(speechEndAudioMs + timelineOffsetMs, endOfTurnMs);
    enqueueAnswer(async () => {
      const { text, confidence } = await closing.final;
      const transcriptAt = options.nowMs();
      pendingLatency = { turnId: closing.id, endpointing: ended.reason, endOfTurnMs, speechEndMs, transcriptMs: transcriptAt - speechEndMs };
      if (session.isEnded()) return;
      await session.hear(confidence === undefined ? { text } : { text, confidence });
      if (pendingLatency && pendingLatency.replyAtMs !== undefined) pendingLatency.replyMs = pendingLatency.replyAtMs - transcriptAt;
      lastActivityMs = options.nowMs();
    });
  }

  function enqueueAnswer(work: () => Promise<void>): void {
    answersPending += 1;
    answering = answering.then(work).catch((error: unknown) => logger.error({ err: error }, 'turn failed')).finally(() => {
      answersPending -= 1;
    });
  }

  async function handle(events: TurnEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'turn.started') {
        lastActivityMs = options.nowMs();
        const startedAtMs = event.atMs + timelineOffsetMs;
        publish({ type: 'caller-speech', turnId: event.turnId, atMs: startedAtMs, detectedAtMs: event.detectedAtMs + timelineOffsetMs });
        const overAgent = voice.isSpeaking();
        // Not awaited here: the caller's frames keep flowing through the detector while the previous answer finishes.
        turn = openTurn(event.turnId, startedAtMs, event.atMs, overAgent, overAgent ? Promise.resolve() : answering.catch(() => {}));
        bargeInIfLongEnough();
      } else if (event.type === 'turn.audio') {
        if (turn?.id === event.turnId) {
          const frame = event.frame;
          void turn.stream.then((stream) => stream.push(frame), () => {});
        }
      } else if (event.type === 'turn.ended') {
        closeTurn(event);
      }
    }
  }

  /** A turn over the agent's voice that has lasted `bargeInMinMs` stops the agent at once. */
  function bargeInIfLongEnough(): void {
    if (!turn?.overAgent) return;
    // Measured to the last window scored as speech: a blip followed by silence never reaches it.
    if (detector.lastSpeechMs - turn.startedAtAudioMs < bargeInMinMs) return;
    turn.overAgent = false;
    const interruption = voice.interrupt();
    if (interruption) {
      logger.info({ heardMs: Math.round(interruption.heardMs), sentencesHeard: interruption.sentencesHeard }, 'barge-in');
      publish({ type: 'barge-in', interruption });
    }
  }

  /**
   * Queues what the timeline calls for now and returns: the caller's frames never wait for an answer. Silence counts
   * only while nothing is being answered: a caller waiting for a slow transcript or reply is not "not responding".
   */
  function runTimers(): void {
    const now = options.nowMs();
    if (dtmfBuffer && now - dtmfAtMs >= dtmfGapMs) flushDtmf();
    if (session.isEnded() || turn || detector.inTurn || voice.isSpeaking() || dtmfBuffer || answersPending > 0) return;
    const quietSince = Math.max(lastActivityMs, voice.playbackEndMs());
    if (now - quietSince >= noInputMs) {
      lastActivityMs = now;
      enqueueAnswer(() => session.silence());
    }
  }

  function flushDtmf(): void {
    const digits = dtmfBuffer.replace(/#$/, '');
    dtmfBuffer = '';
    if (!digits) return;
    enqueueAnswer(() => session.hear({ dtmf: digits }));
    lastActivityMs = options.nowMs();
  }

  let frameHandling: Promise<void> = Promise.resolve();

  /** A caller frame's turn events, once the detector has them: turns open and close, barge-in, slot-aware endpointing, timers. */
  async function handleFrame(frame: PcmFrame, detected: Promise<TurnEvent[]>): Promise<void> {
    const events = await detected;
    if (hungUp || session.isEnded()) return;
    timelineOffsetMs = options.nowMs() - detector.positionMs;
    publish({ type: 'caller-audio', frame, atMs: options.nowMs() - frameDurationMs(frame) });
    await handle(events);
    bargeInIfLongEnough();
    if (turn && slotAware) {
      const answer = endpointer.ready(detector.positionMs);
      // The caller must also have paused: a complete value can still grow ("nineteen eighty" … "five").
      if (answer && detector.positionMs - detector.lastSpeechMs >= (options.endpointingSilenceMs ?? 250)) {
        const ended = detector.endTurnEarly();
        if (ended) {
          logger.debug({ turnId: ended.turnId, slot: answer }, 'turn ended early on a complete value');
          closeTurn(ended);
        }
      }
    }
    runTimers();
  }

  const call: VoiceCall = {
    session,
    async start() {
      lastActivityMs = options.nowMs();
      await session.start();
    },
    pushCallerAudio(frame) {
      if (finished || session.isEnded()) return Promise.resolve();
      // Fed to the detector now, so its VAD windows join this turn of the event loop's batch even while earlier frames
      // are still being handled; the handling itself stays one frame at a time, in order.
      const detected = detector.process(frame);
      detected.catch(() => {});
      const handled = frameHandling.then(() => handleFrame(frame, detected));
      frameHandling = handled.catch(() => {});
      return handled;
    },
    pushDtmf(digits) {
      if (session.isEnded()) return;
      // A key press over the agent interrupts it like speech does: the transport clears playback, the recording is cut.
      const interruption = voice.interrupt();
      if (interruption) publish({ type: 'barge-in', interruption });
      dtmfBuffer += digits;
      dtmfAtMs = options.nowMs();
      if (digits.includes('#')) flushDtmf();
    },
    tick: async () => runTimers(),
    async idle() {
      await answering;
      await voice.idle();
    },
    isBusy: () => answersPending > 0 || voice.isSpeaking(),
    isListening: () => turn !== null,
    isAgentSpeaking: () => voice.isSpeaking(),
    agentPlaybackEndMs: () => voice.playbackEndMs(),
    async finish() {
      if (finished) return;
      finished = true;
      await frameHandling;
      await handle(await detector.flush());
      if (dtmfBuffer) flushDtmf();
      await answering;
      await voice.idle();
      if (!session.isEnded()) session.hangUp();
      detector.close();
    },
    hangUp() {
      finished = true;
      hungUp = true;
      voice.interrupt();
      voice.close();
      if (turn) void turn.stream.then((stream) => stream.close(), () => {});
      if (!session.isEnded()) session.hangUp();
      detector.close();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ended: session.ended,
  };
  return call;
}
