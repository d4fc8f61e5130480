// `frontdesk graph [--flow NAME] [--format mermaid|svg]`: prints a flow's statechart, drawn from its machine definition.
import { parseArgs } from 'node:util';
import { loadFlow } from '../flow/catalogue.ts';
import { phiActorsOf } from '../flow/types.ts';
import { buildCallGraph } from './call-graph.ts';
import { renderMermaid } from './mermaid.ts';
import { renderSvg } from './svg.ts';

export const graphFormats = ['mermaid', 'svg'] as const;
export type GraphFormat = (typeof graphFormats)[number];

/** Runs the command; returns the exit code (0 printed, 2 bad usage with a message on stderr). */
export async function graphCommand(argv: string[], output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  let format: string;
  let flowName: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'mermaid' }, flow: { type: 'string' } }, strict: true });
    format = values.format;
    flowName = values.flow;
  } catch (error) {
    output.stderr.write(`frontdesk graph: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (!(graphFormats as readonly string[]).includes(format)) {
    output.stderr.write(`frontdesk graph: --format must be one of ${graphFormats.join(', ')} (got "${format}")\n`);
    return 2;
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
