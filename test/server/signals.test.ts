// SIGTERM or SIGINT to `npm start`, to an npm-launched shell (as `npx frontdesk serve` runs it) or to the server itself: one graceful shutdown, no process left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces, inside parentheses): state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Gone while listing.
    }
  }
  return children;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** Starts a launcher (npm start, or sh -c as npx runs a bin) and waits for the server to listen; returns the launcher, the server's pid and the output so far. */
async function launch(command: string, args: string[], extraEnv: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-signals-'));
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      FRONTDESK_DATA_DIR: dataDir,
      FRONTDESK_RECORDINGS: 'none',
      FRONTDESK_NOW: '2026-12-01T09:00:00-05:00',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launchers.push(child);
  const output = { text: '' };
  // Closed once the launcher and the server (which shares its pipes) have both exited and their output is all read.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout!.on('data', (chunk) => (output.text += chunk));
  child.stderr!.on('data', (chunk) => (output.text += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output.text}`)), 90_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  // The node process serving: the launcher's descendant that is node running bin/frontdesk.js.
  const descendants = (pid: number): number[] => childrenOf(pid).flatMap((child) => [child, ...descendants(child)]);
  const server = descendants(child.pid!).find((pid) => {
    const [program, ...rest] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /(^|\/)node$/.test(program ?? '') && rest.some((arg) => arg.endsWith('bin/frontdesk.js') || arg.endsWith('.bin/frontdesk'));
  });
  expect(server, output.text).toBeDefined();
  started.push(server!);
  /** The output once the server is gone: its last lines can still be in the pipe when its pid disappears. */
  const finalOutput = async (): Promise<string> => {
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return output.text;
  };
  return { child, server: server!, url, output, finalOutput };
}

/** Servers started by a test, and their launchers: one left running by a failure is stopped, by its pid. */
const started: number[] = [];
const launchers: ChildProcess[] = [];

describe('signals', () => {
  afterEach(() => {
    for (const launcher of launchers.splice(0)) if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
    for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('SIGTERM to the npm start process shuts the server down gracefully, leaving no process behind', async () => {
    const { child, server, url, finalOutput } = await launch('npm', ['start', '--silent']);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await until(() => !alive(server), 20_000)).toBe(true);
    const text = await finalOutput();
    expect(text).toMatch(/"msg":"shutting down"/);
    expect(text).toMatch(/"msg":"server closed"/);
  }, 120_000);

  it('SIGINT to npm start does the same', async () => {
    const { child, server, finalOutput } = await launch('npm', ['start', '--silent']);
    child.kill('SIGINT');
    expect(await until(() => !alive(server), 20_000)).toBe(true);
    expect(await finalOutput()).toMatch(/"msg":"server closed"/);
  }, 120_000);

  it('SIGTERM to the npx frontdesk serve process does the same', async () => {
    const { child, server, finalOutput } = await launch('npx', ['--no-install', 'frontdesk', 'serve']);
    child.kill('SIGTERM');
    expect(await until(() => !alive(server), 20_000)).toBe(true);
    expect(await finalOutput()).toMatch(/"msg":"server closed"/);
  }, 120_000);

  it('a shell launched by npm (as npx runs the bin) that dies of SIGTERM takes the server down gracefully too', async () => {
    // dash forks node and dies of the signal without passing it on: the server notices it was re-parented.
    const { child, server, finalOutput } = await launch('sh', ['-c', 'node bin/frontdesk.js serve; true'], { npm_command: 'exec' });
    child.kill('SIGTERM');
    expect(await until(() => !alive(server), 20_000)).toBe(true);
    const text = await finalOutput();
    expect(text).toMatch(/"signal":"launcher-gone"/);
    expect(text).toMatch(/"msg":"server closed"/);
  }, 120_000);
});
