// What the engine needs from a flow: its statechart, its words, what each state listens for, its tools and which of them touch patient data. The engine runs any flow and names none.
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { Ehr, EhrToolName } from '../ehr/types.ts';
import type { Expectation, Understanding } from '../understanding/types.ts';

/** Why a call ended: the engine's vocabulary, a flow's machine output `{ endReason }`. */
export type EndReason = 'completed' | 'handoff' | 'lockout' | 'emergency' | 'hangup' | 'no-input';

/** How replies are worded for this clinic. */
export interface ReplyOptions {
  /** Spoken in the greeting, e.g. "Riverside Family Clinic". */
  clinicName: string;
  /** How many options are read out at once. */
  maxSpokenOptions: number;
}

export const defaultReplyOptions: ReplyOptions = { clinicName: 'the clinic', maxSpokenOptions: 3 };

/**
 * The call protocol between the engine and a flow's machine. The engine sends caller events and a hang-up; the machine
 * emits `agent.say` each time the agent speaks and ends with output `{ endReason }`.
 */
export interface AgentSay {
  type: 'agent.say';
  /** A prompt key of the flow, rendered by `Flow.render`. */
  key: string;
  /** The machine's context when it spoke: what the template needs. */
  context: unknown;
  /** For a question, the how-many-th time in a row it is asked (1 first). */
  repeat: number;
}

/** Events the engine sends whatever the flow: silence, a hang-up (caller turns come from `Flow.eventFor`). */
export type EngineEvent = { type: 'caller.stayed_silent' } | { type: 'caller.hung_up' };

/** One EHR call behind an actor name: what the engine invokes when the machine invokes that actor. */
export interface ToolBinding {
  /** The name in `tool` events and the audit, e.g. "book_appointment". */
  name: EhrToolName;
  /** Reads or writes patient data: may be invoked only under the flow's verified state. */
  phi: boolean;
  call(ehr: Ehr, input: never): Promise<unknown>;
  /** Whether a result counts as a success in the `tool` event (default: any result). */
  succeeded?(result: unknown): boolean;
  /** Tool events reported for one call when it stands for several (a reschedule books and cancels); default `[name]`. */
  reportsAs?: EhrToolName[];
}

/** How the EHR answers each actor in one imagined clinic, given the call as it stands: for walking the graph. */
export interface FlowWorld {
  name: string;
  answers: Readonly<Record<string, (context: unknown) => { output: unknown } | { error: unknown }>>;
}

/** What `frontdesk paths` and the graph tests walk the flow with. */
export interface FlowExploration {
  /** Caller events to try at every waiting point: turns (`Flow.eventFor` of sample understandings), interrupts, silence. */
  callerEvents: readonly EventObject[];
  /** Imagined clinics (everything works; full days and conflicts; nothing found and failures…). */
  worlds: readonly FlowWorld[];
  /** What of the context makes two waiting points differ for gating and loops (kept small: the walk is exhaustive). */
  vertex(context: unknown): unknown;
  /** The clinic date the walk runs on, YYYY-MM-DD. */
  today: string;
}

/** A flow: a real XState machine, packaged with its words, its expectations and its tools. */
export interface Flow {
  /** e.g. "scheduling"; what `--flow` and `FRONTDESK_FLOW` name. */
  readonly name: string;
  /** One line for `frontdesk paths` and the playground's flow picker. */
  readonly description: string;
  /** The statechart (`setup()` with named actors); the engine binds them with `machine.provide()`. */
  readonly machine: AnyStateMachine;
  /** Actor names → the EHR call each stands for. Every actor the machine invokes must be here. */
  readonly tools: Readonly<Record<string, ToolBinding>>;
  /** State id under which PHI actors may run (e.g. "call.verified"); `frontdesk paths` proves it. */
  readonly verifiedStateId: string;
  /** The question prompt keys: the loop check counts them. */
  readonly questions: ReadonlySet<string>;
  /** The machine's input for a new call. */
  input(call: { sessionId: string; today: string }): unknown;
  /** The words for what the agent says. */
  render(say: AgentSay, options: ReplyOptions): string;
  /** What the current state waits for: the extractor's, the STT grammar's and the endpointer's expectation. */
  expectation(snapshot: AnyMachineSnapshot, vocabulary?: Expectation['vocabulary']): Expectation;
  /** The one event a caller turn becomes (interrupts before values), with the recognizer's confidence (0–1). */
  eventFor(understanding: Understanding, confidence?: number): EventObject;
  /** Collected values for display (the playground): whether PHI was collected, never its value. */
  maskedSlots(context: unknown): Record<string, unknown>;
  /** How to walk the graph: sample caller events and imagined clinics. */
  readonly exploration: FlowExploration;
}

/** Names of the PHI actors of a flow. */
export function phiActorsOf(flow: Flow): string[] {
  return Object.entries(flow.tools)
    .filter(([, binding]) => binding.phi)
    .map(([actor]) => actor);
}
