// Finds a flow by its configured name in the catalogue (flows/index.ts): a clear error naming the choices when there is none.
import { defaultFlowName, flowCatalogue } from '../../flows/index.ts';
import { FrontdeskError } from '../errors.ts';
import type { Flow } from './types.ts';

/** Names a caller can pass to `--flow` or `FRONTDESK_FLOW`. */
export function flowNames(): string[] {
  return Object.keys(flowCatalogue);
}

/** The flow of that name (default: the catalogue's default). Throws CONFIG_INVALID for an unknown name. */
export async function loadFlow(name: string = defaultFlowName): Promise<Flow> {
  const load = flowCatalogue[name];
  if (!load) throw new FrontdeskError('CONFIG_INVALID', `unknown flow "${name}"; choose one of: ${flowNames().join(', ')}`, { retryable: false });
  return load();
}
