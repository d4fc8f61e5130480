// GET /healthz (the process answers) and GET /readyz (the EHR and the recording store answer, shutdown has not begun and a line is free).
import type { FrontdeskRoutePlugin } from '../types.ts';
import { isFrontdeskError } from '../../errors.ts';

/** Longest wait for one dependency's ping before it counts as failed, ms. */
export const readinessPingTimeoutMs = 2000;

type Check = { ok: true } | { ok: false; error: string };

async function check(ping: () => Promise<void>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), readinessPingTimeoutMs);
  });
  try {
    await Promise.race([ping(), timeout]);
    return { ok: true };
  } catch (error) {
    // The error code only: a driver message could name a file path or a host, which is fine, but never needed here.
    return { ok: false, error: isFrontdeskError(error) ? error.code : error instanceof Error && error.message === 'timeout' ? 'TIMEOUT' : 'FAILED' };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FrontdeskRoutePlugin = async (app, context) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const store = context.recordingStore;
    const database = context.runtime.database;
    const [ehr, recordings, shared] = await Promise.all([
      check(() => context.runtime.store.ping()),
      store ? check(() => store.ping()) : undefined,
      database ? check(() => database.ping()) : undefined,
    ]);
    // With FRONTDESK_DATABASE_URL the shared database is reported on its own: lockouts, the audit chain and hand-offs live there.
    const checks: Record<string, Check> = { ehr, ...(recordings ? { recordings } : {}), ...(shared ? { database: shared } : {}) };
    if (context.lifecycle.closing) checks.server = { ok: false, error: 'SHUTTING_DOWN' };
    // At FRONTDESK_MAX_CALLS a load balancer should send new calls elsewhere; calls in progress go on.
    else if (context.calls.full()) checks.server = { ok: false, error: 'AT_CAPACITY' };
    const failed = Object.entries(checks)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name);
    if (failed.length > 0) context.logger.warn({ failed }, 'not ready');
    return reply.code(failed.length === 0 ? 200 : 503).send({ status: failed.length === 0 ? 'ready' : 'unavailable', failed, checks });
  });
};
