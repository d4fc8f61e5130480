// Signed audit checkpoints also go to S3 as objects (a local S3 server), one per checkpoint, and verify against the trail.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileAuditTrail } from '../../src/audit/file-audit-trail.ts';
import { createS3CheckpointSink } from '../../src/audit/s3-checkpoint-sink.ts';
import { verifyAuditFile, verifyAuditText } from '../../src/audit/verify-audit-file.ts';
import { startS3Server, type S3Server } from '../helpers/s3-server.ts';

const bucket = 'clinic-audit';
let s3: S3Server;
let directory = '';
beforeEach(async () => {
  s3 = await startS3Server({ buckets: [bucket] });
  directory = mkdtempSync(join(tmpdir(), 'frontdesk-s3-checkpoints-'));
});
afterEach(async () => {
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('S3 audit checkpoints', () => {
  it('uploads each signed checkpoint as its own object; the objects verify the trail like the local file', async () => {
    const sink = createS3CheckpointSink({ bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
    const path = join(directory, 'audit.jsonl');
    const trail = createFileAuditTrail(path, { checkpointSinks: [sink] });
    for (const call of ['call-1', 'call-2']) {
      trail.append({ sessionId: call, action: 'call_started', outcome: 'ok' });
      trail.append({ sessionId: call, action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
    }
    await trail.close();

    const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'audit-checkpoints/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key!).sort();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^audit-checkpoints\/000000000002-/);
    const checkpoints = await Promise.all(keys.map(async (key) => JSON.parse(Buffer.from((await s3.readObject(bucket, key)).bytes).toString('utf8')) as unknown));
    // Verified with the S3 copies alone (the local checkpoint file removed): the same result, and a truncation is still seen.
    rmSync(join(directory, 'audit.checkpoints.jsonl'));
    const key = Buffer.from(readFileSync(join(directory, 'audit.key'), 'utf8').trim(), 'hex');
    const text = readFileSync(path, 'utf8');
    expect(verifyAuditText(text, key, checkpoints)).toMatchObject({ ok: true, records: 4, checkpoints: 2 });
    const truncated = `${text.trimEnd().split('\n').slice(0, 3).join('\n')}\n`;
    expect(verifyAuditText(truncated, key, checkpoints).problems).toEqual([{ line: 4, problem: 'truncated' }]);
    expect(verifyAuditFile(path).ok).toBe(true);
  });
});
