// `frontdesk serve` processes on one shared database, as a cluster test starts them: each its own data directory, port and instance id.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontdeskBin = fileURLToPath(new URL('../../bin/frontdesk.js', import.meta.url));

export interface InstanceOptions {
  /** The shared database; unset: the instance keeps everything in SQLite and files, as without FRONTDESK_DATABASE_URL. */
  databaseUrl?: string;
  instanceId: string;
  /** Fixed clinic clock start, e.g. 2026-12-01T09:00:00-05:00. */
  now: string;
  /** Extra environment (FRONTDESK_HANDOFF_NUMBER, FRONTDESK_AUDIT_KEY, …). */
  env?: Record<string, string>;
  /** A port to listen on (a restart keeps its port); default any free one. */
  port?: number;
}

export interface FrontdeskInstance {
  readonly instanceId: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the process wrote to stderr so far (JSON log lines). */
  stderr(): string;
  /** SIGTERM, wait for exit (SIGKILL after 30 s). */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies mid-whatever, as in a crash. */
  kill(): Promise<void>;
}

/** Starts one `frontdesk serve`; resolves once it listens. Text only unless the offline speech packages are installed. */
export async function startInstance(options: InstanceOptions): Promise<FrontdeskInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), `frontdesk-${options.instanceId}-`));
  const child = spawn(process.execPath, [frontdeskBin, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...(options.databaseUrl ? { FRONTDESK_DATABASE_URL: options.databaseUrl, FRONTDESK_INSTANCE_ID: options.instanceId } : {}),
      FRONTDESK_DATA_DIR: dataDir,
      FRONTDESK_RECORDINGS: 'none',
      FRONTDESK_NOW: options.now,
      FRONTDESK_TIMEZONE: 'America/New_York',
      FRONTDESK_STT_THREADS: '1',
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Scripted callers pause only when the machine is busy; a silent-turn prompt would change what they hear.
      FRONTDESK_NO_INPUT_MS: '60000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`${options.instanceId} did not start in 120 s: ${stderr.slice(-2000)}`)), 120_000);
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.instanceId} exited (${code}) before listening: ${stderr.slice(-2000)}`));
    });
  });
  const cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    instanceId: options.instanceId,
    origin,
    port: Number(new URL(origin).port),
    process: child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      // Graceful shutdown waits for calls and buffered audit records (10 s each at most); past that the test moves on.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      cleanUp();
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      cleanUp();
    },
  };
}

/** ws://127.0.0.1:PORT + path */
export function webSocketOrigin(instance: FrontdeskInstance, path: string): string {
  return `${instance.origin.replace(/^http/, 'ws')}${path}`;
}
