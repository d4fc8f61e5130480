// The calls this server has open, each with a way to hang up its transport; shutdown hangs them all up, and a call past FRONTDESK_MAX_CALLS is turned away.
import type { Logger } from '../log.ts';
import type { ServerMetrics } from './metrics.ts';

export interface OpenCall {
  sessionId: string;
  /** Which endpoint carries the call, e.g. "text", "call", "twilio". */
  transport: string;
  /** Ends the call from the server side: closes the transport, which hangs the session up. */
  hangUp(): void;
}

export interface CallRegistry {
  /** Registers an open call; the returned function removes it (call it when the transport closes). */
  add(call: OpenCall): () => void;
  size(): number;
  /** Calls in progress at most; undefined: no limit. */
  readonly maxCalls?: number;
  /** True while `maxCalls` calls are open: a new one is turned away. */
  full(): boolean;
  /** Hangs up every open call; used at shutdown. */
  hangUpAll(): void;
}

export function createCallRegistry(options: { maxCalls?: number } = {}): CallRegistry {
  const calls = new Set<OpenCall>();
  const { maxCalls } = options;
  return {
    add(call) {
      calls.add(call);
      return () => calls.delete(call);
    },
    size: () => calls.size,
    ...(maxCalls === undefined ? {} : { maxCalls }),
    full: () => maxCalls !== undefined && calls.size >= maxCalls,
    hangUpAll() {
      for (const call of [...calls]) call.hangUp();
    },
  };
}

/** WebSocket close code for a call the server does not take now (every line busy, or shutting down): 1013, try again later. */
export const tryAgainLaterCloseCode = 1013;

type CallServer = { calls?: CallRegistry; metrics?: ServerMetrics; logger: Logger };

/** True when the server is at its limit; the call about to start is then counted and logged (ids only) as turned away. */
export function mustTurnAway(server: CallServer, transport: string): boolean {
  if (!server.calls?.full()) return false;
  server.metrics?.callRefused(transport);
  server.logger.warn({ transport, maxCalls: server.calls.maxCalls }, 'call turned away: every line is busy (FRONTDESK_MAX_CALLS)');
  return true;
}

/** Turns a new call away when the server is at its limit, closing its socket with 1013; returns whether it did. Calls already in progress are never affected. */
export function turnAwayIfFull(socket: { close(code: number, reason: string): void }, server: CallServer, transport: string): boolean {
  if (!mustTurnAway(server, transport)) return false;
  socket.close(tryAgainLaterCloseCode, 'all lines are busy');
  return true;
}
