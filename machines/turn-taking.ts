// Turn-taking for one voice call: who has the floor, when a caller turn ends, when the caller interrupts the agent, when keypad digits are one entry, when silence is "no input".
import { and, assign, emit, enqueueActions, not, setup, stateIn } from 'xstate';

/** The timing rules of a call's turns, all in ms on the call's timeline. */
export interface TurnTiming {
  /** Caller silence after the agent has finished, with nothing being answered, that the call hears as no input. Default 8000. */
  noInputMs: number;
  /** Quiet after the last keypad digit before the digits are taken as one entry ('#' ends it at once). Default 2000. */
  keypadGapMs: number;
  /** Caller speech over the agent's voice, from its onset, that interrupts the agent (a cough or a click does not). Default 200. */
  bargeInSpeechMs: number;
  /**
   * Speech the VAD needs before a caller turn starts at all; applied by the turn detector, which sends `speech.started`.
   * A one-syllable name can be this short. Default 120.
   */
  turnStartSpeechMs: number;
  /** A complete value in the partial transcript must hold still this long before it can end the turn ("nineteen eighty" … "five"). Default 300. */
  endpointingStableMs: number;
  /** Caller pause after a stable complete value that ends the turn early (instead of the detector's full silence window). Default 250. */
  endpointingPauseMs: number;
  /**
   * How much longer than the detector's silence window a turn stays open when its partial transcript holds a value only
   * begun (the first chunks of a phone number, a birth date without its year): people pause between a number's chunks,
   * reading it off a card, and the rest is one turn with the start. Default 1200.
   */
  midValuePauseMs: number;
  /**
   * Longest wait for a turn's transcript once its answer needs it; then the turn is answered as unheard (the agent asks
   * again) and the recognizer's late result is dropped. A stuck recognizer cannot leave the caller in silence. Default 6000.
   */
  transcriptWaitMs: number;
}

export const defaultTurnTiming: Readonly<TurnTiming> = Object.freeze({
  noInputMs: 8000,
  keypadGapMs: 2000,
  bargeInSpeechMs: 200,
  turnStartSpeechMs: 120,
  endpointingStableMs: 300,
  endpointingPauseMs: 250,
  midValuePauseMs: 1200,
  transcriptWaitMs: 6000,
});

/** Every event the host sends carries `atMs`: the call timeline's now, which is also the machine clock's now. */
export type TurnTakingEvent =
  | { type: 'call.started'; atMs: number }
  /** The caller's audio has ended (file done, socket closed): no more is taken. */
  | { type: 'call.finishing'; atMs: number }
  /** The caller's last audio has been handled: a pending keypad entry is taken now. */
  | { type: 'call.drained'; atMs: number }
  | { type: 'call.ended'; atMs: number }
  | { type: 'agent.started'; atMs: number }
  /** The agent's queued audio has played out (or was cut) at `endedAtMs`. */
  | { type: 'agent.finished'; atMs: number; endedAtMs: number }
  /** The VAD confirmed caller speech that began at `startedAtMs`. */
  | { type: 'speech.started'; atMs: number; turnId: number; startedAtMs: number }
  /** The VAD's silence window closed the turn; the caller's speech ended at `endedAtMs`. */
  | { type: 'speech.ended'; atMs: number; turnId: number; endedAtMs: number }
  /** A caller frame was scored: the last speech window ends at `lastSpeechAtMs` (timeline) / `lastSpeechAudioMs` (audio position, only grows with new speech). */
  | { type: 'speech.scored'; atMs: number; lastSpeechAtMs: number; lastSpeechAudioMs: number }
  /**
   * A partial transcript of turn `turnId`; `complete` when it already holds a complete value for what is asked,
   * `unfinished` when it holds one only begun ("five five five, oh one oh", "November second").
   */
  | { type: 'transcript.partial'; atMs: number; turnId: number; text: string; complete: boolean; unfinished?: boolean }
  | { type: 'keypad.pressed'; atMs: number; digits: string }
  /** The answer to turn `turnId` is waiting for its final transcript. */
  | { type: 'transcript.awaited'; atMs: number; turnId: number }
  /** The final transcript of turn `turnId` is in (or was given up on). */
  | { type: 'transcript.received'; atMs: number; turnId: number }
  /** One answer the machine asked for (an ended turn, a keypad entry, a no-input) has been given. */
  | { type: 'reply.settled'; atMs: number };

