// The flows a server offers for a new call (the catalogue's, and the configured one), loaded once, with their path coverage walked once per flow in a worker.
import { flowNames, loadFlow } from '../flow/catalogue.ts';
import { coverageInWorker, type FlowCoverage } from '../flow/coverage.ts';
import type { Flow } from '../flow/types.ts';
import type { Logger } from '../log.ts';

export interface FlowChoice {
  name: string;
  description: string;
  flow: Flow;
}

export type CoverageState = { status: 'computing' } | { status: 'ready'; coverage: FlowCoverage } | { status: 'failed'; message: string };

export interface FlowChoices {
  /** The flow a call runs when none is asked for: the runtime's (FRONTDESK_FLOW). */
  readonly defaultName: string;
  /** Resolves once every flow is loaded; routes wait for it when they register. */
  ready(): Promise<void>;
  list(): FlowChoice[];
  get(name: string): FlowChoice | undefined;
  /** The flow's coverage; the first ask starts the walk (in a worker) and answers `computing` until it is done. */
  coverage(name: string): CoverageState | undefined;
  /** Stops the walks this server started that are still running (they are not cached). */
  close(): void;
}

export interface FlowChoicesOptions {
  /** The runtime's flow and what loaded it (a catalogue name or a module path; default its name). */
  defaultFlow: { flow: Flow; spec?: string };
  /** Flow name → what `loadFlow` loads it from; default every catalogue flow. */
  specs?: Readonly<Record<string, string>>;
  logger: Logger;
  /** Default: the walk in a worker thread. */
  computeCoverage?: (spec: string, options: { signal: AbortSignal }) => Promise<FlowCoverage>;
}

// One walk per flow in the process, whichever app asks: it costs seconds of a core.
const coverageBySpec = new Map<string, CoverageState>();

export function createFlowChoices(options: FlowChoicesOptions): FlowChoices {
  const defaultName = options.defaultFlow.flow.name;
  const specs: Record<string, string> = { ...(options.specs ?? Object.fromEntries(flowNames().map((name) => [name, name]))) };
  // The server's own flow is walked from where it was loaded (a path can carry a catalogue flow's name).
  specs[defaultName] = options.defaultFlow.spec ?? specs[defaultName] ?? defaultName;
  const choices = new Map<string, FlowChoice>();
  const compute = options.computeCoverage ?? coverageInWorker;
  const running = new Set<AbortController>();
  const loaded = Promise.all(
    Object.entries(specs).map(async ([name, spec]) => {
      try {
        const flow = name === defaultName ? options.defaultFlow.flow : await loadFlow(spec);
        choices.set(name, { name, description: flow.description, flow });
      } catch (error) {
        // A flow that does not load is not offered; the others still are.
        options.logger.warn({ flow: name, err: error }, 'flow not offered: it does not load');
      }
    }),
  ).then(() => {});

  return {
    defaultName,
    ready: () => loaded,
    list: () => Object.keys(specs).flatMap((name) => choices.get(name) ?? []),
    get: (name) => choices.get(name),
    coverage(name) {
      const spec = specs[name];
      if (spec === undefined || !choices.has(name)) return undefined;
      const known = coverageBySpec.get(spec);
      if (known) return known;
      coverageBySpec.set(spec, { status: 'computing' });
      const walk = new AbortController();
      running.add(walk);
      compute(spec, { signal: walk.signal }).then(
        (coverage) => coverageBySpec.set(spec, { status: 'ready', coverage }),
        (error: unknown) => {
          if (walk.signal.aborted) {
            coverageBySpec.delete(spec);
            return;
          }
          const message = error instanceof Error ? error.message : String(error);
          options.logger.warn({ flow: name, err: { message } }, 'flow coverage walk failed');
          coverageBySpec.set(spec, { status: 'failed', message });
        },
      ).finally(() => running.delete(walk));
      return { status: 'computing' };
    },
    close() {
      for (const walk of running) walk.abort(new Error('the server closed'));
    },
  };
}
