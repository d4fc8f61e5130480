// /ws/watch: the live calls (id, transport, flow) and, for the one a watcher picks, its call-machine and turn-taking states as they change; the playground's "Watch" follows a phone call with it. States and ids only, never call content.
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import type { WatchMessage } from '../call-watch.ts';
import type { FrontdeskRoutePlugin } from '../types.ts';

/** Longest watcher message accepted, bytes; `{"watch":"<uuid>"}` is about 50. */
export const maxWatchMessageBytes = 1024;

// {"watch":"<callId>"} follows that call (instead of any other); {"watch":null} follows none.
const watcherMessageSchema = z.object({ watch: z.string().max(200).nullable() }).strict();

function asText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export const callWatchRoute: FrontdeskRoutePlugin = async (app, context) => {
  app.get('/ws/watch', { websocket: true }, (socket: WebSocket) => {
    const send = (message: WatchMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    send({ type: 'calls', calls: context.watch.list() });
    const stopListing = context.watch.onCalls((calls) => send({ type: 'calls', calls }));
    let stopFollowing: (() => void) | undefined;

    const refuse = (kind: string, message: string) => {
      context.protocolErrors.report(socket, '/ws/watch', kind);
      send({ type: 'error', message });
    };
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const text = isBinary ? undefined : asText(data);
      if (text === undefined) return refuse('binary', 'send {"watch":"<callId>"} or {"watch":null} as a text frame');
      if (Buffer.byteLength(text) > maxWatchMessageBytes) return refuse('oversized', `messages are limited to ${maxWatchMessageBytes} bytes`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return refuse('invalid', 'expected {"watch":"<callId>"} or {"watch":null}');
      }
      const parsed = watcherMessageSchema.safeParse(value);
      if (!parsed.success) return refuse('invalid', 'expected {"watch":"<callId>"} or {"watch":null}');
      stopFollowing?.();
      stopFollowing = undefined;
      const callId = parsed.data.watch;
      if (callId === null) return;
      stopFollowing = context.watch.follow(callId, send);
      if (!stopFollowing) send({ type: 'error', message: 'no such live call' });
    });
    socket.on('close', () => {
      stopListing();
      stopFollowing?.();
    });
  });
};
