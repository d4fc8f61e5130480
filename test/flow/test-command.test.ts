// `frontdesk test`: scenario files run on a fresh EHR each, with a readable difference for an expectation that does not hold.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';
import { testCommand } from '../../src/flow/test-command.ts';

const scenarios = join(import.meta.dirname, '../../fixtures/scenarios');

const run = (argv: string[]) => runCommand(testCommand, argv);

describe('frontdesk test', () => {
  it('passes on every fixture scenario', async () => {
    const files = readdirSync(scenarios).filter((file) => file.endsWith('.json')).map((file) => join(scenarios, file));
    const result = await run(files);
    expect(result.stdout).toContain(`${files.length} passed, 0 failed (flow scheduling)`);
    expect(result.code).toBe(0);
  }, 120_000);

  it('fails with what was expected and what happened when an expectation is wrong', async () => {
    const scenario = JSON.parse(readFileSync(join(scenarios, 'happy-booking.json'), 'utf8')) as { expect: Record<string, unknown> };
    scenario.expect.end = 'handoff';
    scenario.expect.upcoming = { P1001: [{ providerId: 'D03', start: '2026-12-09T10:00' }] };
    const file = join(mkdtempSync(join(tmpdir(), 'frontdesk-test-command-')), 'wrong.json');
    writeFileSync(file, JSON.stringify(scenario));
    const result = await run([file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✗ ${file}`);
    expect(result.stdout).toContain('end: expected handoff, actual completed');
    expect(result.stdout).toContain('EHR upcoming for P1001: expected [{"providerId":"D03","start":"2026-12-09T10:00"}], actual [{"providerId":"D03","start":"2026-12-09T09:30"}]');
    expect(result.stdout).toContain('0 passed, 1 failed');
  }, 60_000);

  it('refuses a file that is not a scenario', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'frontdesk-test-command-')), 'not.json');
    writeFileSync(file, '{"steps": 3}');
    const result = await run([file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a scenario file/);
  });
});
