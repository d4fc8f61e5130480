// /ws/text: the text channel over a WebSocket. Each text frame is one caller line; each channel event goes back as one JSON frame.
import type { RawData, WebSocket } from 'ws';
import { channelEvent, deliver, parseCallerLine } from '../../transports/text-channel.ts';
import type { FrontdeskRoutePlugin } from '../types.ts';
import { tryAgainLaterCloseCode, turnAwayIfFull } from '../call-registry.ts';

/** Longest caller line accepted, bytes of UTF-8; a typed turn is a sentence, not a document. */
export const maxCallerLineBytes = 4096;

/** The frame sent for a message that could not be used; the call goes on. */
export interface TextErrorFrame {
  type: 'error';
  message: string;
}

/** Close codes: 1000 the call ended, 1001 the server is shutting down, 1008 no such flow, 1013 not accepting calls now. */
export const textCloseCodes = { callEnded: 1000, goingAway: 1001, unknownFlow: 1008, tryAgainLater: tryAgainLaterCloseCode } as const;

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export const textChannelRoute: FrontdeskRoutePlugin = async (app, context) => {
  await context.flows.ready();
  app.get('/ws/text', { websocket: true }, (socket: WebSocket, request) => {
    if (context.lifecycle.closing) {
      socket.close(textCloseCodes.tryAgainLater, 'server shutting down');
      return;
    }
    // ?flow=NAME picks one of the server's flows for this call (the playground's picker); never a path.
    const flowName = (request.query as Record<string, unknown> | undefined)?.flow;
    const choice = typeof flowName === 'string' ? context.flows.get(flowName) : undefined;
    if (flowName !== undefined && !choice) {
      const known = context.flows.list().map((flow) => flow.name).join(', ');
      socket.send(JSON.stringify({ type: 'error', message: `unknown flow; this server offers: ${known}` } satisfies TextErrorFrame));
      socket.close(textCloseCodes.unknownFlow, 'unknown flow');
      return;
    }
    if (turnAwayIfFull(socket, context, 'text')) return;
    const session = context.runtime.openSession(choice ? { flow: choice.flow } : {});
    const log = request.log.child({ sessionId: session.sessionId, transport: 'text' });
    log.info('text call connected');
    context.metrics.observeSession(session);

    const send = (frame: object) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const sendError = (message: string) => send({ type: 'error', message } satisfies TextErrorFrame);

    // Time from a caller line arriving to the first agent line it produces: the text channel's share of a turn.
    let lineArrivedAt: number | undefined;
    const watched = context.watch.add({ callId: session.sessionId, transport: 'text', flow: (choice?.flow ?? context.runtime.flow).name });
    watched.state(session.state());
    void session.ended.then(() => watched.end());
    const unsubscribe = session.subscribe((event) => {
      if (event.type === 'state') watched.state(event.value);
      if (event.type === 'agent' && lineArrivedAt !== undefined) {
        context.metrics.observeStage('transcript_to_reply', (performance.now() - lineArrivedAt) / 1000);
        lineArrivedAt = undefined;
      }
      const frame = channelEvent(event, { slots: true });
      if (frame) send(frame);
      if (event.type === 'end' && socket.readyState === socket.OPEN) socket.close(textCloseCodes.callEnded, 'call ended');
    });
    // The session ends now, not when the close handshake completes: shutdown closes the runtime right after.
    const hangUp = () => {
      try {
        if (!session.isEnded()) session.hangUp();
      } catch (error) {
        log.error({ err: error }, 'hang-up failed');
      }
    };
    const unregister = context.calls.add({
      sessionId: session.sessionId,
      transport: 'text',
      hangUp: () => {
        hangUp();
        socket.close(textCloseCodes.goingAway, 'server shutting down');
      },
    });
    // No-input, as on a voice call: after the same silence budget with nothing typed and no turn running, the call
    // hears a silent turn (the machine re-prompts twice, then says the no-input goodbye and ends).
    let turnsRunning = 0;
    let silenceTimer: NodeJS.Timeout | undefined;
    const waitForInput = () => {
      clearTimeout(silenceTimer);
      if (turnsRunning > 0 || session.isEnded() || socket.readyState !== socket.OPEN) return;
      silenceTimer = setTimeout(() => run(session.silence()), context.config.noInputMs);
    };
    const run = (work: Promise<void>) => {
      turnsRunning += 1;
      clearTimeout(silenceTimer);
      void context.inFlight
        .track(work)
        .catch((error: unknown) => log.error({ err: error }, 'text turn failed'))
        .finally(() => {
          turnsRunning -= 1;
          waitForInput();
        });
    };

    run(session.start());

    const refuse = (kind: string, message: string) => {
      context.protocolErrors.report(socket, '/ws/text', kind);
      sendError(message);
    };
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return refuse('binary', 'binary frames are not accepted here: send each caller line as a text frame');
      const bytes = asBuffer(data);
      if (bytes.length > maxCallerLineBytes) return refuse('oversized', `a caller line may be at most ${maxCallerLineBytes} bytes`);
      const input = parseCallerLine(bytes.toString('utf8'));
      if (input.kind === 'invalid') return refuse('invalid', input.message);
      if (session.isEnded()) return sendError('the call has ended');
      context.metrics.turn();
      lineArrivedAt ??= performance.now();
      run(deliver(session, input));
    });

    socket.on('close', () => {
      clearTimeout(silenceTimer);
      unregister();
      hangUp();
      watched.end();
      void session.ended.then(() => unsubscribe());
      log.info('text call disconnected');
    });
  });
};
