// `frontdesk <command> --help` as a user runs it: every command prints its own usage and exits 0, doing nothing else.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandNames } from '../../src/cli.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/frontdesk.js');

function frontdesk(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('frontdesk <command> --help', () => {
  it('knows the commands a newcomer reads about', () => {
    expect([...commandNames].sort()).toEqual(['audit', 'call', 'chat', 'ehr', 'graph', 'help', 'paths', 'replay', 'serve', 'test']);
  });

  it.each([...commandNames])('%s --help prints that command\'s usage and exits 0', (name) => {
    const run = frontdesk([name, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^usage: frontdesk ${name}\\b`));
  });

  it('takes -h and --help after other options too, without running the command', () => {
    // serve would otherwise listen, and call would complain that --in is missing.
    for (const args of [['serve', '--port', '0', '-h'], ['call', '--jsonl', '--help'], ['audit', 'verify', '--help']]) {
      const run = frontdesk(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^usage: frontdesk ${args[0]}\\b`));
    }
  });

  it('npx frontdesk --help runs without an npm warning (no unknown key in .npmrc)', () => {
    const result = spawnSync('npx', ['frontdesk', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/npm warn/i);
  });

  it('still prints the whole usage for frontdesk --help', () => {
    const run = frontdesk(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: frontdesk <command> \[options\]/);
    for (const name of commandNames) expect(run.stdout).toContain(`\n  ${name}`);
  });
});