/** What the machine asks the host to do. */
export type TurnTakingEmitted =
  /** Open speech-to-text for a caller turn; `overAgent` turns may still be dropped (`stt.discard`). */
  | { type: 'stt.open'; turnId: number; overAgent: boolean; startedAtMs: number }
  /** The caller went on after a pause mid-value: the detector's turn `speechTurnId` is more of turn `turnId` (same STT). */
  | { type: 'turn.resumed'; turnId: number; speechTurnId: number }
  /** The turn was too short to interrupt the agent: close its STT and forget it. */
  | { type: 'stt.discard'; turnId: number }
  /** The caller's turn is over: end its STT and answer it. */
  | { type: 'turn.ended'; turnId: number; reason: 'silence' | 'complete-value'; speechEndedAtMs: number }
  /** Stop the agent's voice now. */
  | { type: 'barge-in'; cause: 'speech' | 'keypad' }
  /** The caller said nothing for the no-input window: answer with the silence prompt. */
  | { type: 'no-input' }
  /** The transcript of turn `turnId` did not come within the transcript wait: answer the turn as unheard. */
  | { type: 'transcript.overdue'; turnId: number }
  /** Keypad digits taken as one entry: answer them. */
  | { type: 'keypad.entered'; digits: string };

export interface TurnTakingContext {
  timing: TurnTiming;
  /** Timeline ms from which the no-input window counts: the later of the last caller activity and the end of the agent's audio. */
  quietSinceMs: number;
  /** Answers asked for and not yet settled. */
  answersPending: number;
  turnId: number;
  /** The detector's turn whose end ends this turn: `turnId`, or the speech that resumed it after a pause mid-value. */
  speechTurnId: number;
  speechStartedAtMs: number;
  lastSpeechAtMs: number;
  lastSpeechAudioMs: number;
  partialText: string;
  partialChangedAtMs: number;
  /** The last partial holds a value only begun. */
  partialUnfinished: boolean;
  /** Where the caller's speech ended when the detector's window closed on an unfinished value. */
  pausedSpeechEndedAtMs: number;
  keypadDigits: string;
  /** Timeline ms the agent began speaking over a caller who was still talking. */
  overlapStartedAtMs: number;
  /** The turn whose transcript an answer is waiting for. */
  awaitedTurnId: number;
}

export interface TurnTakingInput {
  timing?: Partial<TurnTiming>;
}

/** The event's timeline ms, or undefined for the machine's own delayed events. */
function timeOf(event: { type: string }): number | undefined {
  return 'atMs' in event && typeof event.atMs === 'number' ? event.atMs : undefined;
}

const remaining = (dueMs: number, nowMs: number) => Math.max(0, dueMs - nowMs);

/** Ends the open turn: the host ends its STT and answers it, an answer now pending. */
function endTurn(
  enqueue: { emit: (event: TurnTakingEmitted) => void; assign: (values: Partial<TurnTakingContext>) => void },
  context: TurnTakingContext,
  reason: 'silence' | 'complete-value',
  speechEndedAtMs: number,
): void {
  enqueue.emit({ type: 'turn.ended', turnId: context.turnId, reason, speechEndedAtMs });
  enqueue.assign({ answersPending: context.answersPending + 1 });
}

