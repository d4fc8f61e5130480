// Graph walk for the loop guard: replays a call with pure transitions, answers the EHR from a fixed "world", and counts the questions a caller hears in a row.
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { isAwaitingCaller } from '../../flows/scheduling/helpers.ts';
import { maxAsksInARow, questionKeys } from '../../flows/scheduling/machine.ts';
import type { CallEvent, CallMachineContext, PromptKey } from '../../flows/scheduling/types.ts';
import type { Appointment, Provider, Slot } from '../../src/ehr/types.ts';

export { maxAsksInARow };

type Outcome = { output: unknown } | { error: unknown };
/** How the EHR answers each actor, given the call as it stands. */
export type World = Record<string, (context: CallMachineContext) => Outcome>;

const provider = (index: number): Provider =>
  ({ providerId: `p${index}`, name: `Dr. ${index}`, specialty: 'cardiology', location: 'Downtown' }) as Provider;
const slot = (date: string, hour: number): Slot =>
  ({ slotId: `s${hour}`, providerId: 'p1', providerName: 'Dr. 1', specialty: 'cardiology', location: 'Downtown', start: `${date}T${hour}:00`, durationMinutes: 30 }) as Slot;
const appointment = (index: number): Appointment =>
  ({
    appointmentId: `a${index}`,
    confirmationCode: 'ABC234',
    providerId: 'p1',
    providerName: 'Dr. 1',
    specialty: 'cardiology',
    location: 'Downtown',
    start: `2026-12-0${index + 2}T10:00`,
    durationMinutes: 30,
    reason: 'checkup',
    status: 'booked',
  }) as Appointment;
const slotTaken = Object.assign(new Error('taken'), { code: 'EHR_SLOT_TAKEN' });

/** Three clinics: everything works; full days and conflicts; nothing found and failures. */
export const worlds: World[] = [
  {
    verifyPatient: () => ({ output: { outcome: 'verified', patientId: 'patient-1' } }),
    searchProviders: () => ({ output: [provider(1), provider(2)] }),
    getAvailableSlots: (context) => ({ output: [slot(context.booking.date ?? '2026-12-02', 10), slot(context.booking.date ?? '2026-12-02', 11)] }),
    getAvailableDates: () => ({ output: ['2026-12-02', '2026-12-03'] }),
    listAppointments: () => ({ output: [appointment(1), appointment(2)] }),
    bookAppointment: () => ({ output: appointment(3) }),
    cancelAppointment: () => ({ output: { ...appointment(1), status: 'cancelled' } }),
    rescheduleAppointment: () => ({ output: { cancelled: appointment(1), booked: appointment(3) } }),
  },
  {
    verifyPatient: () => ({ output: { outcome: 'verified', patientId: 'patient-1' } }),
    searchProviders: () => ({ output: [provider(1)] }),
    // The day the caller keeps asking for is full; the days after it are not.
    getAvailableSlots: (context) => ({ output: context.booking.date === '2026-12-05' ? [] : [slot(context.booking.date ?? '2026-12-07', 9)] }),
    getAvailableDates: () => ({ output: ['2026-12-07', '2026-12-08'] }),
    listAppointments: () => ({ output: [appointment(1)] }),
    bookAppointment: () => ({ error: slotTaken }),
    cancelAppointment: () => ({ output: { ...appointment(1), status: 'cancelled' } }),
    rescheduleAppointment: () => ({ error: slotTaken }),
  },
  {
    verifyPatient: () => ({ output: { outcome: 'mismatch' } }),
    searchProviders: () => ({ output: [] }),
    getAvailableSlots: () => ({ output: [] }),
    getAvailableDates: () => ({ output: [] }),
    listAppointments: () => ({ output: [] }),
    bookAppointment: () => ({ error: new Error('down') }),
    cancelAppointment: () => ({ error: new Error('down') }),
    rescheduleAppointment: () => ({ error: new Error('down') }),
  },
];

