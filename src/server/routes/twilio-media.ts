// The /twilio/media route: one Twilio Media Streams WebSocket per phone call, each with its own session, VoiceCall and recorder.
import type { FastifyInstance } from 'fastify';
import type { VoiceCallEvent } from '../../dialog/voice-call.ts';
import { createTwilioMediaStream } from '../../transports/twilio-media.ts';
import { bindSocket, observeLiveCall, type MediaRouteOptions } from './ws-call.ts';

export type { MediaRouteOptions };

export async function twilioMediaRoute(app: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  const { logger } = options;
  app.get(options.path ?? '/twilio/media', { websocket: true }, (socket) => {
    let report: (event: VoiceCallEvent) => void = () => {};
    const stream = createTwilioMediaStream({
      runtime: options.runtime,
      stt: options.stt,
      tts: options.tts,
      logger,
      ...(options.voice ? { voice: options.voice } : {}),
      ...(options.recording ? { recordings: options.recording } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      send: (message) => socket.send(message),
      close: (code, reason) => socket.close(code, reason),
      onCallStarted: (call) => {
        report = observeLiveCall(call, options, 'twilio', socket);
      },
      onEvent: (event) => report(event),
    });
    bindSocket(socket, stream, logger);
    void stream.done.then(() => {
      const { stats } = stream;
      const rejected = Object.values(stats.rejected).reduce((sum, count) => sum + count, 0);
      logger.info({ sessionId: stream.call?.sessionId, media: stats.mediaReceived, sent: stats.mediaSent, marksPlayed: stats.marksPlayed, rejected }, 'twilio stream closed');
    });
  });
}
