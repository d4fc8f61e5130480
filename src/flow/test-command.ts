// `frontdesk test [--flow NAME|PATH] FILE…`: runs scenario files (each on the flow it names, or --flow's) on a fresh SQLite EHR and audit file each, and prints what differed for each that failed.
import { parseArgs } from 'node:util';
import { defaultScenarioFlowName, loadFlow } from './catalogue.ts';
import { loadScenario, runScenario, scenarioDifferences, type Scenario } from './scenario.ts';

type Output = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Runs the command; returns the exit code: 0 every scenario passed, 1 one failed, 2 bad usage or a file that cannot be read. */
export async function testCommand(argv: string[], output: Output = process): Promise<number> {
  const fail = (message: string) => {
    output.stderr.write(`frontdesk test: ${message}\n`);
    return 2;
  };
  let files: string[];
  let flowName: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { flow: { type: 'string' } }, strict: true, allowPositionals: true });
    files = positionals;
    flowName = values.flow;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (files.length === 0) return fail('usage: frontdesk test [--flow NAME|PATH] FILE…');
  const scenarios: Array<{ file: string; scenario: Scenario }> = [];
  for (const file of files) {
    try {
      scenarios.push({ file, scenario: loadScenario(file) });
    } catch (error) {
      return fail(`${file} is not a scenario file: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  // --flow runs every file on that flow; without it each scenario runs the flow it names (default scheduling).
  let flow;
  const flowsRun = new Set<string>();
  try {
    if (flowName !== undefined) flow = await loadFlow(flowName);
    for (const { scenario } of scenarios) if (!flow) await loadFlow(scenario.flow ?? defaultScenarioFlowName);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  let failed = 0;
  for (const { file, scenario } of scenarios) {
    flowsRun.add(flow?.name ?? scenario.flow ?? defaultScenarioFlowName);
    const differences = scenarioDifferences(scenario, await runScenario(scenario, flow ? { flow } : {}));
    if (differences.length === 0) {
      output.stdout.write(`✓ ${file}: ${scenario.description}\n`);
      continue;
    }
    failed += 1;
    output.stdout.write(`✗ ${file}: ${scenario.description}\n${differences.map((line) => `    ${line}\n`).join('')}`);
  }
  const names = [...flowsRun];
  output.stdout.write(`\n${scenarios.length - failed} passed, ${failed} failed (flow${names.length === 1 ? '' : 's'} ${names.join(', ')})\n`);
  return failed === 0 ? 0 : 1;
}
