// buildApp: the fastify instance (without listen) with the core routes plus any route plugins handed in (the voice endpoints).
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { CallRuntime } from '../dialog/call-runtime.ts';
import type { Logger } from '../log.ts';
import type { RecordingStore } from '../recording/types.ts';
import { withCallLogs, type CallLogSettings } from './call-logs.ts';
import { createCallRegistry } from './call-registry.ts';
import { createCallWatch } from './call-watch.ts';
import { createFlowChoices } from './flow-choices.ts';
import { createInFlightWork } from './in-flight.ts';
import { metrics as processMetrics, type ServerMetrics } from './metrics.ts';
import { createProtocolErrors, isClientProtocolError, protocolErrorKind } from './protocol-errors.ts';
import { callWatchRoute } from './routes/call-watch.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { playgroundRoutes } from './routes/playground.ts';
import { textChannelRoute } from './routes/text-channel.ts';
import { twilioVoiceRoute } from './routes/twilio-voice.ts';
import type { FrontdeskRoutePlugin, ServerContext } from './types.ts';

// The context and route-plugin types live in types.ts, so routes need not import the app that registers them.
export type { FrontdeskRoutePlugin, ServerContext } from './types.ts';

export interface AppDependencies {
  config: Readonly<Config>;
  runtime: CallRuntime;
  logger: Logger;
  recordingStore?: RecordingStore;
  /** Default: the process-wide `metrics` the voice loop also reports to. */
  metrics?: ServerMetrics;
  /** Registered after the core routes, e.g. /ws/call and /twilio/media. */
  routes?: FrontdeskRoutePlugin[];
  /** Keep an encrypted call log of every call (`frontdesk replay` reads it); absent = no call logs. */
  callLogs?: CallLogSettings;
  /** Flow name → catalogue name or module path, the flows a call may pick; default the catalogue's and the runtime's. */
  flows?: Readonly<Record<string, string>>;
}

/** The routes every server has, in registration order. */
export const coreRoutes: readonly FrontdeskRoutePlugin[] = [healthRoutes, metricsRoute, textChannelRoute, twilioVoiceRoute, playgroundRoutes, callWatchRoute];

/** Largest WebSocket message accepted before the connection is closed (1009); routes apply their own tighter limits. */
export const maxWebSocketMessageBytes = 1024 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    frontdesk: ServerContext;
  }
}

// Request logs carry the route pattern, never the URL: a query string could carry PHI.
function requestSummary(request: FastifyRequest) {
  return { method: request.method, route: request.routeOptions?.url ?? 'unmatched' };
}

function responseSummary(reply: FastifyReply) {
  return { statusCode: reply.statusCode };
}

const quietRoutes = new Set(['/healthz', '/readyz', '/metrics']);

/** Builds the server; call `listen()` on the result (or `inject()` in tests). Shut it down with `closeGracefully`. */
export function buildApp(dependencies: AppDependencies): FastifyInstance {
  const callLogging = dependencies.callLogs ? withCallLogs(dependencies.runtime, dependencies.callLogs, dependencies.logger) : undefined;
  const context: ServerContext = {
    config: dependencies.config,
    runtime: callLogging?.runtime ?? dependencies.runtime,
    logger: dependencies.logger,
    ...(dependencies.recordingStore ? { recordingStore: dependencies.recordingStore } : {}),
    metrics: dependencies.metrics ?? processMetrics,
    calls: createCallRegistry({ ...(dependencies.config.server.maxCalls === undefined ? {} : { maxCalls: dependencies.config.server.maxCalls }) }),
    watch: createCallWatch(),
    inFlight: createInFlightWork(),
    lifecycle: { closing: false },
    protocolErrors: createProtocolErrors({ metrics: dependencies.metrics ?? processMetrics, logger: dependencies.logger.child({ component: 'server' }) }),
    flows: createFlowChoices({
      defaultFlow: { flow: dependencies.runtime.flow, ...(dependencies.config.flow ? { spec: dependencies.config.flow } : {}) },
      ...(dependencies.flows ? { specs: dependencies.flows } : {}),
      logger: dependencies.logger,
    }),
  };
  const serverLogger = dependencies.logger.child({ component: 'server' }, { serializers: { req: requestSummary, res: responseSummary } });
  // Fastify's own request lines would carry the URL; the hooks below log the route pattern instead.
  const app = Fastify({
    loggerInstance: serverLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;
  app.decorate('frontdesk', context);

  // With request logging off, fastify's error handler logs nothing either: failures are logged here.
  app.addHook('onError', async (request, reply, error) => {
    const summary = { ...requestSummary(request), statusCode: reply.statusCode, err: error };
    if (reply.statusCode >= 500 || !error.statusCode || error.statusCode >= 500) request.log.error(summary, 'request failed');
    else request.log.debug(summary, 'request rejected');
  });
  app.addHook('onResponse', async (request, reply) => {
    const summary = { ...requestSummary(request), statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    if (quietRoutes.has(summary.route)) request.log.debug(summary, 'request');
    else request.log.info(summary, 'request');
  });

  // However the app is closed, open calls end before anything they use (the runtime) can be closed after it.
  app.addHook('preClose', async () => {
    context.flows.close();
    await context.calls.hangUpAll();
  });
  // Hung-up calls' logs are flushed and closed before the app reports closed.
  if (callLogging) app.addHook('onClose', async () => callLogging.whenIdle());

  // Plugins load in this order on ready()/listen()/inject().
  void app.register(websocket, {
    options: { maxPayload: maxWebSocketMessageBytes },
    // A frame the client got wrong is counted and logged once per connection, without a stack; anything else is ours.
    errorHandler: (error, socket, request) => {
      if (isClientProtocolError(error)) context.protocolErrors.report(socket, requestSummary(request).route, protocolErrorKind(error));
      else request.log.error({ err: error, route: requestSummary(request).route }, 'websocket handler failed');
      socket.terminate();
    },
  });
  for (const route of [...coreRoutes, ...(dependencies.routes ?? [])]) {
    void app.register(async (instance) => route(instance, context));
  }
  return app;
}
