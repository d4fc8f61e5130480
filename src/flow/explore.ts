// Walks a flow's graph breadth-first with pure transitions: caller turns from every waiting point, the EHR answering from fixed "worlds"; checks PHI gating and the loop guard on every step.
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateNode, type EventObject } from 'xstate';

type TransitionDefinition = AnyStateNode['transitions'] extends Map<string, Array<infer Definition>> ? Definition : never;
import { phiActorsOf, type Flow, type FlowWorld } from './types.ts';

/** No question may be heard more than this many times in a row. */
export const maxAsksInARow = 3;

export interface Exploration {
  /** Distinct waiting points reached (state, counters, the question last heard and how many times in a row). */
  vertices: number;
  /** Caller turns tried: every event of the alphabet from every waiting point, in every world. */
  turns: number;
  /** State ids visited, of all the machine's state ids (transient states, which a step passes through, not counted). */
  statesVisited: number;
  states: number;
  /** Steps at which a PHI actor ran. */
  phiSteps: number;
  /** PHI actors running outside the verified state, with the way there. */
  gatingViolations: string[];
  /** Questions heard more than `maxAsksInARow` times in a row, and turns that left the caller waiting with no question. */
  loopViolations: string[];
  /** The most times one question was heard in a row. */
  longestRun: number;
  /** State ids never visited (dead or unreachable with this alphabet). */
  unvisited: string[];
  /** Event transitions of the machine's definition taken at least once (caller events and actor answers; eventless and delayed ones not counted). */
  transitionsTaken: number;
  transitions: number;
  /** Event transitions never taken, as "state id: event type (n-th candidate)". */
  untaken: string[];
}

function activeNodes(snapshot: AnyMachineSnapshot): AnyStateNode[] {
  return (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
}

function invokedActors(snapshot: AnyMachineSnapshot): Array<{ id: string; src: string; stateId: string }> {
  return activeNodes(snapshot).flatMap((node) =>
    node.invoke.map((invoke) => ({ id: invoke.id, src: typeof invoke.src === 'string' ? invoke.src : invoke.id, stateId: node.id })),
  );
}

function said(actions: ReadonlyArray<{ type: string; params?: unknown }>): string[] {
  return actions.flatMap((action) => {
    if (action.type !== 'xstate.emit') return [];
    const event = (action.params as { event?: { type: string; key: string } } | undefined)?.event;
    return event?.type === 'agent.say' ? [event.key] : [];
  });
}

/** Every state id but transient ones (only eventless transitions out): a step passes through those without stopping. */
function allStateIds(node: AnyStateNode): string[] {
  const transient = node.type === 'atomic' && node.always !== undefined && node.always.length > 0 && [...node.transitions.keys()].length === 0;
  return [...(transient ? [] : [node.id]), ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allStateIds)];
}

interface Step {
  snapshot: AnyMachineSnapshot;
  lines: string[];
  /** PHI actors that ran during the step, with the state invoking each. */
  phi: Array<{ src: string; stateId: string }>;
  visited: string[];
}

/** Every event transition of the machine's definition (not eventless `always` ones), by state. */
function eventTransitions(node: AnyStateNode): TransitionDefinition[] {
  const own = [...(node.transitions as Map<string, TransitionDefinition[]>).values()].flat();
  return [...own, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(eventTransitions)];
}

/** Notes which transitions of the definition `event` takes from `snapshot` (when a set to note them in is given). */
function noteTaken(flow: Flow, snapshot: AnyMachineSnapshot, event: EventObject, taken?: Set<TransitionDefinition>): void {
  if (!taken) return;
  for (const definition of flow.machine.getTransitionData(snapshot as never, event) as TransitionDefinition[]) taken.add(definition);
}

/** One caller event, then the world's EHR answers until the call waits for the caller again (or ends). */
export function step(flow: Flow, snapshot: AnyMachineSnapshot, event: EventObject, world: FlowWorld, taken?: Set<TransitionDefinition>): Step {
  const phiActors = new Set(phiActorsOf(flow));
  noteTaken(flow, snapshot, event, taken);
  let [next, actions] = transition(flow.machine, snapshot, event);
  const lines = said(actions);
  const phi: Step['phi'] = [];
  const visited = activeNodes(next).map((node) => node.id);
  for (let hop = 0; hop < 16 && next.status === 'active'; hop += 1) {
    const invoked = invokedActors(next);
    for (const actor of invoked) if (phiActors.has(actor.src)) phi.push(actor);
    const first = invoked[0];
    if (!first) break;
    const answer = world.answers[first.src];
    if (!answer) throw new Error(`world "${world.name}" has no answer for actor ${first.src}`);
    const outcome = answer(next.context);
    const reply = 'output' in outcome ? { type: `xstate.done.actor.${first.id}`, output: outcome.output } : { type: `xstate.error.actor.${first.id}`, error: outcome.error };
    noteTaken(flow, next, reply, taken);
    [next, actions] = transition(flow.machine, next, reply);
    lines.push(...said(actions));
    visited.push(...activeNodes(next).map((node) => node.id));
  }
  return { snapshot: next, lines, phi, visited };
}

/** The questions a caller hears over a whole call, in order. */
export function questionsHeard(flow: Flow, events: EventObject[], world: FlowWorld): string[] {
  let [snapshot, actions] = initialTransition(flow.machine, flow.input({ sessionId: 'explore', today: flow.exploration.today }));
  const lines = said(actions);
  for (const event of events) {
    const result = step(flow, snapshot, event, world);
    snapshot = result.snapshot;
    lines.push(...result.lines);
  }
  return lines.filter((key) => flow.questions.has(key));
}

