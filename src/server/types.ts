// The server's shared types: what every route plugin gets, and a route plugin's shape.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { CallRuntime } from '../dialog/call-runtime.ts';
import type { Logger } from '../log.ts';
import type { RecordingStore } from '../recording/types.ts';
import type { CallRegistry } from './call-registry.ts';
import type { CallWatch } from './call-watch.ts';
import type { FlowChoices } from './flow-choices.ts';
import type { InFlightWork } from './in-flight.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ProtocolErrors } from './protocol-errors.ts';

/** What every route plugin gets: the shared runtime and the server's registries. */
export interface ServerContext {
  readonly config: Readonly<Config>;
  readonly runtime: CallRuntime;
  readonly logger: Logger;
  readonly recordingStore?: RecordingStore;
  readonly metrics: ServerMetrics;
  /** Calls with an open transport; shutdown hangs them up. */
  readonly calls: CallRegistry;
  /** Live calls' states for /ws/watch (ids, transports and state paths only). */
  readonly watch: CallWatch;
  /** Work shutdown waits for (turns touching the EHR, recording uploads). */
  readonly inFlight: InFlightWork;
  /** Set once shutdown begins: new calls are refused and /readyz answers 503. */
  readonly lifecycle: { closing: boolean };
  /** The flows a new call may ask for (/ws/text?flow=NAME, the playground's picker), with their path coverage. */
  readonly flows: FlowChoices;
  /** Client protocol errors: counted, logged once per connection at warn. */
  readonly protocolErrors: ProtocolErrors;
}

/** A route plugin in fastify's own shape; its options are the server context. */
export type FrontdeskRoutePlugin = FastifyPluginAsync<ServerContext>;
