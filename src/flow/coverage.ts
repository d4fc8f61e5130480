// A flow's path coverage as data (what `frontdesk paths` prints), computed in a worker thread: the walk takes seconds of CPU that a server's calls cannot give up.
import { Worker } from 'node:worker_threads';
import { declaredGatingViolations, exploreFlow, maxAsksInARow } from './explore.ts';
import { phiActorsOf, type Flow } from './types.ts';

/** How much of a flow the walk of `frontdesk paths` covered, and whether the gating proof and the loop check hold. */
export interface FlowCoverage {
  flow: string;
  description: string;
  /** State ids visited, of all (transient states not counted). */
  statesVisited: number;
  states: number;
  unvisited: string[];
  /** Event transitions of the definition taken in the walk, of all (eventless ones not counted), and the first few never taken. */
  transitionsTaken: number;
  transitions: number;
  untaken: string[];
  /** Distinct waiting points reached, each by one shortest path. */
  waitingPoints: number;
  /** Caller turns tried, over every world. */
  turns: number;
  worlds: string[];
  phiActors: string[];
  verifiedStateId: string;
  /** Steps of the walk at which a PHI actor ran. */
  phiSteps: number;
  /** PHI actors declared or run outside the verified state (the first few). */
  gatingViolations: string[];
  gatingOk: boolean;
  maxAsksInARow: number;
  longestRun: number;
  loopViolations: string[];
  loopOk: boolean;
  /** Wall time of the walk, ms. */
  durationMs: number;
}

/** Walks the flow (synchronously, on this thread) and sums it up. */
export function computeCoverage(flow: Flow): FlowCoverage {
  const startedAt = performance.now();
  const declared = declaredGatingViolations(flow);
  const walk = exploreFlow(flow);
  const gatingViolations = [...declared, ...walk.gatingViolations];
  return {
    flow: flow.name,
    description: flow.description,
    statesVisited: walk.statesVisited,
    states: walk.states,
    unvisited: walk.unvisited,
    transitionsTaken: walk.transitionsTaken,
    transitions: walk.transitions,
    untaken: walk.untaken.slice(0, 10),
    waitingPoints: walk.vertices,
    turns: walk.turns,
    worlds: flow.exploration.worlds.map((world) => world.name),
    phiActors: phiActorsOf(flow),
    verifiedStateId: flow.verifiedStateId,
    phiSteps: walk.phiSteps,
    gatingViolations: gatingViolations.slice(0, 5),
    gatingOk: gatingViolations.length === 0,
    maxAsksInARow,
    longestRun: walk.longestRun,
    loopViolations: walk.loopViolations.slice(0, 5),
    loopOk: walk.loopViolations.length === 0,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

/**
 * The coverage of the flow `loadFlow(flow)` loads (a catalogue name or a module path), walked in a worker thread at low
 * priority so the calls on this thread keep their turns. Rejects with the worker's error message.
 */
export function coverageInWorker(flow: string, options: { signal?: AbortSignal } = {}): Promise<FlowCoverage> {
  options.signal?.throwIfAborted();
  const worker = new Worker(new URL('./coverage-worker-entry.js', import.meta.url), { workerData: { flow } });
  const stop = () => void worker.terminate();
  options.signal?.addEventListener('abort', stop, { once: true });
  return new Promise<FlowCoverage>((resolve, reject) => {
    worker.once('message', (message: { coverage?: FlowCoverage; error?: string }) => {
      if (message.coverage) resolve(message.coverage);
      else reject(new Error(message.error ?? 'the coverage worker sent nothing'));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(options.signal?.aborted ? options.signal.reason : new Error(`the coverage worker exited with code ${code}`)));
  }).finally(() => options.signal?.removeEventListener('abort', stop));
}
