// The flow catalogue: every flow this checkout ships, by the name `--flow` and `FRONTDESK_FLOW` use. The engine reads this list; it names no flow itself.
import type { Flow } from '../src/flow/types.ts';

export const flowCatalogue: Readonly<Record<string, () => Promise<Flow>>> = {
  scheduling: async () => (await import('./scheduling/index.ts')).schedulingFlow,
  refill: async () => (await import('./refill/index.ts')).refillFlow,
  clinic: async () => (await import('./clinic/index.ts')).clinicFlow,
};

/** The flow a line runs when none is configured: the clinic line, scheduling and refills after one verification. */
export const defaultFlowName = 'clinic';

/** The flow a scenario file runs when it names none (the scenarios written before refills existed are scheduling calls). */
export const defaultScenarioFlowName = 'scheduling';