const describeEvent = (event: EventObject) => JSON.stringify(event).slice(0, 140);

function describeTransition(definition: TransitionDefinition): string {
  const candidates = (definition.source.transitions as Map<string, TransitionDefinition[]>).get(definition.eventType) ?? [];
  const position = candidates.length > 1 ? ` (candidate ${candidates.indexOf(definition) + 1} of ${candidates.length})` : '';
  return `${definition.source.id}: ${definition.eventType}${position}`;
}

/**
 * Breadth-first over every sequence of the flow's caller events in each of its worlds. A vertex is the state, what
 * the flow says matters (`exploration.vertex`), and the question last heard with how many times in a row, so any
 * sequence, identical events included, that makes one question heard a fourth time in a row is found.
 */
export function exploreFlow(flow: Flow, options: { maxVertices?: number; worlds?: FlowWorld[] } = {}): Exploration {
  const maxVertices = options.maxVertices ?? 5000;
  const verifiedPrefix = `${flow.verifiedStateId}.`;
  const underVerified = (stateId: string) => stateId === flow.verifiedStateId || stateId.startsWith(verifiedPrefix);
  const awaiting = (snapshot: AnyMachineSnapshot) => snapshot.status === 'active' && flow.expectation(snapshot).slots.length > 0;
  const stateIds = allStateIds(flow.machine.root).filter((id) => id !== flow.machine.root.id);
  const visitedStates = new Set<string>();
  const taken = new Set<TransitionDefinition>();
  const gatingViolations: string[] = [];
  const loopViolations: string[] = [];
  let vertices = 0;
  let turns = 0;
  let phiSteps = 0;
  let longestRun = 0;

  for (const world of options.worlds ?? flow.exploration.worlds) {
    const [initial, actions] = initialTransition(flow.machine, flow.input({ sessionId: 'explore', today: flow.exploration.today }));
    for (const node of activeNodes(initial)) visitedStates.add(node.id);
    const opening = said(actions).filter((key) => flow.questions.has(key));
    type Vertex = { snapshot: AnyMachineSnapshot; question?: string; run: number; path: string[] };
    const keyOf = (vertex: Vertex) => JSON.stringify([vertex.snapshot.value, vertex.question, vertex.run, flow.exploration.vertex(vertex.snapshot.context)]);
    const queue: Vertex[] = [{ snapshot: initial, question: opening.at(-1), run: opening.length > 0 ? 1 : 0, path: [] }];
    const seen = new Set([keyOf(queue[0]!)]);
    for (let index = 0; index < queue.length && seen.size <= maxVertices; index += 1) {
      const vertex = queue[index]!;
      for (const event of flow.exploration.callerEvents) {
        turns += 1;
        const result = step(flow, vertex.snapshot, event, world, taken);
        for (const id of result.visited) visitedStates.add(id);
        const way = () => `${[...vertex.path, describeEvent(event)].join(' → ')} (${world.name})`;
        for (const actor of result.phi) {
          phiSteps += 1;
          if (!underVerified(actor.stateId)) gatingViolations.push(`${actor.src} invoked in ${actor.stateId}, outside ${flow.verifiedStateId}, via ${way()}`);
        }
        let { question, run } = vertex;
        for (const key of result.lines) {
          if (!flow.questions.has(key)) continue;
          run = key === question ? run + 1 : 1;
          question = key;
          longestRun = Math.max(longestRun, run);
          if (run > maxAsksInARow) loopViolations.push(`'${key}' heard ${run} times in a row via ${way()}`);
        }
        if (!awaiting(result.snapshot)) continue;
        // A caller left waiting must be asked something: "sorry, I didn't catch that" alone is a dead end.
        if (!result.lines.some((key) => flow.questions.has(key))) loopViolations.push(`no question in reply, via ${way()}`);
        const next: Vertex = { snapshot: result.snapshot, question, run, path: [...vertex.path, describeEvent(event)].slice(-8) };
        const key = keyOf(next);
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(next);
        }
      }
    }
    vertices += seen.size;
  }
  const allTransitions = eventTransitions(flow.machine.root);
  return {
    vertices,
    turns,
    statesVisited: stateIds.filter((id) => visitedStates.has(id)).length,
    states: stateIds.length,
    phiSteps,
    gatingViolations,
    loopViolations,
    longestRun,
    unvisited: stateIds.filter((id) => !visitedStates.has(id)),
    transitionsTaken: allTransitions.filter((definition) => taken.has(definition)).length,
    transitions: allTransitions.length,
    untaken: allTransitions.filter((definition) => !taken.has(definition)).map(describeTransition),
  };
}

/** PHI actors declared (invoked) by a state outside the flow's verified state: the structural half of the proof. */
export function declaredGatingViolations(flow: Flow): string[] {
  const phi = new Set(phiActorsOf(flow));
  const verifiedPrefix = `${flow.verifiedStateId}.`;
  const violations: string[] = [];
  const visit = (node: AnyStateNode) => {
    for (const invoke of node.invoke) {
      const src = typeof invoke.src === 'string' ? invoke.src : invoke.id;
      if (phi.has(src) && node.id !== flow.verifiedStateId && !node.id.startsWith(verifiedPrefix)) {
        violations.push(`${src} invoked in ${node.id}, outside ${flow.verifiedStateId}`);
      }
    }
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) visit(child);
  };
  visit(flow.machine.root);
  return violations;
}
