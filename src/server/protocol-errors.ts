// Client protocol errors (oversized or invalid frames, messages a route cannot use): counted in a metric, logged at most once per connection at warn, without a stack.
import type { Logger } from '../log.ts';
import type { ServerMetrics } from './metrics.ts';

export interface ProtocolErrors {
  /**
   * One protocol error on `connection` (the socket): counted as `frontdesk_protocol_errors_total{route,kind}`; the first
   * of the connection is logged at warn (route and kind only), the rest at debug, so no client can flood the log.
   */
  report(connection: object, route: string, kind: string): void;
}

export function createProtocolErrors(options: { metrics?: ServerMetrics; logger: Logger }): ProtocolErrors {
  const logged = new WeakSet<object>();
  return {
    report(connection, route, kind) {
      options.metrics?.protocolError(route, kind);
      const level = logged.has(connection) ? 'debug' : 'warn';
      logged.add(connection);
      options.logger[level]({ route, kind }, 'client protocol error (the first per connection is logged; all are counted)');
    },
  };
}

/** A bounded label for a socket error: `ws`'s own codes (WS_ERR_…), else the error's name. */
export function protocolErrorKind(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^WS_ERR_[A-Z0-9_]{1,60}$/.test(code)) return code;
  return error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'unknown';
}

/** Whether a socket error is the client's doing (a frame `ws` refused) rather than a fault of ours. */
export function isClientProtocolError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}
