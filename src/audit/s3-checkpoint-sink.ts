// Signed audit checkpoints as S3 objects, off the machine that writes the trail; under Object Lock retention when the bucket has Object Lock.
import { GetObjectLockConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '../log.ts';
import type { AuditCheckpoint } from './types.ts';

export interface S3CheckpointSinkOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Object key prefix. Default "audit-checkpoints/". */
  prefix?: string;
  /** Retention when the bucket has Object Lock but no default retention rule, days (GOVERNANCE mode). Default 2190 (six years). */
  retentionDays?: number;
  logger?: Logger;
  client?: S3Client;
}

export interface S3CheckpointSink {
  /** Queues one checkpoint for upload (never throws: a failed upload is logged; the local checkpoint file still has it). */
  write(checkpoint: AuditCheckpoint): void;
  /** Resolves once every queued checkpoint is uploaded or has failed. */
  whenIdle(): Promise<void>;
}

/** `<prefix><records, zero-padded>-<at>.json`: listed in order, one object per checkpoint, never overwritten. */
export function checkpointObjectKey(checkpoint: AuditCheckpoint, prefix = 'audit-checkpoints/'): string {
  return `${prefix}${String(checkpoint.records).padStart(12, '0')}-${checkpoint.at.replace(/[:.]/g, '-')}.json`;
}

export function createS3CheckpointSink(options: S3CheckpointSinkOptions): S3CheckpointSink {
  const logger = options.logger ?? silentLogger();
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      requestHandler: { connectionTimeout: 5_000 },
    });
  // Whether the bucket locks objects: with a default rule S3 applies it itself; without one each object asks for retention.
  const lockMode = (async (): Promise<'default-rule' | 'explicit' | 'none'> => {
    try {
      const { ObjectLockConfiguration: lock } = await client.send(new GetObjectLockConfigurationCommand({ Bucket: options.bucket }));
      if (lock?.ObjectLockEnabled !== 'Enabled') return 'none';
      return lock.Rule?.DefaultRetention ? 'default-rule' : 'explicit';
    } catch {
      return 'none';
    }
  })();
  let queue: Promise<void> = Promise.resolve();

  return {
    write(checkpoint) {
      queue = queue.then(async () => {
        const mode = await lockMode;
        const retainUntil = new Date(Date.now() + (options.retentionDays ?? 2190) * 86_400_000);
        try {
          await client.send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key: checkpointObjectKey(checkpoint, options.prefix),
              Body: `${JSON.stringify(checkpoint)}\n`,
              ContentType: 'application/json',
              ...(mode === 'explicit' ? { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: retainUntil, ChecksumAlgorithm: 'SHA256' as const } : {}),
            }),
          );
        } catch (error) {
          logger.warn({ bucket: options.bucket, records: checkpoint.records, code: (error as { name?: string }).name ?? 'unknown' }, 'audit checkpoint not uploaded to S3 (kept in the local checkpoint file)');
        }
      });
    },
    whenIdle: () => queue,
  };
}
