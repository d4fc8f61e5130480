// The /twilio/media route: one Twilio Media Streams WebSocket per phone call, each with its own session, VoiceCall and recorder; the upgrade's Twilio signature is checked and hand-offs are remembered by CallSid.
import type { FastifyInstance } from 'fastify';
import type { VoiceCallEvent } from '../../dialog/voice-call.ts';
import { createTwilioMediaStream } from '../../transports/twilio-media.ts';
import type { ServerContext } from '../types.ts';
import { turnAwayIfFull } from '../call-registry.ts';
import { createProtocolErrors } from '../protocol-errors.ts';
import { endsInTransfer } from '../handoff-calls.ts';
import { handoffCallsOf } from '../server-handoff-calls.ts';
import { twilioSignatureCheck } from '../twilio-signature.ts';
import { bindSocket, liveCallSettings, observeLiveCall, type MediaRouteOptions } from './ws-call.ts';

export type { MediaRouteOptions };

/** How long a Media Streams socket may stay open without a `start` message, ms. */
export const twilioStartTimeoutMs = 10_000;

/**
 * Inside `buildApp` the route takes the server's Twilio settings from its context: with TWILIO_AUTH_TOKEN set, an upgrade
 * whose X-Twilio-Signature does not match is answered 403 before any socket or session exists; a call whose session ends
 * in a hand-off (or a lockout, whose line promises a transfer) is remembered for /twilio/after-stream. On a bare fastify
 * instance (benchmarks, transport tests) neither.
 */
export async function twilioMediaRoute(app: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  const { logger } = options;
  const context: ServerContext | undefined = app.hasDecorator('frontdesk') ? app.frontdesk : undefined;
  const authToken = context?.config.twilio.authToken;
  const handoffs = context ? handoffCallsOf(context) : undefined;
  const path = options.path ?? '/twilio/media';
  const protocolErrors = context?.protocolErrors ?? createProtocolErrors({ ...(options.metrics ? { metrics: options.metrics } : {}), logger });
  const routeOptions = {
    websocket: true as const,
    ...(context && authToken ? { preValidation: twilioSignatureCheck({ authToken, publicUrl: context.config.server.publicUrl, request: 'media-stream', route: path }) } : {}),
  };

  app.get(path, routeOptions, (socket) => {
    // POST /twilio/voice turns calls away before they stream; one that connects at the limit anyway is closed (Twilio then asks the <Connect> action, which hangs up).
    if (turnAwayIfFull(socket, options, 'twilio')) return;
    let report: (event: VoiceCallEvent) => void = () => {};
    const stream = createTwilioMediaStream({
      ...liveCallSettings(options),
      send: (message) => socket.send(message),
      close: (code, reason) => socket.close(code, reason),
      onCallStarted: (call, start) => {
        report = observeLiveCall(call, options, 'twilio', socket, options.runtime.flow.name);
        // The session ends (its hand-off line queued) before the stream closes, and Twilio asks for the action only after the close.
        if (handoffs) {
          void call.ended.then((reason) => {
            if (endsInTransfer(reason)) handoffs.remember(start.callSid);
          });
        }
      },
      onEvent: (event) => report(event),
      onRejected: (reason) => protocolErrors.report(socket, path, reason),
    });
    bindSocket(socket, stream, logger);
    // Twilio sends `start` right after connecting: a socket that has not started a call by then only holds a line.
    const startTimer = setTimeout(() => {
      if (stream.call || socket.readyState !== socket.OPEN) return;
      protocolErrors.report(socket, path, 'no-start');
      socket.close(1008, 'no start message');
    }, options.startTimeoutMs ?? twilioStartTimeoutMs);
    socket.once('close', () => clearTimeout(startTimer));
    void stream.done.then(() => {
      const { stats } = stream;
      const rejected = Object.values(stats.rejected).reduce((sum, count) => sum + count, 0);
      logger.info({ sessionId: stream.call?.sessionId, media: stats.mediaReceived, sent: stats.mediaSent, marksPlayed: stats.marksPlayed, rejected }, 'twilio stream closed');
    });
  });
}
