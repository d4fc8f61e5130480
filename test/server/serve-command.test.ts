// `frontdesk serve` as a process: listens and prints its URL, serves, stops cleanly on SIGTERM; bad flags and settings exit 2 naming them.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { serveCommand } from '../../src/server/serve-command.ts';

const binary = new URL('../../bin/frontdesk.js', import.meta.url).pathname;

function startServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [binary, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', FRONTDESK_RECORDINGS: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('frontdesk serve', () => {
  it('listens, prints the URL, serves the playground and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-serve-'));
    const serve = startServe(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--now', '2026-12-01T09:00:00-05:00']);
    const url = await new Promise<string>((resolve, reject) => {
      serve.child.stdout.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.output.stdout);
        if (match) resolve(match[1]!);
      });
      void serve.exited.then((code) => reject(new Error(`exited ${code}: ${serve.output.stderr}`)));
    });

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('data-state="verified.booking.confirming"');

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  describe('bad usage (in-process)', () => {
    async function runServe(argv: string[]) {
      let stderr = '';
      const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
      });
      try {
        return { code: await serveCommand(argv), stderr };
      } finally {
        write.mockRestore();
      }
    }

    it('exits 2 naming the flag for a bad --port', async () => {
      expect(await runServe(['--port', 'eighty'])).toEqual({ code: 2, stderr: 'frontdesk serve: --port must be a whole number from 0 to 65535 (got "eighty")\n' });
    });

    it('exits 2 naming the variable for a bad setting', async () => {
      vi.stubEnv('FRONTDESK_STT', 'whisper-large');
      try {
        const result = await runServe(['--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'frontdesk-serve-'))]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('FRONTDESK_STT="whisper-large"');
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it('exits 2 for an unknown flag or an empty value', async () => {
      const unknown = await runServe(['--verbose']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown option '--verbose'");
      expect(await runServe(['--db', ''])).toEqual({ code: 2, stderr: 'frontdesk serve: --db needs a value\n' });
    });
  });
});
