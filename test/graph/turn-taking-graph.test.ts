// `frontdesk graph --machine turn-taking` draws the turn-taking machine from its definition: its regions, its named delays, its guards by name.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { turnTakingMachine } from '../../machines/turn-taking.ts';
import { buildCallGraph } from '../../src/graph/call-graph.ts';
import { graphCommand } from '../../src/graph/graph-command.ts';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function graph(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await graphCommand(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('frontdesk graph --machine turn-taking', () => {
  it('prints every state of the turn-taking machine as Mermaid, with its delays named', async () => {
    const run = await graph(['--machine', 'turn-taking']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(run.stdout).toContain('The "turn-taking" statechart');
    const paths = buildCallGraph(turnTakingMachine, { phiActors: [] }).states.map((state) => state.path);
    expect(paths).toEqual(expect.arrayContaining(['live.agent.speaking', 'live.caller.overAgent.voiced', 'live.caller.speaking.valueStable', 'live.keypad.entry', 'live.answer.pending', 'live.silence.counting']));
    for (const path of paths) expect(run.stdout).toMatch(new RegExp(`as ${path.replaceAll('.', '_')}( \\{)?\n`));
    for (const delay of ['noInput', 'keypadGap', 'bargeInSpeech', 'endpointingStable', 'endpointingPause']) expect(run.stdout).toContain(`: after ${delay}`);
    expect(run.stdout).toContain('speech.started [in agentSpeaking]');
    expect(run.stdout).toContain('[not answerPending]');
  });

  it('draws it as SVG too', async () => {
    const run = await graph(['--machine', 'turn-taking', '--format', 'svg']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('<svg');
    expect(run.stdout).toContain('The "turn-taking" statechart');
  });

  it('names the machines it knows when given another, and refuses --flow with --machine', async () => {
    const unknown = await graph(['--machine', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--machine must be one of turn-taking (got "nope")');
    const both = await graph(['--machine', 'turn-taking', '--flow', 'scheduling']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
  });

  it('says so in frontdesk graph --help', () => {
    const root = join(import.meta.dirname, '../..');
    const result = spawnSync(process.execPath, [join(root, 'bin/frontdesk.js'), 'graph', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('--machine turn-taking');
  });
});
