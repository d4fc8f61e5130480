// SIGKILL mid-call, then restart: the call's recording is stored from its journal (at most the last 2 s missing) and the call is closed in the audit as crashed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import type { AuditRecord } from '../../src/audit/types.ts';
import { readLocalRecording } from '../../src/recording/local-store.ts';
import { readStereoWav, rms, tone } from '../recording/read-wav.ts';

const root = join(import.meta.dirname, '../..');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function serve(dataDir: string): { child: ChildProcess; url: Promise<string>; exited: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ['bin/frontdesk.js', 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', FRONTDESK_DATA_DIR: dataDir, FRONTDESK_RECORDINGS: 'local', FRONTDESK_NOW: '2026-12-01T09:00:00-05:00', LOG_LEVEL: 'info', FRONTDESK_STT_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(text)), 120_000);
    child.stdout!.on('data', () => {
      const match = /listening on http:\/\/([\d.:]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, url, exited, output: () => text };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a crash mid-call', () => {
  it('keeps the recording up to at most 2 s before the kill, and closes the call in the audit as crashed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-crash-'));
    const first = serve(dataDir);
    const address = await first.url;
    const socket = new WebSocket(`ws://${address}/ws/call?sampleRate=16000`);
    await new Promise((resolve) => socket.once('open', resolve));
    // 6 s of a quiet 440 Hz hum from the caller, in real time (20 ms frames): no speech, so the call just listens.
    const frame = tone(440, 16000, 320, 300);
    const sendMs = 6000;
    const started = Date.now();
    for (let index = 0; index < sendMs / 20; index += 1) {
      socket.send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), { binary: true });
      const due = started + (index + 1) * 20;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const journalDirectory = join(dataDir, 'recording-journal');
    expect(readdirSync(journalDirectory).filter((file) => file.endsWith('.journal'))).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;
    socket.terminate();
    const callId = readdirSync(journalDirectory)[0]!.replace(/\.journal$/, '');

    // Restart: the journal becomes a stored recording, the call is closed, and the server serves again.
    const second = serve(dataDir);
    await second.url;
    second.child.kill('SIGTERM');
    await second.exited;
    expect(existsSync(join(journalDirectory, `${callId}.journal`))).toBe(false);

    const records = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditRecord);
    const ofCall = records.filter((record) => record.sessionId === callId);
    expect(ofCall.map((record) => [record.action, record.detail?.reason ?? record.outcome])).toEqual([
      ['call_started', 'ok'],
      ['call_ended', 'crashed'],
      ['recording_recovered', 'ok'],
    ]);
    expect(verifyAuditFile(join(dataDir, 'audit.jsonl')).ok).toBe(true);

    const key = Buffer.from(readFileSync(join(dataDir, 'recording.key'), 'utf8').trim(), 'hex');
    const storedKey = String(ofCall.at(-1)!.detail!.key);
    const wav = readStereoWav(await readLocalRecording({ directory: dataDir, key }, storedKey));
    expect(wav.sampleRate).toBe(16000);
    // The caller's hum is there up to at most 2 s before the kill.
    let last = wav.left.length - 1;
    while (last > 0 && Math.abs(wav.left[last]!) < 50) last -= 1;
    const humSeconds = last / 16000;
    expect(humSeconds).toBeGreaterThanOrEqual(sendMs / 1000 - 2);
    expect(rms(wav.left, 16000, 16000 * 3)).toBeGreaterThan(100);
    // The agent's greeting (right channel) was recorded as it played.
    expect(rms(wav.right)).toBeGreaterThan(50);
  }, 240_000);
});
