// Finds a flow by its configured name in the catalogue (flows/index.ts), or loads a developer's own flow module by path; a clear error when there is none.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultFlowName, defaultScenarioFlowName, flowCatalogue } from '../../flows/index.ts';
import { FrontdeskError } from '../errors.ts';
import type { Flow } from './types.ts';

/** The flow a scenario file runs when it names none. */
export { defaultScenarioFlowName };

/** Names a caller can pass to `--flow` or `FRONTDESK_FLOW`. */
export function flowNames(): string[] {
  return Object.keys(flowCatalogue);
}

const looksLikePath = (name: string) => /[/\\]|\.[cm]?[jt]s$/.test(name);

/**
 * The flow of that name (default: the catalogue's default), or the default export (or `flow` export) of a module when
 * given a path such as `./my-flow/index.ts`. Throws CONFIG_INVALID for an unknown name or a module without a flow.
 */
export async function loadFlow(name: string = defaultFlowName): Promise<Flow> {
  if (looksLikePath(name)) {
    let module: { default?: unknown; flow?: unknown };
    try {
      module = (await import(pathToFileURL(resolve(name)).href)) as typeof module;
    } catch (error) {
      throw new FrontdeskError('CONFIG_INVALID', `cannot load the flow module ${name}`, { cause: error, retryable: false });
    }
    const flow = (module.default ?? module.flow) as Partial<Flow> | undefined;
    if (!flow || typeof flow !== 'object' || !flow.machine || !flow.tools) {
      throw new FrontdeskError('CONFIG_INVALID', `${name} exports no flow (a default export or "flow" of the Flow type)`, { retryable: false });
    }
    return flow as Flow;
  }
  const load = flowCatalogue[name];
  if (!load) throw new FrontdeskError('CONFIG_INVALID', `unknown flow "${name}"; choose one of: ${flowNames().join(', ')}, or a path to a flow module`, { retryable: false });
  return load();
}
