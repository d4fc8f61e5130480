// The S3 recording store: one object per call, encrypted server-side with KMS, multipart above a size threshold.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { FrontdeskError, isRetryableStatus } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { assertStorableCallId, recordingKey, type RecordingStore } from './types.ts';

export interface S3RecordingStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible services and local tests, e.g. http://127.0.0.1:9000 */
  endpoint?: string;
  /** Bucket in the path instead of the host name (most S3-compatible services need it). */
  forcePathStyle?: boolean;
  /** KMS key id or ARN for SSE-KMS; without it S3 uses the account's default aws/s3 key. */
  kmsKeyId?: string;
  /** Static credentials; without them the SDK's default provider chain (environment, profile, instance role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Prepended to every key, e.g. "clinic-a/" → clinic-a/recordings/YYYY/MM/DD/<call-id>.wav */
  prefix?: string;
  /** Bytes per multipart part, and the WAV size above which multipart is used; at least 5 MiB (S3's minimum). Default 8 MiB. */
  partSizeBytes?: number;
  /** A client to use instead of one built from the options above (shared clients, custom middleware). */
  client?: S3Client;
  logger?: Logger;
}

export interface S3RecordingStore extends RecordingStore {
  readonly name: 's3';
  /** The SDK client in use. */
  readonly client: S3Client;
  keyFor(callId: string, startedAt: Date): string;
}

/** S3 refuses parts under 5 MiB except the last. */
export const minimumPartSizeBytes = 5 * 1024 * 1024;
export const defaultPartSizeBytes = 8 * 1024 * 1024;
// S3 allows at most 5 GiB per part.
const maximumPartSizeBytes = 5 * 1024 * 1024 * 1024;

function storeFailure(detail: string, error: unknown): FrontdeskError {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const name = error instanceof Error ? error.name : 'unknown error';
  return new FrontdeskError('RECORDING_STORE_FAILED', `${detail} (${status ? `HTTP ${status} ` : ''}${name})`, {
    cause: error,
    // No HTTP status means the request never got an answer (refused, reset, timed out): worth retrying.
    retryable: status === undefined ? true : isRetryableStatus(status),
  });
}

export function createS3RecordingStore(options: S3RecordingStoreOptions): S3RecordingStore {
  const partSizeBytes = options.partSizeBytes ?? defaultPartSizeBytes;
  if (!Number.isInteger(partSizeBytes) || partSizeBytes < minimumPartSizeBytes || partSizeBytes > maximumPartSizeBytes) {
    throw new FrontdeskError('CONFIG_INVALID', `S3 part size must be between 5 MiB and 5 GiB, got ${partSizeBytes} bytes`);
  }
  const logger = options.logger ?? silentLogger();
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // An unreachable endpoint fails within seconds, so the spool takes over instead of a call's end hanging.
      requestHandler: { connectionTimeout: 5_000 },
    });
  const { bucket } = options;
  const encryption = {
    ServerSideEncryption: 'aws:kms' as const,
    ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}),
  };
  const keyFor = (callId: string, startedAt: Date) => `${options.prefix ?? ''}${recordingKey(callId, startedAt)}`;

  async function putMultipart(key: string, wav: Uint8Array, callId: string): Promise<void> {
    let uploadId: string | undefined;
    try {
      const created = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'audio/wav', ChecksumAlgorithm: 'CRC32', ...encryption }),
      );
      uploadId = created.UploadId;
      if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
      const parts: CompletedPart[] = [];
      // Parts go one at a time: a recording is at most a few hundred MiB and this keeps memory at one part in flight.
      for (let offset = 0, partNumber = 1; offset < wav.byteLength; offset += partSizeBytes, partNumber += 1) {
        const body = wav.subarray(offset, Math.min(offset + partSizeBytes, wav.byteLength));
        const uploaded = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ChecksumAlgorithm: 'CRC32' }),
        );
        parts.push({
          PartNumber: partNumber,
          ETag: uploaded.ETag,
          ...(uploaded.ChecksumCRC32 ? { ChecksumCRC32: uploaded.ChecksumCRC32 } : {}),
        });
      }
      await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      if (uploadId) {
        // Parts of an abandoned upload are billed until aborted.
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch((abortError: unknown) => {
          logger.warn({ callId, error: abortError instanceof Error ? abortError.name : 'unknown' }, 'recording multipart abort failed');
        });
      }
      throw error;
    }
  }

  return {
    name: 's3',
    client,
    keyFor,

    async put({ callId, startedAt, wav }) {
      assertStorableCallId(callId);
      const key = keyFor(callId, startedAt);
      try {
        if (wav.byteLength > partSizeBytes) {
          await putMultipart(key, wav, callId);
        } else {
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: wav, ContentType: 'audio/wav', ...encryption }));
        }
      } catch (error) {
        throw storeFailure(`S3 upload failed for call ${callId}`, error);
      }
      return { key, bytes: wav.byteLength };
    },

    async ping() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        throw storeFailure('S3 bucket not reachable', error);
      }
    },
  };
}
