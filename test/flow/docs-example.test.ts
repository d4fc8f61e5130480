// The "write your own flow" walk-through in docs/flows.md, built from the page itself and run through `frontdesk paths` and `frontdesk test`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';
import { pathsCommand } from '../../src/flow/paths-command.ts';
import { testCommand } from '../../src/flow/test-command.ts';

const page = readFileSync(join(import.meta.dirname, '../../docs/flows.md'), 'utf8');
const block = (language: string, startsWith: string) => {
  const found = [...page.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!).find((code) => code.startsWith(startsWith));
  if (!found) throw new Error(`docs/flows.md has no ${language} block starting with ${startsWith}`);
  return found;
};

// Inside the repository, so the page's `from 'frontdesk'` and `from 'xstate'` resolve as they would in a checkout.
const directory = join(import.meta.dirname, '.generated', 'hours');
const flowFile = join(directory, 'index.ts');
const scenarioFile = join(directory, 'hours.json');

async function run(command: typeof pathsCommand, argv: string[]) {
  const result = await runCommand(command, argv);
  return { code: result.code, text: result.stdout + result.stderr };
}

describe('docs/flows.md: write your own flow', () => {
  mkdirSync(directory, { recursive: true });
  writeFileSync(flowFile, block('ts', '// flows/hours/index.ts'));
  writeFileSync(scenarioFile, block('json', '{'));

  it('passes frontdesk paths: every state visited, no PHI actor, no question more than 3 times', async () => {
    const result = await run(pathsCommand, ['--flow', flowFile]);
    expect(result.text).toMatch(/^states: (\d+) of \1 visited$/m);
    expect(result.text).toMatch(/result: pass/);
    expect(result.code).toBe(0);
  });

  it('passes frontdesk test with the page scenario', async () => {
    const result = await run(testCommand, ['--flow', flowFile, scenarioFile]);
    expect(result.text).toContain('1 passed, 0 failed (flow hours)');
    expect(result.code).toBe(0);
  });
});
