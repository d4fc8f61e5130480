// A real call server for media tests: fastify + @fastify/websocket on 127.0.0.1:0 with the voice routes, the offline speech pipeline, and a runtime on a temp directory.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../src/audit/types.ts';
import { openCallRuntime, type CallRuntime } from '../../src/dialog/call-runtime.ts';
import type { CallSession } from '../../src/dialog/session.ts';
import { createWriteStream } from 'node:fs';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';
import { twilioMediaRoute } from '../../src/server/routes/twilio-media.ts';
import { wsCallRoute, type MediaRouteOptions } from '../../src/server/routes/ws-call.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import type { SpeechToText } from '../../src/stt/types.ts';
import type { CallRecordings } from '../../src/transports/call-recording.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import type { TextToSpeech } from '../../src/tts/types.ts';
import { withFinalHook } from '../helpers/final-hook.ts';

/** The clinic's "now" in the scenarios: Tuesday 1 December 2026, 9 AM in New York. */
export const scenarioNow = new Date('2026-12-01T09:00:00-05:00');

/**
 * The turn settings the media tests run with, for the generated caller. Silero scores espeak's klatt voice through the
 * 8 kHz band at 0.2–0.6 (a person scores above 0.8), so at the default 0.5 short answers ("yes", "first one") start a
 * turn or not depending on where they fall against the 32 ms windows; replaying a recorded call at eight offsets, 0.3
 * found every answer at every offset. It also confirms unvoiced onsets ("f…") up to ~0.4 s late, so the default 200 ms
 * pre-roll would cut the first word off before recognition.
 */
export const telephoneVoice: NonNullable<MediaRouteOptions['voice']> = { turns: { threshold: 0.3, preRollMs: 500 } };

export interface MediaTestServer {
  readonly app: FastifyInstance;
  /** ws://127.0.0.1:PORT */
  readonly baseUrl: string;
  readonly runtime: CallRuntime;
  readonly directory: string;
  readonly auditFile: string;
  /** Every session the routes opened, in order, for assertions on what the call heard and said. */
  readonly sessions: CallSession[];
  audit(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export interface MediaTestServerOptions {
  recording?: (runtime: CallRuntime, directory: string) => CallRecordings;
  voice?: MediaRouteOptions['voice'];
  hooks?: MediaRouteOptions['hooks'];
  metrics?: MediaRouteOptions['metrics'];
  calls?: MediaRouteOptions['calls'];
  logger?: Logger;
}

/** One speech pipeline per test file: decoders and the espeak process are per-process resources. */
export async function startMediaTestServer(options: MediaTestServerOptions = {}): Promise<MediaTestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'frontdesk-media-'));
  const auditFile = join(directory, 'audit.jsonl');
  // MEDIA_TEST_LOG=/path/file.jsonl writes the server's debug log (ids and timings, never PHI) for diagnosing a failed call.
  const logger =
    options.logger ?? (process.env.MEDIA_TEST_LOG ? createLogger({ level: 'debug', destination: createWriteStream(process.env.MEDIA_TEST_LOG) }) : silentLogger());
  const opened = await openCallRuntime({ databaseFile: join(directory, 'ehr.sqlite'), auditFile, now: scenarioNow, logger });
  const sessions: CallSession[] = [];
  // The routes see the real runtime; the test also keeps each session it opens.
  const runtime: CallRuntime = Object.create(opened, {
    openSession: {
      value: (sessionOptions?: Parameters<CallRuntime['openSession']>[0]) => {
        const session = opened.openSession(sessionOptions);
        sessions.push(session);
        if (process.env.MEDIA_TEST_TRACE) {
          session.subscribe((event) => {
            if (event.type === 'agent' || event.type === 'state' || event.type === 'end') console.log(performance.now().toFixed(0), event.type, 'text' in event ? event.text : 'value' in event ? event.value : event.reason);
          });
        }
        return session;
      },
    },
  });
  const recogniser = createPocketSphinxStt({ names: opened.patientLastNames });
  const stt: SpeechToText = process.env.MEDIA_TEST_TRACE ? tracedStt(recogniser) : recogniser;
  const tts: TextToSpeech = createEspeakTts();
  const recording = options.recording?.(runtime, directory);
  const app = Fastify();
  await app.register(websocket);
  const routeOptions: MediaRouteOptions = {
    runtime,
    stt,
    tts,
    logger,
    ...(recording ? { recording } : {}),
    ...(options.voice ? { voice: options.voice } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.calls ? { calls: options.calls } : {}),
  };
  await app.register(twilioMediaRoute, routeOptions);
  await app.register(wsCallRoute, routeOptions);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    baseUrl: `ws://127.0.0.1:${port}`,
    runtime,
    directory,
    auditFile,
    sessions,
    async audit() {
      await opened.auditTrail.flush();
      return (await readFile(auditFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditRecord);
    },
    async close() {
      await app.close();
      await recording?.whenIdle();
      await Promise.all([stt.close?.(), tts.close?.()]);
      await opened.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** MEDIA_TEST_TRACE=1: prints what the recogniser heard (test audio only, generated speech). */
function tracedStt(inner: SpeechToText): SpeechToText {
  return withFinalHook(inner, (event, options) => console.log(performance.now().toFixed(0), 'heard', event.text, JSON.stringify(options.expectation?.slots)));
}
