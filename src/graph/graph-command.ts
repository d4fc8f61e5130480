// `frontdesk graph [--flow NAME | --machine turn-taking] [--format mermaid|svg]`: prints a flow's statechart, or an engine machine's, drawn from its machine definition.
import { parseArgs } from 'node:util';
import type { AnyStateMachine } from 'xstate';
import { turnTakingMachine } from '../../machines/turn-taking.ts';
import { loadFlow } from '../flow/catalogue.ts';
import { phiActorsOf } from '../flow/types.ts';
import { buildCallGraph } from './call-graph.ts';
import { renderMermaid } from './mermaid.ts';
import { renderSvg } from './svg.ts';

export const graphFormats = ['mermaid', 'svg'] as const;
export type GraphFormat = (typeof graphFormats)[number];

/** The engine's own machines `--machine` can draw, by name (a flow's call machine is drawn with `--flow`). */
export const engineMachines: Readonly<Record<string, AnyStateMachine>> = Object.freeze({ 'turn-taking': turnTakingMachine });

/** Runs the command; returns the exit code (0 printed, 2 bad usage with a message on stderr). */
export async function graphCommand(argv: string[], output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  let format: string;
  let flowName: string | undefined;
  let machineName: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'mermaid' }, flow: { type: 'string' }, machine: { type: 'string' } }, strict: true });
    format = values.format;
    flowName = values.flow;
    machineName = values.machine;
  } catch (error) {
    output.stderr.write(`frontdesk graph: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (!(graphFormats as readonly string[]).includes(format)) {
    output.stderr.write(`frontdesk graph: --format must be one of ${graphFormats.join(', ')} (got "${format}")\n`);
    return 2;
  }
  if (machineName !== undefined) {
    const machine = engineMachines[machineName];
    if (flowName !== undefined || !machine) {
      output.stderr.write(
        flowName !== undefined
          ? 'frontdesk graph: --machine and --flow draw different machines; give one\n'
          : `frontdesk graph: --machine must be one of ${Object.keys(engineMachines).join(', ')} (got "${machineName}")\n`,
      );
      return 2;
    }
    // The engine's machines invoke no actors, so none touches patient data.
    const graph = buildCallGraph(machine, { phiActors: [] });
    output.stdout.write(format === 'svg' ? await renderSvg(graph) : renderMermaid(graph));
    return 0;
  }
  let flow;
  try {
    flow = await loadFlow(flowName);
  } catch (error) {
    output.stderr.write(`frontdesk graph: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const graph = buildCallGraph(flow.machine, { phiActors: phiActorsOf(flow) });
  output.stdout.write(format === 'svg' ? await renderSvg(graph) : renderMermaid(graph));
  return 0;
}
