// Spool and retry over the S3 store: a recording the store refuses waits encrypted on disk and lands once S3 is back.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCallRecorder } from '../../src/recording/call-recorder.ts';
import { encryptRecording } from '../../src/recording/encrypted-file.ts';
import { createS3RecordingStore } from '../../src/recording/s3-store.ts';
import { withSpoolAndRetry, type SpoolingRecordingStore } from '../../src/recording/spool-and-retry.ts';
import type { StoredRecording } from '../../src/recording/types.ts';
import { startS3Server, type S3Server } from '../helpers/s3-server.ts';
import { tone } from './read-wav.ts';

const bucket = 'clinic-recordings';
const startedAt = new Date(Date.UTC(2026, 10, 25, 9, 15, 0));
const key = randomBytes(32);
let server: S3Server;
let spoolDirectory: string;
const opened: SpoolingRecordingStore[] = [];

function s3Store() {
  return createS3RecordingStore({
    bucket,
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
    kmsKeyId: 'alias/recordings',
  });
}

function spooling(options: { retryDelaysMs?: number[]; onUploaded?: (uploaded: { callId: string } & StoredRecording) => void } = {}) {
  const store = withSpoolAndRetry(s3Store(), { spoolDirectory, key, retryDelaysMs: options.retryDelaysMs ?? [600_000], ...options });
  opened.push(store);
  return store;
}

async function recordedWav(frequency = 440): Promise<Uint8Array> {
  const recorder = await openCallRecorder({ sampleRate: 16000, startedAtMs: startedAt.getTime(), inputSampleRates: [8000, 24000] });
  recorder.caller({ samples: tone(frequency, 8000, 4000), sampleRate: 8000 });
  recorder.agent({ samples: tone(660, 16000, 4000), sampleRate: 16000 }, startedAt.getTime());
  return recorder.finish();
}

async function spoolFiles(): Promise<string[]> {
  return (await readdir(spoolDirectory)).sort();
}

beforeAll(async () => {
  server = await startS3Server({ buckets: [bucket] });
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  spoolDirectory = await mkdtemp(join(tmpdir(), 'frontdesk-spool-'));
});

afterEach(async () => {
  for (const store of opened.splice(0)) store.close();
  await server.restart().catch(() => {});
  await rm(spoolDirectory, { recursive: true, force: true });
});

