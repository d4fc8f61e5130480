// closeGracefully: stop taking calls, hang up the open ones, let in-flight work finish (bounded), then close the server and the runtime.
import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

export interface GracefulCloseResult {
  /** Calls hung up by the shutdown. */
  hungUp: number;
  /** Tracked work still pending when the wait ran out (0 = everything finished). */
  abandoned: number;
}

/**
 * Order: refuse new calls → hang up open calls (their transports close, sessions end) → stop listening and close
 * idle connections → wait up to `timeoutMs` for tracked work (turns, recording uploads) → close the runtime
 * (EHR and audit trail), so no write lands on a closed database.
 */
export async function closeGracefully(app: FastifyInstance, options: { timeoutMs: number }): Promise<GracefulCloseResult> {
  const context = app.frontdesk;
  const log = context.logger;
  const deadline = Date.now() + options.timeoutMs;
  const withinDeadline = async (work: Promise<unknown>): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const ranOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([work.then(() => true), ranOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  context.lifecycle.closing = true;
  const hungUp = context.calls.size();
  context.calls.hangUpAll();
  const closing = app.close();
  if (!(await withinDeadline(closing))) {
    // A peer that never answers the WebSocket close handshake must not hold the process.
    log.warn({ timeoutMs: options.timeoutMs }, 'connections still open at the deadline; closing them');
    for (const client of app.websocketServer?.clients ?? []) client.terminate();
    app.server.closeAllConnections();
    await closing;
  }
  const settled = await withinDeadline(context.inFlight.settled());
  const abandoned = settled ? 0 : context.inFlight.size();
  if (abandoned > 0) log.warn({ abandoned, timeoutMs: options.timeoutMs }, 'shutdown did not wait for all in-flight work');

  await context.runtime.close();
  log.info({ hungUp, abandoned }, 'server closed');
  return { hungUp, abandoned };
}
