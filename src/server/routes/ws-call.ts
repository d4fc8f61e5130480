// The /ws/call route: a raw PCM WebSocket call per connection (sampleRate from the query), each with its own session, VoiceCall and recorder.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { CallRuntime } from '../../dialog/call-runtime.ts';
import type { VoiceCallEvent } from '../../dialog/voice-call.ts';
import type { Logger } from '../../log.ts';
import type { SpeechToText } from '../../stt/types.ts';
import type { CallRecordings } from '../../transports/call-recording.ts';
import type { LiveCall, LiveCallHooks, LiveCallOptions, LiveVoiceOptions } from '../../transports/live-call.ts';
import { createPcmWebSocketCall, parsePcmSampleRate } from '../../transports/pcm-websocket.ts';
import type { TextToSpeech } from '../../tts/types.ts';
import { turnAwayIfFull, type CallRegistry } from '../call-registry.ts';
import type { CallWatch } from '../call-watch.ts';
import type { ServerMetrics } from '../metrics.ts';
import { createProtocolErrors } from '../protocol-errors.ts';

/** What the voice routes need; the app builds it once and passes the same to each (the caller registers @fastify/websocket). */
export interface MediaRouteOptions {
  runtime: CallRuntime;
  stt: SpeechToText;
  tts: TextToSpeech;
  /** Records every call (two-channel WAV at the call's rate) and audits `recording_stored`; absent = not recorded. */
  recording?: CallRecordings;
  metrics?: ServerMetrics;
  /** Open calls, so shutdown can hang them all up. */
  calls?: CallRegistry;
  /** Lists each call for /ws/watch with its machines' states (never what was said). */
  watch?: CallWatch;
  logger: Logger;
  voice?: LiveVoiceOptions;
  hooks?: LiveCallHooks;
  /** Route path; defaults to the route's own. */
  path?: string;
  /** /twilio/media: ms a socket may stay open without a `start` message before it is closed. Default 10,000. */
  startTimeoutMs?: number;
}

/** The live-call settings both voice routes pass from their options to their transport adapter. */
export function liveCallSettings(options: MediaRouteOptions): Pick<LiveCallOptions, 'runtime' | 'stt' | 'tts' | 'logger' | 'voice' | 'recordings' | 'hooks'> {
  return {
    runtime: options.runtime,
    stt: options.stt,
    tts: options.tts,
    logger: options.logger,
    ...(options.voice ? { voice: options.voice } : {}),
    ...(options.recording ? { recordings: options.recording } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  };
}

/**
 * Reports a live call to the metrics, to the open-call registry until its socket closes, and to the watch until it ends
 * (`flow`: the name of the flow it runs); returns the listener for its events.
 */
export function observeLiveCall(call: LiveCall, options: MediaRouteOptions, transport: string, socket: WebSocket, flow: string): (event: VoiceCallEvent) => void {
  options.metrics?.observeSession(call.session);
  const remove = options.calls?.add({ sessionId: call.sessionId, transport, hangUp: () => socket.close(1001, 'server shutting down') });
  const watched = options.watch?.add({ callId: call.sessionId, transport, flow });
  watched?.state(call.session.state());
  const closed = () => {
    remove?.();
    watched?.end();
  };
  if (socket.readyState === socket.CLOSED) closed();
  else socket.once('close', closed);
  void call.ended.then(() => watched?.end());
  const metrics = options.metrics;
  return (event) => {
    // States only: the watch never sees transcripts, replies, slots or audio.
    if (event.type === 'state') watched?.state(event.value);
    else if (event.type === 'turn-state') watched?.turnState(event.value);
    if (!metrics) return;
    if (event.type === 'transcript' && event.final) metrics.turn();
    else if (event.type === 'latency') {
      const { latency } = event;
      metrics.observeStage('vad_to_final_transcript', latency.transcriptMs / 1000);
      metrics.observeStage('transcript_to_reply', latency.replyMs / 1000);
      metrics.observeStage('reply_to_first_tts_byte', latency.firstAudioMs / 1000);
      metrics.observeStage('end_of_speech_to_first_audio', latency.voiceToVoiceMs / 1000);
    }
  };
}

/** Binds one socket to a call adapter: messages in, closes both ways, errors logged by id. */
export function bindSocket(
  socket: WebSocket,
  adapter: { receive(data: Buffer, isBinary: boolean, receivedAtMs: number): void; socketClosed(): void },
  logger: Logger,
): void {
  socket.on('message', (data, isBinary) => {
    const receivedAtMs = performance.now();
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    adapter.receive(bytes, isBinary, receivedAtMs);
  });
  socket.on('close', () => adapter.socketClosed());
  socket.on('error', (error) => {
    // The server's WebSocket error handler counts and logs it (once per connection).
    logger.debug({ error: error.name }, 'call socket error');
    adapter.socketClosed();
  });
}

export async function wsCallRoute(app: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  const { logger } = options;
  const protocolErrors = app.hasDecorator('frontdesk') ? app.frontdesk.protocolErrors : createProtocolErrors({ ...(options.metrics ? { metrics: options.metrics } : {}), logger });
  app.get(options.path ?? '/ws/call', { websocket: true }, (socket, request) => {
    const rate = parsePcmSampleRate((request.query as Record<string, unknown> | undefined)?.sampleRate);
    if (!rate.ok) {
      socket.close(1008, rate.reason);
      return;
    }
    // ?flow=NAME picks one of the server's flows (the playground's picker), as on /ws/text; never a path.
    const flowName = (request.query as Record<string, unknown> | undefined)?.flow;
    const choice = typeof flowName === 'string' && app.hasDecorator('frontdesk') ? app.frontdesk.flows.get(flowName) : undefined;
    if (flowName !== undefined && !choice) {
      socket.close(1008, 'unknown flow');
      return;
    }
    if (turnAwayIfFull(socket, options, 'call')) return;
    let report: (event: VoiceCallEvent) => void = () => {};
    const adapter = createPcmWebSocketCall({
      ...liveCallSettings(options),
      ...(choice ? { flow: choice.flow } : {}),
      sampleRate: rate.sampleRate,
      sendText: (text) => socket.send(text),
      sendBinary: (bytes) => socket.send(bytes, { binary: true }),
      close: (code, reason) => socket.close(code, reason),
      onEvent: (event) => report(event),
      onRefused: () => protocolErrors.report(socket, options.path ?? '/ws/call', 'refused-message'),
    });
    report = observeLiveCall(adapter.call, options, 'call', socket, (choice?.flow ?? options.runtime.flow).name);
    bindSocket(socket, adapter, logger);
  });
}
