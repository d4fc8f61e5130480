// `frontdesk graph [--format mermaid|svg]`: prints the call statechart, drawn from the machine definition.
import { parseArgs } from 'node:util';
import { buildCallGraph } from './call-graph.ts';
import { renderMermaid } from './mermaid.ts';
import { renderSvg } from './svg.ts';

export const graphFormats = ['mermaid', 'svg'] as const;
export type GraphFormat = (typeof graphFormats)[number];

/** Runs the command; returns the exit code (0 printed, 2 bad usage with a message on stderr). */
export async function graphCommand(argv: string[], output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  let format: string;
  try {
    const { values } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'mermaid' } }, strict: true });
    format = values.format;
  } catch (error) {
    output.stderr.write(`frontdesk graph: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (!(graphFormats as readonly string[]).includes(format)) {
    output.stderr.write(`frontdesk graph: --format must be one of ${graphFormats.join(', ')} (got "${format}")\n`);
    return 2;
  }
  const graph = buildCallGraph();
  output.stdout.write(format === 'svg' ? await renderSvg(graph) : renderMermaid(graph));
  return 0;
}
