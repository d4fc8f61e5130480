// The S3 recording store against a real S3-compatible server on 127.0.0.1: keys, SSE-KMS headers on the wire, multipart, failures.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCallRecorder } from '../../src/recording/call-recorder.ts';
import { createS3RecordingStore, minimumPartSizeBytes, type S3RecordingStoreOptions } from '../../src/recording/s3-store.ts';
import { startS3Server, type S3RequestRecord, type S3Server } from '../helpers/s3-server.ts';
import { tone } from './read-wav.ts';

const bucket = 'clinic-recordings';
const kmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const startedAt = new Date(Date.UTC(2026, 10, 25, 23, 59, 30));
let server: S3Server;

function storeOptions(extra: Partial<S3RecordingStoreOptions> = {}): S3RecordingStoreOptions {
  return { bucket, region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials, kmsKeyId, ...extra };
}

function objectBytes(key: string) {
  return server.readObject(bucket, key);
}

function requestsFor(key: string): S3RequestRecord[] {
  return server.requests.filter((request) => request.url.startsWith(`/${bucket}/${key}`));
}

async function recordedWav(): Promise<Uint8Array> {
  const recorder = await openCallRecorder({ sampleRate: 16000, startedAtMs: startedAt.getTime(), inputSampleRates: [8000, 24000] });
  recorder.caller({ samples: tone(440, 8000, 4000), sampleRate: 8000 });
  recorder.agent({ samples: tone(660, 16000, 8000), sampleRate: 16000 }, startedAt.getTime() + 100);
  return recorder.finish();
}

beforeAll(async () => {
  server = await startS3Server({ buckets: [bucket] });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.failRequests = undefined;
});

