// `frontdesk paths`: the gating proof and the loop check as a command anyone can run on their own flow.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.ts';
import { pathsCommand } from '../../src/flow/paths-command.ts';

const run = (argv: string[]) => runCommand(pathsCommand, argv);

describe('frontdesk paths', () => {
  it('passes on the scheduling flow: every state visited, PHI only under verification, no question more than 3 times', async () => {
    const result = await run(['--flow', 'scheduling']);
    expect(result.stdout).toMatch(/^states: (\d+) of \1 visited$/m);
    // Transitions are reported, not required: the imagined clinics never fail some calls (e.g. verify_patient throwing).
    const [, taken, all] = /^transitions: (\d+) of (\d+) event transitions taken/m.exec(result.stdout) ?? [];
    expect(Number(taken)).toBeGreaterThan(Number(all) * 0.8);
    expect(result.stdout).toMatch(/\(never: .*call\.verification\.checking: xstate\.error\.actor\.verifyPatient/);
    expect(result.stdout).toMatch(/declared only under call\.verified: ok/);
    expect(result.stdout).toMatch(/always under call\.verified: ok/);
    // The loop guard's bound is reached (the third time a question changes strategy), never passed.
    expect(result.stdout).toMatch(/loop check: no question more than 3 times in a row \(longest 3\), every waiting turn asks something: ok/);
    expect(Number(/paths: ([\d,]+) waiting points/.exec(result.stdout)?.[1]?.replace(/,/g, ''))).toBeGreaterThan(5000);
    expect(result.stdout).toMatch(/result: pass/);
    expect(result.code).toBe(0);
  }, 240_000);

  it('fails on a flow that lists appointments before verification, naming the state', async () => {
    const result = await run(['--flow', join(import.meta.dirname, 'leaky-flow.ts')]);
    expect(result.stdout).toMatch(/listAppointments invoked in call\.greeting, outside call\.verified/);
    expect(result.stdout).toMatch(/result: FAILED/);
    expect(result.code).toBe(1);
  }, 240_000);

  it('refuses an unknown flow with the names it knows', async () => {
    const result = await run(['--flow', 'billing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown flow "billing"; choose one of: scheduling/);
  });
});
