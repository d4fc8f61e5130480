// Replays a recorded call against a flow: the recorded caller events in, the recorded tool outcomes as the actors' answers, and the first turn where what the flow does differs.
import { createActor, fromPromise, waitFor, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { reviveError, type CallLogEntry, type RecordedCall } from '../call-log/call-log.ts';
import { statePath } from '../dialog/state-view.ts';
import type { AgentSay, Flow } from './types.ts';

/** One thing the call did that the caller would notice or the EHR would see. */
export type Observation =
  | { kind: 'state'; value: string }
  | { kind: 'agent'; key: string; text: string }
  | { kind: 'tool'; actor: string; name: string; ok?: boolean; missing?: boolean }
  | { kind: 'end'; reason: string };

/** A caller turn (or the greeting, turn 0) and what the call did in answer. */
export interface Turn {
  index: number;
  /** What started the turn: absent for the greeting. */
  caller?: Extract<CallLogEntry, { type: 'caller' | 'silence' | 'hangup' }>;
  observations: Observation[];
}

export interface ReplayDifference {
  turn: number;
  caller?: Turn['caller'];
  /** Observations of the turn both agree on, before the first that differs. */
  same: Observation[];
  recorded?: Observation;
  replayed?: Observation;
}

export interface ReplayResult {
  recordedTurns: Turn[];
  replayedTurns: Turn[];
  /** The first difference; undefined when the replay did what the recording did. */
  difference?: ReplayDifference;
  /** The recording was compared by prompt key only (its lines were reworded by an LLM). */
  keysOnly: boolean;
}

const isCallerEntry = (entry: CallLogEntry): entry is NonNullable<Turn['caller']> => entry.type === 'caller' || entry.type === 'silence' || entry.type === 'hangup';

/** The recorded call cut into turns: the greeting, then one turn per caller event. */
export function recordedTurns(recording: RecordedCall): Turn[] {
  const turns: Turn[] = [{ index: 0, observations: [] }];
  for (const entry of recording.entries) {
    if (isCallerEntry(entry)) {
      turns.push({ index: turns.length, caller: entry, observations: [] });
      continue;
    }
    const observations = turns.at(-1)!.observations;
    if (entry.type === 'state') observations.push({ kind: 'state', value: entry.value });
    else if (entry.type === 'agent') observations.push({ kind: 'agent', key: entry.key, text: entry.text });
    else if (entry.type === 'tool') observations.push({ kind: 'tool', actor: entry.actor, name: entry.name });
    else if (entry.type === 'end') observations.push({ kind: 'end', reason: entry.reason });
  }
  return turns;
}

/** Thrown to the machine when it invokes an actor the recording has no (more) outcomes for. */
class NoRecordedOutcome extends Error {
  constructor(actor: string) {
    super(`the recorded call has no outcome for ${actor} here`);
    this.name = 'NoRecordedOutcome';
  }
}

/**
 * Runs the recorded caller events through `flow` (or `machine`, a variant of its machine) with no EHR: each invoked
 * actor answers with the next outcome recorded for that actor name. Deterministic: no clock, extractor or network.
 */
export async function replayCall(flow: Flow, recording: RecordedCall, options: { machine?: AnyStateMachine; settleTimeoutMs?: number } = {}): Promise<ReplayResult> {
  const outcomes = new Map<string, Array<Extract<CallLogEntry, { type: 'tool' }>>>();
  for (const entry of recording.entries) {
    if (entry.type !== 'tool') continue;
    outcomes.set(entry.actor, [...(outcomes.get(entry.actor) ?? []), entry]);
  }
  const turns: Turn[] = [{ index: 0, observations: [] }];
  const observe = (observation: Observation) => turns.at(-1)!.observations.push(observation);
  let answering = 0;

  const actors = Object.fromEntries(
    Object.entries(flow.tools).map(([actor, binding]) => [
      actor,
      fromPromise(async () => {
        answering += 1;
        try {
          // As a real EHR call does, answer after the state that invoked it has been reported.
          await new Promise((resolve) => setImmediate(resolve));
          const outcome = outcomes.get(actor)?.shift();
          if (!outcome) {
            observe({ kind: 'tool', actor, name: binding.name, missing: true });
            throw new NoRecordedOutcome(actor);
          }
          observe({ kind: 'tool', actor, name: binding.name });
          if (outcome.error) throw reviveError(outcome.error);
          return outcome.output;
        } finally {
          answering -= 1;
        }
      }),
    ]),
  );
  const machine = (options.machine ?? flow.machine).provide({ actors } as never);
  const actor = createActor(machine, { input: flow.input({ sessionId: recording.header.sessionId, today: recording.header.today }) });
  let ended = false;
  actor.on('agent.say', (event: AgentSay) => observe({ kind: 'agent', key: event.key, text: flow.render(event, recording.header.replies) }));
  let lastState = '';
  actor.subscribe({
    next: (snapshot: AnyMachineSnapshot) => {
      const path = statePath(snapshot.value);
      if (path !== lastState) {
        lastState = path;
        observe({ kind: 'state', value: path });
      }
      if (snapshot.status === 'done' && !ended) {
        ended = true;
        observe({ kind: 'end', reason: (snapshot.output as { endReason?: string } | undefined)?.endReason ?? 'completed' });
      }
    },
    // A machine error ends a live call as a hand-off; so here.
    error: () => {
      if (!ended) {
        ended = true;
        observe({ kind: 'end', reason: 'handoff' });
      }
    },
  });

  // As the session does: a turn is over when the call waits for the caller again, or has ended.
  // Tools invoked by a state that also waits for the caller answer within the turn too, so each lands in the turn that invoked it.
  const awaitingCaller = (snapshot: AnyMachineSnapshot) => snapshot.status !== 'active' || flow.expectation(snapshot).slots.length > 0;
  const settle = async () => {
    const deadline = Date.now() + (options.settleTimeoutMs ?? 5_000);
    do {
      await waitFor(actor, awaitingCaller, { timeout: Math.max(1, deadline - Date.now()) }).catch(() => {});
      while (answering > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    } while (!awaitingCaller(actor.getSnapshot()) && Date.now() < deadline);
  };

  actor.start();
  await settle();
  for (const entry of recording.entries) {
    if (!isCallerEntry(entry)) continue;
    turns.push({ index: turns.length, caller: entry, observations: [] });
    if (ended) continue;
    actor.send(entry.event as EventObject);
    if (entry.type === 'hangup') {
      if (!ended) {
        ended = true;
        observe({ kind: 'end', reason: 'hangup' });
      }
      actor.stop();
      continue;
    }
    await settle();
  }
  if (!ended) actor.stop();

  const recorded = recordedTurns(recording);
  const keysOnly = recording.header.phrased;
  return { recordedTurns: recorded, replayedTurns: turns, keysOnly, ...compareTurns(recorded, turns, { keysOnly, recordingComplete: recording.complete }) };
}

function sameObservation(a: Observation, b: Observation, keysOnly: boolean): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'state':
      return a.value === (b as typeof a).value;
    case 'agent':
      return a.key === (b as typeof a).key && (keysOnly || a.text === (b as typeof a).text);
    case 'tool':
      return a.actor === (b as typeof a).actor && !(b as typeof a).missing && !a.missing;
    case 'end':
      return a.reason === (b as typeof a).reason;
  }
}

/** The first turn, and the first observation in it, where the two runs differ. */
export function compareTurns(recorded: Turn[], replayed: Turn[], options: { keysOnly: boolean; recordingComplete: boolean }): { difference?: ReplayDifference } {
  for (const [index, recordedTurn] of recorded.entries()) {
    const replayedTurn = replayed[index];
    const mine = recordedTurn.observations;
    const theirs = replayedTurn?.observations ?? [];
    const last = index === recorded.length - 1;
    for (let position = 0; position < Math.max(mine.length, theirs.length); position += 1) {
      const a = mine[position];
      const b = theirs[position];
      // A log cut off mid-turn (the server stopped) says nothing about what came after its last entry.
      if (!a && last && !options.recordingComplete) break;
      if (a && b && sameObservation(a, b, options.keysOnly)) continue;
      return {
        difference: {
          turn: index,
          ...(recordedTurn.caller ? { caller: recordedTurn.caller } : {}),
          same: mine.slice(0, position),
          ...(a ? { recorded: a } : {}),
          ...(b ? { replayed: b } : {}),
        },
      };
    }
  }
  return {};
}