describe('createS3RecordingStore', () => {
  it('puts the WAV at recordings/YYYY/MM/DD/<call-id>.wav, sending SSE-KMS with the key id and audio/wav', async () => {
    const store = createS3RecordingStore(storeOptions());
    const wav = await recordedWav();
    const stored = await store.put({ callId: 'CA5f2e9d', startedAt, wav });
    expect(stored).toEqual({ key: 'recordings/2026/11/25/CA5f2e9d.wav', bytes: wav.byteLength });

    const [put, ...others] = requestsFor(stored.key);
    expect(others).toEqual([]);
    expect(put?.method).toBe('PUT');
    expect(put?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(put?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(kmsKeyId);
    expect(put?.headers['content-type']).toBe('audio/wav');
    // Signed, so a proxy cannot strip the encryption request without breaking the signature.
    expect(put?.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id/);

    const object = await objectBytes(stored.key);
    expect(object.bytes).toEqual(wav);
    expect(object.contentType).toBe('audio/wav');
  });

  it('leaves the key id to the bucket default when none is configured, still asking for aws:kms', async () => {
    const store = createS3RecordingStore(storeOptions({ kmsKeyId: undefined }));
    const stored = await store.put({ callId: 'call-default-kms', startedAt, wav: await recordedWav() });
    const [put] = requestsFor(stored.key);
    expect(put?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(put?.headers).not.toHaveProperty('x-amz-server-side-encryption-aws-kms-key-id');
  });

  it('puts the configured prefix in front of the key and reports it through keyFor', async () => {
    const store = createS3RecordingStore(storeOptions({ prefix: 'clinic-a/' }));
    expect(store.keyFor('call-2', startedAt)).toBe('clinic-a/recordings/2026/11/25/call-2.wav');
    const wav = await recordedWav();
    const stored = await store.put({ callId: 'call-2', startedAt, wav });
    expect(stored.key).toBe('clinic-a/recordings/2026/11/25/call-2.wav');
    expect((await objectBytes(stored.key)).bytes).toEqual(wav);
  });

  it('uploads a recording larger than the part size in 5 MiB parts, with SSE-KMS on CreateMultipartUpload', async () => {
    const store = createS3RecordingStore(storeOptions({ partSizeBytes: minimumPartSizeBytes }));
    // 11 MiB: two full parts and a 1 MiB last part.
    const wav = randomBytes(11 * 1024 * 1024);
    const stored = await store.put({ callId: 'call-long', startedAt, wav });
    expect(stored).toEqual({ key: 'recordings/2026/11/25/call-long.wav', bytes: wav.byteLength });

    const requests = requestsFor(stored.key);
    const create = requests.find((request) => request.method === 'POST' && request.url.includes('?uploads'));
    expect(create?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(create?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(kmsKeyId);
    expect(create?.headers['content-type']).toBe('audio/wav');
    const parts = requests.filter((request) => request.method === 'PUT' && request.url.includes('partNumber='));
    expect(parts.map((request) => [new URL(request.url, server.endpoint).searchParams.get('partNumber'), request.headers['content-length']])).toEqual([
      ['1', String(5 * 1024 * 1024)],
      ['2', String(5 * 1024 * 1024)],
      ['3', String(1024 * 1024)],
    ]);
    expect(requests.filter((request) => request.method === 'POST' && request.url.includes('uploadId='))).toHaveLength(1);
    expect(requests.some((request) => request.method === 'PUT' && !request.url.includes('partNumber='))).toBe(false);

    expect(Buffer.from((await objectBytes(stored.key)).bytes).equals(wav)).toBe(true);
  });

  it('uses a single PutObject for a recording exactly the part size', async () => {
    const store = createS3RecordingStore(storeOptions({ partSizeBytes: minimumPartSizeBytes }));
    const stored = await store.put({ callId: 'call-edge', startedAt, wav: randomBytes(minimumPartSizeBytes) });
    expect(requestsFor(stored.key).map((request) => request.method)).toEqual(['PUT']);
  });

  it('aborts the multipart upload when a part keeps failing, and reports a retryable RECORDING_STORE_FAILED', async () => {
    const store = createS3RecordingStore(storeOptions({ partSizeBytes: minimumPartSizeBytes }));
    server.failRequests = (request) => request.method === 'PUT' && request.url.includes('partNumber=2');
    const error = await store.put({ callId: 'call-broken', startedAt, wav: randomBytes(11 * 1024 * 1024) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'RECORDING_STORE_FAILED', retryable: true });
    expect((error as Error).message).toMatch(/call call-broken .*HTTP 500/);

    const requests = requestsFor('recordings/2026/11/25/call-broken.wav');
    expect(requests.filter((request) => request.method === 'DELETE' && request.url.includes('uploadId='))).toHaveLength(1);
    expect(requests.some((request) => request.method === 'POST' && request.url.includes('uploadId='))).toBe(false);
    await expect(objectBytes('recordings/2026/11/25/call-broken.wav')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('refuses a part size below S3’s 5 MiB minimum', () => {
    expect(() => createS3RecordingStore(storeOptions({ partSizeBytes: 1024 * 1024 }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('pings with HeadBucket and reports a missing bucket as a final failure', async () => {
    await expect(createS3RecordingStore(storeOptions()).ping()).resolves.toBeUndefined();
    expect(server.requests.at(-1)).toMatchObject({ method: 'HEAD', url: `/${bucket}/` });
    await expect(createS3RecordingStore(storeOptions({ bucket: 'no-such-bucket' })).ping()).rejects.toMatchObject({
      code: 'RECORDING_STORE_FAILED',
      retryable: false,
    });
  });

  it('reports an unreachable server as a retryable failure', async () => {
    const store = createS3RecordingStore(storeOptions());
    await server.stop();
    try {
      await expect(store.put({ callId: 'call-offline', startedAt, wav: await recordedWav() })).rejects.toMatchObject({
        code: 'RECORDING_STORE_FAILED',
        retryable: true,
      });
      await expect(store.ping()).rejects.toMatchObject({ code: 'RECORDING_STORE_FAILED', retryable: true });
    } finally {
      await server.restart();
    }
  });
});
