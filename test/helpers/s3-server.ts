// A real S3-compatible server (s3rver) on 127.0.0.1 for store tests: random port, temp directory, request log, stop and restart.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One HTTP request as the server received it from the wire. */
export interface S3RequestRecord {
  method: string;
  /** Path and query string, e.g. /bucket/recordings/2026/11/25/call-1.wav?uploads */
  url: string;
  /** Lower-cased header names, as Node parses them. */
  headers: Record<string, string | string[] | undefined>;
}

export interface S3Server {
  /** For the SDK's `endpoint` (with `forcePathStyle: true`): http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** s3rver's fixed account. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Every request received since start, across restarts. */
  readonly requests: S3RequestRecord[];
  /** Requests it matches are answered 500 InternalError (after their body is read), as S3 does when it is having a bad moment. */
  failRequests: ((request: S3RequestRecord) => boolean) | undefined;
  /** Reads an object back through the SDK (rejects with NoSuchKey when absent). */
  readObject(bucket: string, key: string): Promise<{ bytes: Uint8Array; contentType: string | undefined }>;
  /** Stops listening, keeping the stored objects; connections are refused until `restart()`. */
  stop(): Promise<void>;
  /** Listens again on the same port over the same directory (nothing to do if it is running). */
  restart(): Promise<void>;
  /** Stops and deletes the directory. */
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  req: AsyncIterable<Buffer>;
  status: number;
  type: string;
  body: unknown;
}

const internalErrorBody =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>';

interface S3rverInstance {
  middleware: Array<(context: KoaContext, next: () => Promise<void>) => Promise<void>>;
  httpServer?: Server;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

// s3rver is CommonJS without type declarations: load it through require and describe the part used here.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** Starts s3rver on 127.0.0.1 at a random port with `buckets` created. */
export async function startS3Server(options: { buckets: string[] }): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'frontdesk-s3rver-'));
  const requests: S3RequestRecord[] = [];
  let port = 0;
  let running: S3rverInstance | undefined;
  const control: { failRequests: S3Server['failRequests'] } = { failRequests: undefined };

  async function start() {
    if (running) return;
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      directory,
      silent: true,
      configureBuckets: options.buckets.map((name) => ({ name })),
    });
    // Koa composes middleware when it starts listening: put the recorder first so it sees every request.
    server.middleware.unshift(async (context, next) => {
      const record = { method: context.method, url: context.url, headers: { ...context.headers } };
      requests.push(record);
      if (control.failRequests?.(record)) {
        for await (const chunk of context.req) void chunk;
        context.status = 500;
        context.type = 'application/xml';
        context.body = internalErrorBody;
        return;
      }
      await next();
    });
    const address = await server.run();
    port = address.port;
    running = server;
  }

  async function stop() {
    const server = running;
    if (!server) return;
    running = undefined;
    const closed = server.close();
    server.httpServer?.closeAllConnections();
    await closed;
  }

  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    get failRequests() {
      return control.failRequests;
    },
    set failRequests(predicate) {
      control.failRequests = predicate;
    },
    endpoint,
    credentials,
    requests,
    async readObject(bucket, key) {
      const reader = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
      try {
        const object = await reader.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { bytes: await object.Body!.transformToByteArray(), contentType: object.ContentType };
      } finally {
        reader.destroy();
      }
    },
    stop,
    restart: start,
    async close() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
