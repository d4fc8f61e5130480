// Test support for the server: a runtime on a fresh temp directory at a fixed clinic time, an app on it, and a WebSocket client that collects frames.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { loadConfig, type ConfigOverrides } from '../../src/config.ts';
import { openCallRuntime, type CallRuntime } from '../../src/dialog/call-runtime.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';
import { buildApp, type AppDependencies } from '../../src/server/app.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';

/** The clinic time the scenario fixtures are written for. */
export const scenarioNow = '2026-12-01T09:00:00-05:00';

export interface TestServer {
  app: FastifyInstance;
  runtime: CallRuntime;
  directory: string;
}

export async function startTestServer(
  options: { overrides?: ConfigOverrides; logTo?: Writable; dependencies?: Partial<AppDependencies>; listen?: boolean } = {},
): Promise<TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-server-'));
  const config = loadConfig({}, { FRONTDESK_DATA_DIR: directory, FRONTDESK_RECORDINGS: 'none', FRONTDESK_NOW: scenarioNow, FRONTDESK_TIMEZONE: 'America/New_York', ...options.overrides });
  const logger: Logger = options.logTo ? createLogger({ level: 'debug', destination: options.logTo }) : silentLogger();
  const runtime = await openCallRuntime({
    databaseFile: config.databaseFile,
    auditFile: config.auditFile,
    timeZone: config.timeZone,
    now: config.now!,
    logger,
  });
  const app = buildApp({ config, runtime, logger, metrics: createServerMetrics({ processMetrics: false }), ...options.dependencies });
  if (options.listen) await app.listen({ port: 0, host: '127.0.0.1' });
  else await app.ready();
  return { app, runtime, directory };
}

export function webSocketUrl(app: FastifyInstance, path: string): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on TCP');
  return `ws://127.0.0.1:${address.port}${path}`;
}

/** How the server closes a socket to `url`: code and reason, or 'open' if it is still open after a second. */
export function closeOf(url: string): Promise<{ code: number; reason: string } | 'open'> {
  const socket = new WebSocket(url);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve('open');
      socket.terminate();
    }, 1000);
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

export type Frame = { type: string; [field: string]: unknown };

/** A WebSocket client that keeps every JSON frame and lets a test wait for the next one matching a condition. */
export class FrameClient {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ from: number; match: (frame: Frame) => boolean; resolve: (frame: Frame) => void; reject: (error: Error) => void }> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.settleWaiters();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        for (const waiter of this.waiters) waiter.reject(new Error(`socket closed (${code}) before the expected frame`));
        this.waiters = [];
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static async connect(url: string): Promise<FrameClient> {
    const socket = new WebSocket(url);
    const client = new FrameClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  private settleWaiters() {
    this.waiters = this.waiters.filter((waiter) => {
      const found = this.frames.slice(waiter.from).find(waiter.match);
      if (found) waiter.resolve(found);
      return !found;
    });
  }

  /** The first frame from index `from` on that matches; waits for it if it has not come yet. */
  next(match: (frame: Frame) => boolean, from = this.frames.length): Promise<Frame> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ from, match, resolve, reject });
      this.settleWaiters();
    });
  }

  /** Sends one caller line and resolves with the first agent or error frame it produces. */
  async say(line: string | Buffer, options: { binary?: boolean } = {}): Promise<Frame> {
    const from = this.frames.length;
    this.socket.send(line, { binary: options.binary ?? false });
    return this.next((frame) => frame.type === 'agent' || frame.type === 'error', from);
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }
}
