// `frontdesk serve` as an operator runs it, with recordings going to an S3-compatible store: a phone call over Twilio Media Streams that the caller drops mid-way keeps its recording (SSE-KMS requested) and its audit trail.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.ts';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import { readWav } from '../../src/audio/wav.ts';
import { startS3Server, type S3Server } from '../helpers/s3-server.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { callerUtterance } from '../stt/caller-audio.ts';

const root = join(import.meta.dirname, '../..');
const bucket = 'clinic-calls';
let s3: S3Server;
let server: ChildProcess;
let baseUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-serve-'));
let stderr = '';

beforeAll(async () => {
  s3 = await startS3Server({ buckets: [bucket] });
  server = spawn(process.execPath, [join(root, 'bin/frontdesk.js'), 'serve', '--port', '0', '--now', '2026-12-01T09:00:00-05:00'], {
    cwd: root,
    env: {
      ...process.env,
      FRONTDESK_DATA_DIR: dataDir,
      FRONTDESK_RECORDINGS: 's3',
      FRONTDESK_S3_BUCKET: bucket,
      FRONTDESK_S3_ENDPOINT: s3.endpoint,
      FRONTDESK_S3_FORCE_PATH_STYLE: 'true',
      FRONTDESK_S3_KMS_KEY_ID: 'alias/clinic-recordings',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]!.replace('http://', 'ws://'));
    });
    server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await s3?.close();
});

function auditRecords(): AuditRecord[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditRecord);
}

async function until<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; server said: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('frontdesk serve with S3 recordings', () => {
  it('keeps the recording (SSE-KMS) and the audit of a call the caller drops mid-way, then shuts down cleanly', async () => {
    const client = new TwilioTestClient({ url: `${baseUrl}/twilio/media` });
    await client.start();
    await client.firstMediaAfter(0);
    await client.waitForAgentToFinish({ sinceMs: 0, afterMs: 500 });
    const line = await callerUtterance('I want to book an appointment', { voice: 'en-us+klatt', sampleRate: 8000 });
    const spoken = await client.say(line.samples);
    await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs, afterMs: 300 });
    // The line drops: no `stop`, the socket just goes.
    client.terminate();

    const stored = await until(() => auditRecords().find((record) => record.action === 'recording_stored'));
    const sessionId = stored.sessionId;
    const key = String(stored.detail?.key);
    expect(key).toMatch(new RegExp(`^recordings/\\d{4}/\\d{2}/\\d{2}/${sessionId}\\.wav$`));
    const records = auditRecords().filter((record) => record.sessionId === sessionId);
    expect(records.map((record) => record.action)).toEqual(expect.arrayContaining(['call_started', 'call_ended', 'recording_stored']));
    expect(records.find((record) => record.action === 'call_ended')?.detail).toEqual({ reason: 'hangup' });

    // A short call is one PutObject; a long one starts with CreateMultipartUpload (POST ?uploads): either carries the SSE headers.
    const upload = s3.requests.find((request) => request.url.startsWith(`/${bucket}/${key}`) && (request.method === 'PUT' || request.url.includes('?uploads')));
    expect(upload?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(upload?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/clinic-recordings');
    const object = await s3.readObject(bucket, key);
    const wav = readWav(object.bytes);
    expect(wav.sampleRate).toBe(8000);
    expect(wav.channels).toHaveLength(2);
    // Both sides are on the tape: the caller's line on the left, the greeting and reply on the right.
    const energy = (samples: Int16Array) => samples.reduce((sum, sample) => sum + Math.abs(sample), 0) / samples.length;
    expect(energy(wav.channels[0]!)).toBeGreaterThan(50);
    expect(energy(wav.channels[1]!)).toBeGreaterThan(50);

    server.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => server.once('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(verifyAuditFile(join(dataDir, 'audit.jsonl'))).toMatchObject({ ok: true });
  }, 120_000);
});