describe('withSpoolAndRetry', () => {
  it('spools an encrypted copy when S3 is down, and drain uploads it under the same key once S3 is back', async () => {
    const store = spooling();
    const wav = await recordedWav();
    await server.stop();
    const stored = await store.put({ callId: 'call-spooled', startedAt, wav });
    expect(stored).toEqual({ key: 'recordings/2026/11/25/call-spooled.wav', bytes: wav.byteLength, spooled: true });

    const files = await spoolFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^call-spooled\..*\.spool$/);
    const onDisk = await readFile(join(spoolDirectory, files[0] as string));
    expect(onDisk.subarray(0, 4).toString('ascii')).toBe('FDRE');
    expect(onDisk.includes(Buffer.from('RIFF', 'ascii'))).toBe(false);

    await expect(store.drain()).resolves.toEqual({ uploaded: 0, remaining: 1, rejected: 0 });
    expect(await spoolFiles()).toEqual(files);

    await server.restart();
    await expect(store.drain()).resolves.toEqual({ uploaded: 1, remaining: 0, rejected: 0 });
    expect(await spoolFiles()).toEqual([]);
    expect((await server.readObject(bucket, stored.key)).bytes).toEqual(wav);
    const upload = server.requests.filter((request) => request.method === 'PUT' && request.url.startsWith(`/${bucket}/${stored.key}`)).at(-1);
    expect(upload?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(upload?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/recordings');
  });

  it('passes straight through when the store works, spooling nothing', async () => {
    const store = spooling();
    const wav = await recordedWav();
    const stored = await store.put({ callId: 'call-direct', startedAt, wav });
    expect(stored).toEqual({ key: 'recordings/2026/11/25/call-direct.wav', bytes: wav.byteLength });
    expect(await spoolFiles()).toEqual([]);
    expect((await server.readObject(bucket, stored.key)).bytes).toEqual(wav);
  });

  it('loses nothing across a restart: a new process drains what the old one spooled', async () => {
    const before = spooling();
    const first = await recordedWav(300);
    const second = await recordedWav(500);
    await server.stop();
    await before.put({ callId: 'call-a', startedAt, wav: first });
    await before.put({ callId: 'call-b', startedAt, wav: second });
    before.close();
    await server.restart();

    const uploaded: string[] = [];
    const after = spooling({ onUploaded: (event) => void uploaded.push(`${event.callId} ${event.key}`) });
    await expect(after.drain()).resolves.toEqual({ uploaded: 2, remaining: 0, rejected: 0 });
    expect(uploaded.sort()).toEqual(['call-a recordings/2026/11/25/call-a.wav', 'call-b recordings/2026/11/25/call-b.wav']);
    expect((await server.readObject(bucket, 'recordings/2026/11/25/call-a.wav')).bytes).toEqual(first);
    expect((await server.readObject(bucket, 'recordings/2026/11/25/call-b.wav')).bytes).toEqual(second);
    expect(await spoolFiles()).toEqual([]);
  });

  it('retries in the background until the store takes the recording', async () => {
    let resolveUploaded: (key: string) => void = () => {};
    const uploaded = new Promise<string>((resolve) => {
      resolveUploaded = resolve;
    });
    const store = spooling({ retryDelaysMs: [10, 20], onUploaded: (event) => resolveUploaded(event.key) });
    const wav = await recordedWav();
    await server.stop();
    await store.put({ callId: 'call-background', startedAt, wav });
    await server.restart();
    await expect(uploaded).resolves.toBe('recordings/2026/11/25/call-background.wav');
    expect(await spoolFiles()).toEqual([]);
    expect((await server.readObject(bucket, 'recordings/2026/11/25/call-background.wav')).bytes).toEqual(wav);
  });

  it('shares one pass between concurrent drains, so each recording is uploaded once', async () => {
    const store = spooling();
    await server.stop();
    await store.put({ callId: 'call-once', startedAt, wav: await recordedWav() });
    await server.restart();
    const results = await Promise.all([store.drain(), store.drain(), store.drain()]);
    expect(results.reduce((sum, result) => sum + result.uploaded, 0)).toBe(1);
    const puts = server.requests.filter((request) => request.method === 'PUT' && request.url.startsWith(`/${bucket}/recordings/2026/11/25/call-once.wav`));
    expect(puts).toHaveLength(1);
  });

  it('sets aside a spool file it cannot decrypt, keeping it, and still uploads the others', async () => {
    const store = spooling();
    await server.stop();
    await store.put({ callId: 'call-good', startedAt, wav: await recordedWav() });
    await writeFile(join(spoolDirectory, 'call-foreign.1-00000000.spool'), encryptRecording(new Uint8Array(64), randomBytes(32)));
    await server.restart();
    await expect(store.drain()).resolves.toEqual({ uploaded: 1, remaining: 0, rejected: 1 });
    expect(await spoolFiles()).toEqual(['call-foreign.1-00000000.spool.rejected']);
  });

  it('rejects with RECORDING_STORE_FAILED only when the store and the spool both fail', async () => {
    const blocked = join(spoolDirectory, 'a-file');
    await writeFile(blocked, 'not a directory');
    const store = withSpoolAndRetry(s3Store(), { spoolDirectory: join(blocked, 'spool'), key });
    opened.push(store);
    await server.stop();
    await expect(store.put({ callId: 'call-lost', startedAt, wav: await recordedWav() })).rejects.toMatchObject({
      code: 'RECORDING_STORE_FAILED',
      message: expect.stringContaining('store and spool both failed for call call-lost'),
    });
  });
});