function invokedIds(snapshot: AnyMachineSnapshot): string[] {
  const nodes = (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
  return nodes.flatMap((node) => node.invoke.map((invoke) => invoke.id));
}

function said(actions: ReadonlyArray<{ type: string; params?: unknown }>): PromptKey[] {
  return actions.flatMap((action) => {
    if (action.type !== 'xstate.emit') return [];
    const event = (action.params as { event?: { type: string; key: PromptKey } } | undefined)?.event;
    return event?.type === 'agent.say' ? [event.key] : [];
  });
}

/** One caller event, then the EHR's answers until the call waits for the caller again: the new snapshot and every line said. */
function step(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: CallEvent, world: World): { snapshot: AnyMachineSnapshot; lines: PromptKey[] } {
  let [next, actions] = transition(machine, snapshot, event);
  const lines = said(actions);
  for (let hop = 0; hop < 12 && next.status === 'active'; hop += 1) {
    const id = invokedIds(next)[0];
    if (!id) break;
    const outcome = world[id]!(next.context as CallMachineContext);
    const reply = 'output' in outcome ? { type: `xstate.done.actor.${id}`, output: outcome.output } : { type: `xstate.error.actor.${id}`, error: outcome.error };
    [next, actions] = transition(machine, next, reply as never);
    lines.push(...said(actions));
  }
  return { snapshot: next, lines };
}

/** The questions a caller hears over a whole call, in order. */
export function questionsHeard(machine: AnyStateMachine, events: CallEvent[], world: World): PromptKey[] {
  let [snapshot, actions] = initialTransition(machine, { sessionId: 'loops', today: '2026-12-01' });
  const lines = said(actions);
  for (const event of events) {
    const result = step(machine, snapshot, event, world);
    snapshot = result.snapshot;
    lines.push(...result.lines);
  }
  return lines.filter((key) => questionKeys.has(key));
}

const describeEvent = (event: CallEvent) => JSON.stringify(event).slice(0, 120);

export interface LoopWalk {
  /** Distinct waiting points: state, verified, counters, and the question last heard with how many times in a row. */
  vertices: number;
  /** Caller turns tried (every event of the alphabet from every vertex). */
  edges: number;
  violations: string[];
  /** The most times one question was heard in a row anywhere in the walk. */
  longestRun: number;
}

/**
 * Breadth-first over every sequence of caller events (the EHR answering from one world), with what the caller has
 * heard in the vertex: any sequence, identical events included, that makes one question heard more than
 * `maxAsksInARow` times in a row is a violation, and so is a turn that leaves the call waiting without a question.
 */
export function walkCallerTurns(machine: AnyStateMachine, alphabet: CallEvent[], world: World, maxVertices = 5000): LoopWalk {
  const [initial, actions] = initialTransition(machine, { sessionId: 'loops', today: '2026-12-01' });
  const opening = said(actions).filter((key) => questionKeys.has(key));
  type Vertex = { snapshot: AnyMachineSnapshot; question?: PromptKey; run: number };
  const keyOf = (vertex: Vertex) => {
    const context = vertex.snapshot.context as CallMachineContext;
    return JSON.stringify([
      vertex.snapshot.value,
      vertex.question,
      vertex.run,
      context.verifiedPatientId !== undefined,
      context.staffOffers > 0,
      context.triage !== undefined,
      // The repair's words change at the second malformed hearing; later ones are alike.
      Math.min(context.malformedHearings.phone, 2),
      Math.min(context.malformedHearings.dateOfBirth, 2),
      context.booking.fullDate !== undefined,
    ]);
  };
  const queue: Vertex[] = [{ snapshot: initial, question: opening.at(-1), run: opening.length > 0 ? 1 : 0 }];
  const seen = new Set([keyOf(queue[0]!)]);
  const violations: string[] = [];
  let edges = 0;
  let longestRun = queue[0]!.run;
  for (let index = 0; index < queue.length && seen.size <= maxVertices; index += 1) {
    const vertex = queue[index]!;
    for (const event of alphabet) {
      edges += 1;
      const result = step(machine, vertex.snapshot, event, world);
      let { question, run } = vertex;
      for (const key of result.lines) {
        if (!questionKeys.has(key)) continue;
        run = key === question ? run + 1 : 1;
        question = key;
        longestRun = Math.max(longestRun, run);
        if (run > maxAsksInARow) violations.push(`${JSON.stringify(vertex.snapshot.value)}: '${key}' heard ${run} times in a row after ${describeEvent(event)}`);
      }
      const next: Vertex = { snapshot: result.snapshot, question, run };
      if (result.snapshot.status !== 'active') continue;
      if (!isAwaitingCaller(result.snapshot)) continue;
      // A caller left waiting must be asked something: "sorry, I didn't catch that" alone is a dead end.
      if (!result.lines.some((key) => questionKeys.has(key))) {
        violations.push(`${JSON.stringify(result.snapshot.value)}: no question in reply to ${describeEvent(event)}`);
      }
      const key = keyOf(next);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
  }
  return { vertices: seen.size, edges, violations, longestRun };
}
