// The encrypted local recording store: round trip, nothing readable on disk, tampering and wrong keys refused.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallRecorder, openCallRecorder } from '../../src/recording/call-recorder.ts';
import { decryptRecording, encryptRecording } from '../../src/recording/encrypted-file.ts';
import { createLocalRecordingStore, localRecordingPath, readLocalRecording } from '../../src/recording/local-store.ts';
import { tone } from './read-wav.ts';

const startedAt = new Date(Date.UTC(2026, 10, 25, 14, 30, 0));
let directory: string;
const key = randomBytes(32);

async function recordedWav(): Promise<Uint8Array> {
  const recorder = await openCallRecorder({ sampleRate: 16000, startedAtMs: startedAt.getTime(), inputSampleRates: [8000, 24000] });
  recorder.caller({ samples: tone(440, 8000, 8000), sampleRate: 8000 });
  recorder.agent({ samples: tone(660, 24000, 12000), sampleRate: 24000 }, startedAt.getTime() + 200);
  return recorder.finish();
}

function rejectionCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'frontdesk-recordings-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('createLocalRecordingStore', () => {
  it('stores under recordings/YYYY/MM/DD/<call-id>.wav and reads back the exact WAV', async () => {
    const store = createLocalRecordingStore({ directory, key });
    const wav = await recordedWav();
    const stored = await store.put({ callId: 'call-7f3a', startedAt, wav });
    expect(stored).toEqual({ key: 'recordings/2026/11/25/call-7f3a.wav', bytes: wav.byteLength });
    expect(await readLocalRecording({ directory, key }, stored.key)).toEqual(wav);
  });

  it('reads back a long call exactly (written in many encrypted slices), and the file is one envelope', async () => {
    const store = createLocalRecordingStore({ directory, key });
    const recorder = createCallRecorder({ sampleRate: 16000, startedAtMs: startedAt.getTime() });
    for (let second = 0; second < 12; second += 1) recorder.caller({ samples: tone(300 + second * 20, 16000, 16000), sampleRate: 16000 });
    const wav = recorder.finish();
    expect(wav.byteLength).toBeGreaterThan(10 * 64 * 1024);
    const stored = await store.put({ callId: 'call-long', startedAt, wav });
    expect(await readLocalRecording({ directory, key }, stored.key)).toEqual(wav);
    expect(decryptRecording(await readFile(localRecordingPath(directory, stored.key)), key)).toEqual(wav);
  });

  it('keeps no plaintext on disk: no RIFF header, no WAVE or data chunk, no leftover temp file, owner-only mode', async () => {
    const store = createLocalRecordingStore({ directory, key });
    const wav = await recordedWav();
    const stored = await store.put({ callId: 'call-7f3a', startedAt, wav });
    const path = localRecordingPath(directory, stored.key);
    const onDisk = await readFile(path);
    expect(onDisk.subarray(0, 4).toString('ascii')).toBe('FDRE');
    for (const marker of ['RIFF', 'WAVE', 'fmt ', 'data']) expect(onDisk.includes(Buffer.from(marker, 'ascii'))).toBe(false);
    // Not even a stretch of the PCM: a run of 64 bytes from the middle of the WAV.
    const middle = Buffer.from(wav.subarray(wav.length / 2, wav.length / 2 + 64));
    expect(onDisk.includes(middle)).toBe(false);
    expect(await readdir(dirname(path))).toEqual(['call-7f3a.wav.enc']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('rejects a file whose ciphertext was altered by one bit', async () => {
    const store = createLocalRecordingStore({ directory, key });
    const stored = await store.put({ callId: 'call-1', startedAt, wav: await recordedWav() });
    const path = localRecordingPath(directory, stored.key);
    const bytes = await readFile(path);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    await writeFile(path, bytes);
    const error = await readLocalRecording({ directory, key }, stored.key).catch((caught: unknown) => caught);
    expect(rejectionCode(error)).toBe('RECORDING_STORE_FAILED');
    expect((error as Error).message).toMatch(/does not authenticate/);
  });

  it('rejects a truncated file and an altered envelope version', async () => {
    const wav = await recordedWav();
    const envelope = encryptRecording(wav, key);
    expect(() => decryptRecording(envelope.subarray(0, envelope.length - 1), key)).toThrow(/does not authenticate/);
    const otherVersion = Uint8Array.from(envelope);
    otherVersion[4] = 2;
    expect(() => decryptRecording(otherVersion, key)).toThrow(/version 2/);
    expect(decryptRecording(envelope, key)).toEqual(wav);
  });

  it('rejects reading with the wrong key', async () => {
    const store = createLocalRecordingStore({ directory, key });
    const stored = await store.put({ callId: 'call-1', startedAt, wav: await recordedWav() });
    const error = await readLocalRecording({ directory, key: randomBytes(32) }, stored.key).catch((caught: unknown) => caught);
    expect(rejectionCode(error)).toBe('RECORDING_STORE_FAILED');
  });

  it('refuses call ids that would escape the directory', async () => {
    const store = createLocalRecordingStore({ directory, key });
    for (const callId of ['../../etc/passwd', 'a/b', '..', '']) {
      await expect(store.put({ callId, startedAt, wav: await recordedWav() })).rejects.toMatchObject({ code: 'RECORDING_STORE_FAILED', retryable: false });
    }
    expect(await readdir(directory)).toEqual([]);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createLocalRecordingStore({ directory, key: randomBytes(16) })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('answers ping when the directory is writable and fails it when it cannot be', async () => {
    await expect(createLocalRecordingStore({ directory: join(directory, 'new'), key }).ping()).resolves.toBeUndefined();
    expect(await readdir(join(directory, 'new'))).toEqual([]);
    const file = join(directory, 'a-file');
    await writeFile(file, 'not a directory');
    await expect(createLocalRecordingStore({ directory: join(file, 'recordings'), key }).ping()).rejects.toMatchObject({
      code: 'RECORDING_STORE_FAILED',
    });
  });

  it('reports a failed write as RECORDING_STORE_FAILED naming only the call id', async () => {
    const file = join(directory, 'a-file');
    await writeFile(file, 'not a directory');
    const store = createLocalRecordingStore({ directory: join(file, 'recordings'), key });
    await expect(store.put({ callId: 'call-9', startedAt, wav: await recordedWav() })).rejects.toMatchObject({
      code: 'RECORDING_STORE_FAILED',
      retryable: true,
      message: expect.stringContaining('call call-9'),
    });
  });
});
