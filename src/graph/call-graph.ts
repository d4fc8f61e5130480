// The call statechart as plain data (states, nesting, initial states, transitions, invoked actors), read from the machine definition only.
import type { AnyStateMachine } from 'xstate';

export type GraphStateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphState {
  /** Dotted path without the machine id, e.g. "verified.booking.askDate": the text channel's `state` value. */
  path: string;
  /** The state's own key, e.g. "askDate". */
  key: string;
  kind: GraphStateKind;
  /** Path of the enclosing state; "" for top-level states. */
  parent: string;
  /** Paths of the child states, in definition order. */
  children: string[];
  /** Path of the child entered first (compound states). */
  initial?: string;
  /** Names of the actors this state invokes (e.g. "bookAppointment"). */
  invokes: string[];
  /** Invokes an actor that reads or writes patient data. */
  phi: boolean;
}

/** What fires a transition: a named event, an eventless check, or an invoked actor finishing or failing. */
export type GraphTrigger = 'event' | 'always' | 'done' | 'error';

export interface GraphTransition {
  /** Source state path; "" means the machine itself, i.e. from any state. */
  source: string;
  target: string;
  trigger: GraphTrigger;
  /** The event type as the machine sees it ("caller.spoke", "xstate.done.actor.bookAppointment"); "" for eventless. */
  event: string;
  /** The actor whose completion or failure fires a done/error transition. */
  actor?: string;
  /** Guard name (with parameters, e.g. "intentIs book"), when guarded. */
  guard?: string;
}

export interface CallGraph {
  /** The machine id, e.g. "call". */
  machineId: string;
  /** Path of the state the machine starts in. */
  initial: string;
  /** Every state below the root, parents before children, in definition order. */
  states: GraphState[];
  /** Transitions that change state (target-less ones only run actions and are left out). */
  transitions: GraphTransition[];
}

/** The slice of an XState v5 state node the graph reads. */
interface StateNodeLike {
  key: string;
  path: string[];
  type: GraphStateKind;
  states: Record<string, StateNodeLike>;
  initial?: { target: ReadonlyArray<{ path: string[] }> };
  invoke: ReadonlyArray<{ id: string; src: unknown }>;
  transitions: Map<string, ReadonlyArray<TransitionLike>>;
  always?: ReadonlyArray<TransitionLike>;
}

interface TransitionLike {
  target?: ReadonlyArray<{ path: string[] }>;
  guard?: unknown;
}

const doneActorPrefix = 'xstate.done.actor.';
const errorActorPrefix = 'xstate.error.actor.';
/** `after` delays arrive as `xstate.after.<delay name>.<state id>`. */
const delayedEventPrefix = 'xstate.after.';

function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    // XState's higher-order guards (not, and, or) and stateIn keep what they combine on the function.
    const { guards, stateValue } = guard as { guards?: unknown[]; stateValue?: unknown };
    if (guard.name === 'not' && guards?.length === 1) return `not ${guardName(guards[0])}`;
    if ((guard.name === 'and' || guard.name === 'or') && guards) return guards.map(guardName).join(` ${guard.name} `);
    if (guard.name === 'stateIn' && typeof stateValue === 'string') return `in ${stateValue.replace(/^#/, '')}`;
    return guard.name || 'inline guard';
  }
  if (typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const shown = params && typeof params === 'object' ? Object.values(params).map(String).join(' ') : '';
    return shown ? `${String(type)} ${shown}` : String(type);
  }
  return 'guard';
}

function triggerOf(event: string): Pick<GraphTransition, 'trigger' | 'actor'> {
  if (event.startsWith(doneActorPrefix)) return { trigger: 'done', actor: event.slice(doneActorPrefix.length) };
  if (event.startsWith(errorActorPrefix)) return { trigger: 'error', actor: event.slice(errorActorPrefix.length) };
  return { trigger: 'event' };
}

/**
 * Walks `machine.root` and returns its states and transitions. `phiActors` names the actors that touch patient data
 * (default: the machine module's `phiActorNames`); a state invoking one is marked `phi`.
 */
export function buildCallGraph(machine: AnyStateMachine, options: { phiActors: readonly string[] }): CallGraph {
  const phiActors = new Set<string>(options.phiActors);
  const root = machine.root as unknown as StateNodeLike & { id: string };
  const pathOf = (node: { path: string[] }) => node.path.join('.');
  const states: GraphState[] = [];
  const transitions: GraphTransition[] = [];

  const addTransitions = (source: string, event: string, candidates: ReadonlyArray<TransitionLike>) => {
    for (const candidate of candidates) {
      const guard = guardName(candidate.guard);
      for (const target of candidate.target ?? []) {
        transitions.push({
          source,
          target: pathOf(target),
          ...(event === '' ? { trigger: 'always' as const } : triggerOf(event)),
          event,
          ...(guard ? { guard } : {}),
        });
      }
    }
  };

  const visit = (node: StateNodeLike, parent: string) => {
    const path = pathOf(node);
    if (node !== root) {
      const invokes = node.invoke.map((invoke) => (typeof invoke.src === 'string' ? invoke.src : invoke.id));
      const initialTarget = node.initial?.target[0];
      states.push({
        path,
        key: node.key,
        kind: node.type,
        parent,
        children: Object.values(node.states).map(pathOf),
        ...(node.type === 'compound' && initialTarget ? { initial: pathOf(initialTarget) } : {}),
        invokes,
        phi: invokes.some((name) => phiActors.has(name)),
      });
    }
    for (const [event, candidates] of node.transitions) addTransitions(path, event, candidates);
    addTransitions(path, '', node.always ?? []);
    for (const child of Object.values(node.states)) visit(child, path);
  };
  visit(root, '');

  const initialTarget = root.initial?.target[0];
  return { machineId: root.id, initial: initialTarget ? pathOf(initialTarget) : '', states, transitions };
}

/** A short label for a transition: "caller.spoke [heardYes]", "bookAppointment done", "[hasSpecialty]". */
export function transitionLabel(transition: GraphTransition): string {
  const guard = transition.guard ? `[${transition.guard}]` : '';
  const head =
    transition.trigger === 'always'
      ? ''
      : transition.trigger === 'done'
        ? `${transition.actor} done`
        : transition.trigger === 'error'
          ? `${transition.actor} failed`
          : transition.event.startsWith(delayedEventPrefix)
            ? `after ${transition.event.slice(delayedEventPrefix.length).split('.')[0]}`
            : transition.event;
  return [head, guard].filter(Boolean).join(' ') || 'always';
}

/** The innermost state containing both ends of a transition ("" = the machine); where a drawing nests the edge. */
export function transitionContainer(transition: Pick<GraphTransition, 'source' | 'target'>): string {
  const source = transition.source === '' ? [] : transition.source.split('.');
  const target = transition.target.split('.');
  const common: string[] = [];
  for (let index = 0; index < Math.min(source.length, target.length); index += 1) {
    if (source[index] !== target[index]) break;
    common.push(source[index]!);
  }
  // An edge that starts or ends at the container itself belongs to the container's parent.
  if (common.length === source.length || common.length === target.length) common.pop();
  return common.join('.');
}
