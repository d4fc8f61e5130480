// The flow catalogue: every flow this checkout ships, by the name `--flow` and `FRONTDESK_FLOW` use. The engine reads this list; it names no flow itself.
import type { Flow } from '../src/flow/types.ts';

export const flowCatalogue: Readonly<Record<string, () => Promise<Flow>>> = {
  scheduling: async () => (await import('./scheduling/index.ts')).schedulingFlow,
};

/** The flow a line runs when none is configured. */
export const defaultFlowName = 'scheduling';
