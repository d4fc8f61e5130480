// One spoken call's host: wires caller audio, the turn detector, streaming STT, the call session and the agent's voice to the turn-taking machine (machines/turn-taking.ts), which decides what a turn is.
import { createActor, SimulatedClock } from 'xstate';
import { defaultTurnTiming, turnTakingMachine, type TurnTakingEmitted, type TurnTiming } from '../../machines/turn-taking.ts';
import { createTurnDetector, type TurnDetector, type TurnDetectorOptions } from '../audio/turn-detector.ts';
import { frameDurationMs, type PcmFrame, type TurnEvent } from '../audio/types.ts';
import { wallNow, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { SpeechToText, SttStream } from '../stt/types.ts';
import type { TextToSpeech } from '../tts/types.ts';
import { createAgentVoice, type AgentVoice, type Interruption } from './agent-voice.ts';
import { answerProgress } from './endpointing.ts';
import type { CallSession, SessionEvent } from './session.ts';
import { leafPaths } from './state-view.ts';

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
  | { type: 'latency'; latency: TurnLatency }
  /** The turn-taking machine moved: its active states as full dotted paths joined with "+" (no call content). */
  | { type: 'turn-state'; value: string };

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
  /** Turn detector settings; the speech that starts a turn is `turnStartSpeechMs` above, shared with the machine. */
  turns?: Omit<TurnDetectorOptions, 'inputSampleRate' | 'logger' | 'turnStartSpeechMs'>;
  /** End a turn as soon as a complete phone, birth date, yes/no or choice has held still for `stableMs`. Default true. */
  slotAwareEndpointing?: boolean;
  endpointingStableMs?: number;
  /** ms of silence after a complete value that end the turn (instead of the full silence window). Default 250. */
  endpointingSilenceMs?: number;
  /** ms a turn stays open past the silence window when it holds a value only begun (a phone number's first chunks). Default 1200 (the machine's `midValuePauseMs`); 0 ends it with the window. */
  midValuePauseMs?: number;
  /** ms of speech that start a caller turn when the agent is quiet; a one-syllable name can be this short. Default 120 (the machine's `turnStartSpeechMs`). */
  turnStartSpeechMs?: number;
  /** ms of caller speech over the agent that interrupt it (a cough or a click does not). Default 200 (the machine's `bargeInSpeechMs`). */
  bargeInSpeechMs?: number;
  /** ms the caller may stay silent after the agent finished before the machine hears a silent turn. Default 8000. */
  noInputMs?: number;
  /** ms after the last keypad digit before the digits are taken as one entry ('#' ends it at once). Default 2000 (the machine's `keypadGapMs`). */
  dtmfGapMs?: number;
  /** ms an answer waits for its turn's final transcript before the turn is answered as unheard. Default 6000 (the machine's `transcriptWaitMs`). */
  transcriptWaitMs?: number;
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

/** A caller turn's speech-to-text, from `stt.open` until its transcript is in. */
interface TurnTranscript {
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
  const slotAware = options.slotAwareEndpointing ?? true;
  const timing: TurnTiming = {
    noInputMs: options.noInputMs ?? defaultTurnTiming.noInputMs,
    keypadGapMs: options.dtmfGapMs ?? defaultTurnTiming.keypadGapMs,
    bargeInSpeechMs: options.bargeInSpeechMs ?? defaultTurnTiming.bargeInSpeechMs,
    turnStartSpeechMs: options.turnStartSpeechMs ?? defaultTurnTiming.turnStartSpeechMs,
    endpointingStableMs: options.endpointingStableMs ?? defaultTurnTiming.endpointingStableMs,
    endpointingPauseMs: options.endpointingSilenceMs ?? defaultTurnTiming.endpointingPauseMs,
    midValuePauseMs: options.midValuePauseMs ?? defaultTurnTiming.midValuePauseMs,
    transcriptWaitMs: options.transcriptWaitMs ?? defaultTurnTiming.transcriptWaitMs,
  };
  const detector: TurnDetector = await createTurnDetector({
    inputSampleRate: options.callerSampleRate,
    logger,
    ...options.turns,
    turnStartSpeechMs: timing.turnStartSpeechMs,
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

  // The machine's delays run on the call's timeline: the host moves this clock to `nowMs()` as audio and ticks arrive.
  const clock = new SimulatedClock();
  clock.set(Math.max(0, options.nowMs()));
  const turns = createActor(turnTakingMachine, { input: { timing }, clock });
  /** Brings the machine's clock to the timeline (firing what came due) and returns the timeline's now. */
  const advance = (): number => {
    clock.set(Math.max(clock.now(), options.nowMs()));
    return clock.now();
  };
  const transcripts = new Map<number, TurnTranscript>();
  /** Answers, one at a time and in order: each decides what the next turn listens for. */
  let answering: Promise<void> = Promise.resolve();
  let frameHandling: Promise<void> = Promise.resolve();

  const callIsOver = () => turns.getSnapshot().matches('ended') || session.isEnded();

  function enqueueAnswer(work: () => Promise<void>): void {
    answering = answering
      .then(work)
      .catch((error: unknown) => logger.error({ err: error }, 'turn failed'))
      .finally(() => turns.send({ type: 'reply.settled', atMs: advance() }));
  }

  turns.on('stt.open', ({ turnId, overAgent }) => {
    // Not awaited: the caller's frames keep flowing through the detector while the previous answer finishes. A turn over
    // the agent may become a barge-in, so it does not wait for an answer.
    transcripts.set(turnId, openTranscript(turnId, overAgent ? Promise.resolve() : answering.catch(() => {})));
  });
  /** Detector turns that resumed a machine turn after a pause mid-value: their audio goes to that turn's transcript. */
  const resumedTurns = new Map<number, number>();
  turns.on('turn.resumed', ({ turnId, speechTurnId }) => resumedTurns.set(speechTurnId, turnId));
  turns.on('stt.discard', ({ turnId }) => {
    // Too short to interrupt the agent (a cough, a click, an "mm-hm"): not a turn.
    const dropped = transcripts.get(turnId);
    transcripts.delete(turnId);
    void dropped?.stream.then((stream) => stream.close(), () => {});
  });
  turns.on('turn.ended', (ended) => answerTurn(ended));
  /** Turns whose transcript the machine gave up on, each with what stops the wait. */
  const overdue = new Map<number, () => void>();
  turns.on('transcript.overdue', ({ turnId }) => overdue.get(turnId)?.());
  turns.on('barge-in', ({ cause }) => {
    const interruption = voice.interrupt();
    if (!interruption) return;
    if (cause === 'speech') logger.info({ heardMs: Math.round(interruption.heardMs), sentencesHeard: interruption.sentencesHeard }, 'barge-in');
    publish({ type: 'barge-in', interruption });
  });
  turns.on('no-input', () => enqueueAnswer(() => session.silence()));
  turns.on('keypad.entered', ({ digits }) => enqueueAnswer(() => session.hear({ dtmf: digits })));
  // Published on change only: most caller frames leave the machine where it was.
  let turnState = '';
  turns.subscribe((snapshot) => {
    const value = leafPaths(snapshot.value);
    if (value === turnState) return;
    turnState = value;
    publish({ type: 'turn-state', value });
  });
  turns.start();

  session.subscribe((event) => {
    if (event.type === 'agent') {
      if (pendingLatency && pendingLatency.replyAtMs === undefined) pendingLatency.replyAtMs = options.nowMs();
      voice.say(event.text);
      turns.send({ type: 'agent.started', atMs: advance() });
    }
    if (event.type === 'end') {
      turns.send({ type: 'call.ended', atMs: advance() });
      voice.idle().then(() => voice.close(), () => voice.close());
    }
    publish(event);
  });

  /** `after`: the previous turn's answer, which decides what this turn listens for; its audio waits in order meanwhile. */
  function openTranscript(turnId: number, after: Promise<void>): TurnTranscript {
    const now = wallNow(options.clock);
    let expectation = session.expectation();
    const stream = after.then(() => {
      expectation = session.expectation();
      return options.stt.open({ sampleRate: options.callerSampleRate, expectation });
    });
    const opened: TurnTranscript = { stream, partial: '', final: Promise.resolve({ text: '', confidence: undefined }) };
    opened.final = stream.then(
      async (sttStream) => {
        let finalText = '';
        let confidence: number | undefined;
        for await (const event of sttStream) {
          if (event.type === 'partial') {
            publish({ type: 'transcript', text: event.text, final: false });
            if (event.text === opened.partial) continue;
            opened.partial = event.text;
            const progress = answerProgress(event.text, expectation, now);
            const complete = slotAware && progress.complete !== undefined;
            turns.send({ type: 'transcript.partial', turnId, text: event.text, complete, unfinished: progress.unfinished, atMs: advance() });
          } else if (event.type === 'final') {
            finalText = finalText ? `${finalText} ${event.text}` : event.text;
            // A turn heard in several pieces is as sure as its least sure piece.
            if (event.confidence !== undefined) confidence = Math.min(confidence ?? 1, event.confidence);
          } else if (event.type === 'error') {
            logger.warn({ err: event.error, stt: options.stt.name, turnId }, 'speech recognition failed for this turn');
          }
        }
        publish({ type: 'transcript', text: finalText, final: true });
        return { text: finalText, confidence };
      },
      (error: unknown) => {
        logger.warn({ err: error, stt: options.stt.name, turnId }, 'speech recognition could not start for this turn');
        return { text: '', confidence: undefined };
      },
    );
    return opened;
  }

  /** The machine ended the turn: wait for its transcript, hand it to the session. */
  function answerTurn({ turnId, reason, speechEndedAtMs }: Extract<TurnTakingEmitted, { type: 'turn.ended' }>): void {
    if (reason === 'complete-value') {
      // The detector still has the turn open; speech that goes on from here starts a new one.
      detector.endTurnEarly();
      logger.debug({ turnId }, 'turn ended early on a complete value');
    }
    const closing = transcripts.get(turnId);
    transcripts.delete(turnId);
    for (const [speechTurnId, resumed] of resumedTurns) if (resumed === turnId) resumedTurns.delete(speechTurnId);
    void closing?.stream.then((stream) => stream.end(), () => {});
    const endOfTurnMs = options.nowMs();
    // An early end is declared while the caller is quiet; their speech ended at the last window scored as speech.
    const speechEndMs = Math.min(speechEndedAtMs, endOfTurnMs);
    enqueueAnswer(async () => {
      const { text, confidence } = await transcriptOf(turnId, closing);
      const transcriptAt = options.nowMs();
      pendingLatency = { turnId, endpointing: reason, endOfTurnMs, speechEndMs, transcriptMs: transcriptAt - speechEndMs };
      if (session.isEnded()) return;
      await session.hear(confidence === undefined ? { text } : { text, confidence });
      if (pendingLatency && pendingLatency.replyAtMs !== undefined) pendingLatency.replyMs = pendingLatency.replyAtMs - transcriptAt;
    });
  }

  /** The turn's final transcript, or an unheard turn when the machine's transcript wait runs out first. */
  async function transcriptOf(turnId: number, closing: TurnTranscript | undefined): Promise<{ text: string; confidence: number | undefined }> {
    if (!closing) return { text: '', confidence: undefined };
    const unheard = { text: '', confidence: undefined };
    const givenUp = new Promise<typeof unheard>((resolve) => overdue.set(turnId, () => resolve(unheard)));
    turns.send({ type: 'transcript.awaited', turnId, atMs: advance() });
    const result = await Promise.race([closing.final, givenUp]);
    overdue.delete(turnId);
    turns.send({ type: 'transcript.received', turnId, atMs: advance() });
    if (result === unheard) {
      logger.warn({ turnId, stt: options.stt.name, waitedMs: timing.transcriptWaitMs }, 'no transcript in time: the turn is answered as unheard');
      void closing.stream.then((stream) => stream.close(), () => {});
    }
    return result;
  }

  /** The agent's queued audio has played out (or was cut): the machine hears it at the instant it ended. */
  function noticeAgentQuiet(now: number): void {
    if (turns.getSnapshot().matches({ live: { agent: 'speaking' } }) && !voice.isSpeaking()) {
      turns.send({ type: 'agent.finished', atMs: now, endedAtMs: voice.playbackEndMs() });
    }
  }

  /** The detector's events, on the timeline (`offsetMs`: timeline ms minus the detector's audio position). */
  function sendTurnEvents(events: TurnEvent[], offsetMs: number, now: number): void {
    for (const event of events) {
      if (event.type === 'turn.started') {
        publish({ type: 'caller-speech', turnId: event.turnId, atMs: event.atMs + offsetMs, detectedAtMs: event.detectedAtMs + offsetMs });
        turns.send({ type: 'speech.started', atMs: now, turnId: event.turnId, startedAtMs: event.atMs + offsetMs });
      } else if (event.type === 'turn.audio') {
        const frame = event.frame;
        void transcripts.get(resumedTurns.get(event.turnId) ?? event.turnId)?.stream.then((stream) => stream.push(frame), () => {});
      } else if (event.type === 'turn.ended') {
        turns.send({ type: 'speech.ended', atMs: now, turnId: event.turnId, endedAtMs: event.atMs + offsetMs });
      }
    }
  }

  /** A caller frame's turn events, once the detector has them: the machine hears them on the timeline, then what came due fires. */
  async function handleFrame(frame: PcmFrame, detected: Promise<TurnEvent[]>): Promise<void> {
    const events = await detected;
    if (callIsOver()) return;
    const now = advance();
    const offsetMs = options.nowMs() - detector.positionMs;
    publish({ type: 'caller-audio', frame, atMs: options.nowMs() - frameDurationMs(frame) });
    noticeAgentQuiet(now);
    sendTurnEvents(events, offsetMs, now);
    turns.send({ type: 'speech.scored', atMs: now, lastSpeechAtMs: detector.lastSpeechMs + offsetMs, lastSpeechAudioMs: detector.lastSpeechMs });
    // Windows that this frame's events left already run out (a barge-in whose speech began long enough ago) fire now.
    advance();
  }

  const call: VoiceCall = {
    session,
    async start() {
      turns.send({ type: 'call.started', atMs: advance() });
      await session.start();
    },
    pushCallerAudio(frame) {
      const snapshot = turns.getSnapshot();
      if (snapshot.matches({ live: { line: 'closing' } }) || snapshot.matches('ended') || session.isEnded()) return Promise.resolve();
      // Fed to the detector now, so its VAD windows join this turn of the event loop's batch even while earlier frames
      // are still being handled; the handling itself stays one frame at a time, in order.
      const detected = detector.process(frame);
      detected.catch(() => {});
      const handled = frameHandling.then(() => handleFrame(frame, detected));
      frameHandling = handled.catch(() => {});
      return handled;
    },
    pushDtmf(digits) {
      if (callIsOver()) return;
      // A key press over the agent interrupts it like speech does (the machine says so): the transport clears playback, the recording is cut.
      turns.send({ type: 'keypad.pressed', atMs: advance(), digits });
    },
    async tick() {
      if (callIsOver()) return;
      noticeAgentQuiet(advance());
      advance();
    },
    async idle() {
      await answering;
      await voice.idle();
    },
    isBusy: () => turns.getSnapshot().context.answersPending > 0 || voice.isSpeaking(),
    isListening: () => {
      const snapshot = turns.getSnapshot();
      return snapshot.matches({ live: { caller: 'overAgent' } }) || snapshot.matches({ live: { caller: 'speaking' } });
    },
    isAgentSpeaking: () => voice.isSpeaking(),
    agentPlaybackEndMs: () => voice.playbackEndMs(),
    async finish() {
      const snapshot = turns.getSnapshot();
      if (snapshot.matches({ live: { line: 'closing' } }) || snapshot.matches('ended')) return;
      turns.send({ type: 'call.finishing', atMs: advance() });
      await frameHandling;
      const flushed = await detector.flush();
      if (!callIsOver()) {
        const now = advance();
        sendTurnEvents(flushed, options.nowMs() - detector.positionMs, now);
        turns.send({ type: 'call.drained', atMs: now });
      }
      await answering;
      await voice.idle();
      if (!session.isEnded()) session.hangUp();
      detector.close();
    },
    hangUp() {
      voice.interrupt();
      voice.close();
      for (const transcript of transcripts.values()) void transcript.stream.then((stream) => stream.close(), () => {});
      transcripts.clear();
      turns.send({ type: 'call.ended', atMs: advance() });
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
