// The data directory under umask 022: 0700, and every file the server writes in it (EHR, WAL, audit, checkpoints, keys) 0600.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function modes(directory: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const walk = (path: string, name: string) => {
    const stat = statSync(path);
    found.push([name, (stat.mode & 0o777).toString(8)]);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry), `${name}/${entry}`);
  };
  walk(directory, '.');
  return found;
}

describe('file modes', () => {
  it('are 0700 for the data directory and 0600 for every file in it, under umask 022, and tighten what an older version left', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'frontdesk-modes-'));
    const dataDir = join(parent, 'data');
    // A file left world-readable by an older version is tightened at start.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, 'old-notes.txt'), 'left by an older version\n');
    chmodSync(join(dataDir, 'old-notes.txt'), 0o644);
    const child = spawn('sh', ['-c', 'umask 022; exec node bin/frontdesk.js serve'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', FRONTDESK_DATA_DIR: dataDir, FRONTDESK_RECORDINGS: 'local', FRONTDESK_NOW: '2026-12-01T09:00:00-05:00', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(output)), 90_000);
        child.stdout.on('data', () => {
          const match = /listening on http:\/\/([\d.:]+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      // One text call, so the EHR, its WAL, the audit trail and its checkpoint are written.
      const socket = new WebSocket(`ws://${url}/ws/text`);
      await new Promise((resolve) => socket.once('message', resolve));
      socket.send('I want to book an appointment');
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.close();
      await new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    const found = modes(dataDir);
    const names = found.map(([name]) => name);
    for (const expected of ['./ehr.sqlite', './audit.jsonl', './audit.key', './audit.checkpoints.jsonl', './recording.key', './old-notes.txt']) expect(names).toContain(expected);
    for (const [name, mode] of found) {
      const isDirectory = statSync(join(dataDir, name)).isDirectory();
      expect([name, mode]).toEqual([name, isDirectory ? '700' : '600']);
    }
  }, 120_000);
});
