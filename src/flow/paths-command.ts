// `frontdesk paths [--flow NAME|PATH]`: walks a flow's graph and prints the gating proof and the loop check anyone can run on their own flow.
import { parseArgs } from 'node:util';
import { loadFlow } from './catalogue.ts';
import { declaredGatingViolations, exploreFlow, maxAsksInARow } from './explore.ts';
import { phiActorsOf } from './types.ts';

type Output = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const number = (value: number) => value.toLocaleString('en-US');

/** Runs the command; returns the exit code: 0 every check passed, 1 a check failed, 2 bad usage. */
export async function pathsCommand(argv: string[], output: Output = process): Promise<number> {
  let flowName: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { flow: { type: 'string' } }, strict: true });
    flowName = values.flow;
  } catch (error) {
    output.stderr.write(`frontdesk paths: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let flow;
  try {
    flow = await loadFlow(flowName);
  } catch (error) {
    output.stderr.write(`frontdesk paths: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const write = (line: string) => output.stdout.write(`${line}\n`);
  const phi = phiActorsOf(flow);
  const declared = declaredGatingViolations(flow);
  const walk = exploreFlow(flow);
  const worlds = flow.exploration.worlds.map((world) => world.name).join('; ');

  write(`flow ${flow.name}: ${flow.description}`);
  write(`states: ${walk.statesVisited} of ${walk.states} visited${walk.unvisited.length > 0 ? ` (never reached: ${walk.unvisited.join(', ')})` : ''}`);
  write(`transitions: ${walk.transitionsTaken} of ${walk.transitions} event transitions taken${walk.untaken.length > 0 ? ` (never: ${walk.untaken.slice(0, 5).join('; ')}${walk.untaken.length > 5 ? `; and ${walk.untaken.length - 5} more` : ''})` : ''}`);
  write(`paths: ${number(walk.vertices)} waiting points, each reached by one shortest path; ${number(walk.turns)} caller turns tried in ${flow.exploration.worlds.length} world${flow.exploration.worlds.length === 1 ? '' : 's'} (${worlds})`);
  write(`PHI actors: ${phi.join(', ') || 'none'}`);
  write(`  declared only under ${flow.verifiedStateId}: ${declared.length === 0 ? 'ok' : 'FAILED'}`);
  for (const violation of declared) write(`    ${violation}`);
  write(`  run ${number(walk.phiSteps)} times in the walk, always under ${flow.verifiedStateId}: ${walk.gatingViolations.length === 0 ? 'ok' : 'FAILED'}`);
  for (const violation of walk.gatingViolations.slice(0, 5)) write(`    ${violation}`);
  write(`loop check: no question more than ${maxAsksInARow} times in a row (longest ${walk.longestRun}), every waiting turn asks something: ${walk.loopViolations.length === 0 ? 'ok' : 'FAILED'}`);
  for (const violation of walk.loopViolations.slice(0, 5)) write(`    ${violation}`);
  const passed = declared.length === 0 && walk.gatingViolations.length === 0 && walk.loopViolations.length === 0;
  write(passed ? 'result: pass' : 'result: FAILED');
  return passed ? 0 : 1;
}