export const turnTakingMachine = setup({
  types: {
    context: {} as TurnTakingContext,
    events: {} as TurnTakingEvent,
    emitted: {} as TurnTakingEmitted,
    input: {} as TurnTakingInput,
  },
  delays: {
    // Each window counts from the instant it is about, not from when the host noticed: a file may be played in large steps.
    noInput: ({ context, event }) => remaining(context.quietSinceMs + context.timing.noInputMs, timeOf(event) ?? context.quietSinceMs),
    keypadGap: ({ context }) => context.timing.keypadGapMs,
    bargeInSpeech: ({ context, event }) => remaining(context.speechStartedAtMs + context.timing.bargeInSpeechMs, timeOf(event) ?? context.speechStartedAtMs),
    overlapSpeech: ({ context, event }) => remaining(context.overlapStartedAtMs + context.timing.bargeInSpeechMs, timeOf(event) ?? context.overlapStartedAtMs),
    endpointingStable: ({ context }) => context.timing.endpointingStableMs,
    transcriptWait: ({ context }) => context.timing.transcriptWaitMs,
    midValuePause: ({ context }) => context.timing.midValuePauseMs,
    endpointingPause: ({ context, event }) =>
      remaining(
        context.lastSpeechAtMs + context.timing.endpointingPauseMs,
        // Entered when the stable window ran out, which is when the partial changed plus that window.
        timeOf(event) ?? context.partialChangedAtMs + context.timing.endpointingStableMs,
      ),
  },
  guards: {
    answerPending: ({ context }) => context.answersPending > 0,
    endsKeypadEntry: ({ event }) => event.type === 'keypad.pressed' && event.digits.includes('#'),
    spokeThisFrame: ({ context, event }) => event.type === 'speech.scored' && event.lastSpeechAudioMs > context.lastSpeechAudioMs,
    partialOfThisTurn: ({ context, event }) => event.type === 'transcript.partial' && event.turnId === context.turnId && event.text !== context.partialText,
    completeValue: ({ event }) => event.type === 'transcript.partial' && event.complete,
    sameTurn: ({ context, event }) => event.type === 'speech.ended' && event.turnId === context.speechTurnId,
    valueUnfinished: ({ context }) => context.partialUnfinished && context.timing.midValuePauseMs > 0,
    unfinishedPartial: ({ event }) => event.type === 'transcript.partial' && event.unfinished === true,
  },
  actions: {
    noteActivity: assign({ quietSinceMs: ({ context, event }) => Math.max(context.quietSinceMs, timeOf(event) ?? context.quietSinceMs) }),
    noteAgentFinished: assign({
      quietSinceMs: ({ context, event }) => (event.type === 'agent.finished' ? Math.max(context.quietSinceMs, event.endedAtMs) : context.quietSinceMs),
    }),
    noteSpeech: assign(({ context, event }) =>
      event.type === 'speech.scored' && event.lastSpeechAudioMs > context.lastSpeechAudioMs
        ? { lastSpeechAtMs: event.lastSpeechAtMs, lastSpeechAudioMs: event.lastSpeechAudioMs }
        : {},
    ),
    notePartial: assign(({ event }) =>
      event.type === 'transcript.partial' ? { partialText: event.text, partialChangedAtMs: event.atMs, partialUnfinished: event.unfinished === true } : {},
    ),
    settleReply: assign(({ context, event }) => ({
      answersPending: Math.max(0, context.answersPending - 1),
      quietSinceMs: Math.max(context.quietSinceMs, timeOf(event) ?? context.quietSinceMs),
    })),
    openTurn: enqueueActions(({ enqueue, event }, params: { overAgent: boolean }) => {
      if (event.type !== 'speech.started') return;
      enqueue.assign(({ context }) => ({
        turnId: event.turnId,
        speechTurnId: event.turnId,
        speechStartedAtMs: event.startedAtMs,
        lastSpeechAtMs: Math.max(context.lastSpeechAtMs, event.startedAtMs),
        partialText: '',
        partialChangedAtMs: event.atMs,
        partialUnfinished: false,
        quietSinceMs: Math.max(context.quietSinceMs, event.atMs),
      }));
      enqueue.emit({ type: 'stt.open', turnId: event.turnId, overAgent: params.overAgent, startedAtMs: event.startedAtMs });
    }),
    notePauseMidValue: assign({ pausedSpeechEndedAtMs: ({ context, event }) => (event.type === 'speech.ended' ? event.endedAtMs : context.pausedSpeechEndedAtMs) }),
    resumeTurn: enqueueActions(({ enqueue, context, event }) => {
      if (event.type !== 'speech.started') return;
      enqueue.assign({
        speechTurnId: event.turnId,
        lastSpeechAtMs: Math.max(context.lastSpeechAtMs, event.startedAtMs),
        quietSinceMs: Math.max(context.quietSinceMs, event.atMs),
      });
      enqueue.emit({ type: 'turn.resumed', turnId: context.turnId, speechTurnId: event.turnId });
    }),
    endPausedTurn: enqueueActions(({ enqueue, context }) => endTurn(enqueue, context, 'silence', context.pausedSpeechEndedAtMs)),
    discardTurn: emit(({ context }) => ({ type: 'stt.discard' as const, turnId: context.turnId })),
    endTurnOnSilence: enqueueActions(({ enqueue, context, event }) => {
      if (event.type === 'speech.ended') endTurn(enqueue, context, 'silence', event.endedAtMs);
    }),
    endTurnOnCompleteValue: enqueueActions(({ enqueue, context }) => endTurn(enqueue, context, 'complete-value', context.lastSpeechAtMs)),
    bargeInOnSpeech: emit({ type: 'barge-in', cause: 'speech' } as const),
    bargeInOnKeypad: emit({ type: 'barge-in', cause: 'keypad' } as const),
    appendDigits: assign({ keypadDigits: ({ context, event }) => (event.type === 'keypad.pressed' ? context.keypadDigits + event.digits : context.keypadDigits) }),
    enterDigits: enqueueActions(({ enqueue, context }) => {
      const digits = context.keypadDigits.replace(/#$/, '');
      enqueue.assign({ keypadDigits: '' });
      if (!digits) return;
      enqueue.emit({ type: 'keypad.entered', digits });
      enqueue.assign({ answersPending: context.answersPending + 1 });
    }),
    noteOverlapStart: assign({ overlapStartedAtMs: ({ context, event }) => timeOf(event) ?? context.overlapStartedAtMs }),
    noteAwaitedTurn: assign({ awaitedTurnId: ({ context, event }) => (event.type === 'transcript.awaited' ? event.turnId : context.awaitedTurnId) }),
    giveUpOnTranscript: emit(({ context }) => ({ type: 'transcript.overdue' as const, turnId: context.awaitedTurnId })),
    askSilencePrompt: enqueueActions(({ enqueue, context }) => {
      enqueue.emit({ type: 'no-input' });
      enqueue.assign({ answersPending: context.answersPending + 1 });
    }),
  },
}).createMachine({
  id: 'turn-taking',
  context: ({ input }) => ({
    timing: { ...defaultTurnTiming, ...input.timing },
    quietSinceMs: 0,
    answersPending: 0,
    turnId: 0,
    speechTurnId: 0,
    speechStartedAtMs: 0,
    lastSpeechAtMs: 0,
    lastSpeechAudioMs: 0,
    partialText: '',
    partialChangedAtMs: 0,
    partialUnfinished: false,
    pausedSpeechEndedAtMs: 0,
    keypadDigits: '',
    awaitedTurnId: 0,
    overlapStartedAtMs: 0,
  }),
  initial: 'waiting',
  // Answers asked for before the call ended still settle, so the host can tell when it is idle.
  on: { 'reply.settled': { actions: 'settleReply' } },
  states: {
    waiting: { on: { 'call.started': { target: 'live', actions: 'noteActivity' }, 'call.finishing': 'ended', 'call.ended': 'ended' } },
    live: {
      type: 'parallel',
      on: { 'call.ended': 'ended' },
      states: {
        line: {
          initial: 'open',
          states: { open: { on: { 'call.finishing': 'closing' } }, closing: {} },
        },
        agent: {
          initial: 'quiet',
          states: {
            quiet: { id: 'agentQuiet', on: { 'agent.started': 'speaking' } },
            speaking: {
              id: 'agentSpeaking',
              on: { 'agent.finished': { target: 'quiet', actions: 'noteAgentFinished' } },
              initial: 'starting',
              states: {
                starting: { always: [{ guard: stateIn('#callerSpeaking'), target: 'overCaller' }, { target: 'heard' }] },
                heard: { id: 'agentHeard' },
                /**
                 * The reply began while the caller was still talking (it answers what they said before a pause): caller
                 * speech over it interrupts it once the two have overlapped `bargeInSpeechMs`, as speech over the agent does.
                 */
                overCaller: {
                  entry: 'noteOverlapStart',
                  always: { guard: not(stateIn('#callerSpeaking')), target: 'heard' },
                  initial: 'voiced',
                  states: {
                    voiced: {
                      after: { overlapSpeech: { target: '#agentHeard', actions: 'bargeInOnSpeech' } },
                      on: { 'speech.scored': { guard: not('spokeThisFrame'), target: 'paused' } },
                    },
                    paused: { on: { 'speech.scored': { guard: 'spokeThisFrame', target: 'voiced' } } },
                  },
                },
              },
            },
          },
        },
        speech: {
          initial: 'scoring',
          states: { scoring: { on: { 'speech.scored': { actions: 'noteSpeech' } } } },
        },
        caller: {
          initial: 'quiet',
          states: {
            quiet: {
              id: 'callerQuiet',
              on: {
                'speech.started': [
                  { guard: stateIn('#agentSpeaking'), target: 'overAgent', actions: { type: 'openTurn', params: { overAgent: true } } },
                  { target: 'speaking', actions: { type: 'openTurn', params: { overAgent: false } } },
                ],
              },
            },
            /** Speech began over the agent's voice; it interrupts once it has lasted `bargeInSpeechMs`, or is dropped. */
            overAgent: {
              initial: 'voiced',
              on: { 'speech.ended': { guard: 'sameTurn', target: 'quiet', actions: 'discardTurn' } },
              states: {
                voiced: {
                  after: { bargeInSpeech: { target: '#callerSpeaking', actions: 'bargeInOnSpeech' } },
                  on: { 'speech.scored': { guard: not('spokeThisFrame'), target: 'paused' } },
                },
                // A blip followed by silence never reaches the threshold: the timer runs only while the caller is heard.
                paused: { on: { 'speech.scored': { guard: 'spokeThisFrame', target: 'voiced' } } },
              },
            },
            /** A caller turn is open: it ends on the detector's silence window, or early once a complete value holds still and the caller pauses. */
            speaking: {
              id: 'callerSpeaking',
              initial: 'open',
              on: {
                'speech.ended': [
                  { guard: and(['sameTurn', 'valueUnfinished']), target: 'pausedMidValue', actions: 'notePauseMidValue' },
                  { guard: 'sameTurn', target: 'quiet', actions: 'endTurnOnSilence' },
                ],
              },
              states: {
                open: {
                  on: { 'transcript.partial': [{ guard: and(['partialOfThisTurn', 'completeValue']), target: 'valueHeld', actions: 'notePartial' }, { guard: 'partialOfThisTurn', actions: 'notePartial' }] },
                },
                valueHeld: {
                  after: { endpointingStable: 'valueStable' },
                  on: {
                    'transcript.partial': [
                      { guard: and(['partialOfThisTurn', 'completeValue']), target: 'valueHeld', reenter: true, actions: 'notePartial' },
                      { guard: 'partialOfThisTurn', target: 'open', actions: 'notePartial' },
                    ],
                  },
                },
                valueStable: {
                  after: { endpointingPause: { target: '#callerQuiet', actions: 'endTurnOnCompleteValue' } },
                  on: {
                    // Still talking: the value may yet grow, so the pause starts over.
                    'speech.scored': { guard: 'spokeThisFrame', target: 'valueStable', reenter: true },
                    'transcript.partial': [
                      { guard: and(['partialOfThisTurn', 'completeValue']), target: 'valueHeld', actions: 'notePartial' },
                      { guard: 'partialOfThisTurn', target: 'open', actions: 'notePartial' },
                    ],
                  },
                },
              },
            },
            /**
             * The detector's silence window closed on a value only begun ("five five five, oh one oh…"): the turn stays open
             * `midValuePauseMs` longer, and speech in that time is more of it. Then it ends as a silence would have ended it.
             */
            pausedMidValue: {
              after: { midValuePause: { target: 'quiet', actions: 'endPausedTurn' } },
              on: {
                'speech.started': { target: 'speaking', actions: 'resumeTurn' },
                // The recognizer catching up (under load its partials lag the audio): a value now whole, or no value
                // begun after all, ends the turn without the rest of the wait.
                'transcript.partial': [
                  { guard: and(['partialOfThisTurn', not('unfinishedPartial')]), target: 'quiet', actions: ['notePartial', 'endPausedTurn'] },
                  { guard: 'partialOfThisTurn', actions: 'notePartial' },
                ],
                'call.finishing': { target: 'quiet', actions: 'endPausedTurn' },
              },
            },
          },
        },
        keypad: {
          initial: 'empty',
          states: {
            empty: {
              id: 'keypadEmpty',
              on: {
                'keypad.pressed': [
                  { guard: 'endsKeypadEntry', actions: ['bargeInOnKeypad', 'appendDigits', 'enterDigits'] },
                  { target: 'entry', actions: ['bargeInOnKeypad', 'appendDigits'] },
                ],
              },
            },
            entry: {
              after: { keypadGap: { target: 'empty', actions: 'enterDigits' } },
              on: {
                'keypad.pressed': [
                  { guard: 'endsKeypadEntry', target: 'empty', actions: ['bargeInOnKeypad', 'appendDigits', 'enterDigits'] },
                  { target: 'entry', reenter: true, actions: ['bargeInOnKeypad', 'appendDigits'] },
                ],
                'call.drained': { target: 'empty', actions: 'enterDigits' },
              },
            },
          },
        },
        answer: {
          initial: 'none',
          states: {
            none: { always: { guard: 'answerPending', target: 'pending' } },
            pending: {
              id: 'answerPending',
              always: { guard: not('answerPending'), target: 'none' },
              initial: 'replying',
              states: {
                replying: { on: { 'transcript.awaited': { target: 'awaitingTranscript', actions: 'noteAwaitedTurn' } } },
                /** A recognizer that never finishes a turn would otherwise leave the caller in silence, with no-input held. */
                awaitingTranscript: {
                  after: { transcriptWait: { target: 'replying', actions: 'giveUpOnTranscript' } },
                  on: { 'transcript.received': 'replying' },
                },
              },
            },
          },
        },
        /** The no-input window runs only while nobody has the floor and nothing is being answered. */
        silence: {
          initial: 'held',
          states: {
            held: {
              always: {
                guard: and([stateIn('#agentQuiet'), stateIn('#callerQuiet'), stateIn('#keypadEmpty'), not('answerPending')]),
                target: 'counting',
              },
            },
            counting: {
              always: {
                guard: not(and([stateIn('#agentQuiet'), stateIn('#callerQuiet'), stateIn('#keypadEmpty'), not('answerPending')])),
                target: 'held',
              },
              after: { noInput: { target: 'held', actions: 'askSilencePrompt' } },
            },
          },
        },
      },
    },
    ended: {},
  },
});

export type TurnTakingMachine = typeof turnTakingMachine;
