// A call server as `frontdesk serve` builds it (the configured offline STT and TTS, /ws/call and /twilio/media), on a loopback port and a temp data dir, for tests that talk to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import { silentLogger } from '../../src/log.ts';
import { buildCall } from '../../src/runtime/build-call.ts';
import { buildApp } from '../../src/server/app.ts';
import { callLogSettings } from '../../src/server/call-logs.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';
import { voiceMediaRoutes } from '../../src/server/voice-setup.ts';
import { scenarioNow } from '../server/server-support.ts';

export interface VoiceServer {
  directory: string;
  runtime: CallRuntime;
  app: FastifyInstance;
  port: number;
  close(): Promise<void>;
}

/** `callLogKey`: keep call logs, encrypted with it. */
export async function startVoiceServer(prefix: string, options: { callLogKey?: string } = {}): Promise<VoiceServer> {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const dataDirectory = join(directory, 'data');
  const config = loadConfig({}, { FRONTDESK_DATA_DIR: dataDirectory, FRONTDESK_RECORDINGS: 'none', FRONTDESK_NOW: scenarioNow, FRONTDESK_TIMEZONE: 'America/New_York' });
  const logger = silentLogger();
  const call = await buildCall(config, { logger, speech: true });
  const app = buildApp({
    config,
    runtime: call.runtime,
    logger,
    metrics: createServerMetrics({ processMetrics: false }),
    routes: voiceMediaRoutes(config, call.speech),
    ...(options.callLogKey ? { callLogs: callLogSettings(dataDirectory, options.callLogKey) } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return {
    directory,
    runtime: call.runtime,
    app,
    port: address.port,
    async close() {
      await app.close();
      await call.runtime.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
