// GET /metrics: the Prometheus text exposition of the server's own registry.
import type { FrontdeskRoutePlugin } from '../types.ts';

export const metricsRoute: FrontdeskRoutePlugin = async (app, context) => {
  app.get('/metrics', async (_request, reply) => reply.type(context.metrics.contentType).send(await context.metrics.text()));
};
