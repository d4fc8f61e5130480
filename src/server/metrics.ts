// Prometheus metrics of the call server on their own registry: calls, turns, tool calls and per-stage latency.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallSession } from '../dialog/session.ts';

/** The latency stages of one voice turn, named for where each starts and ends. */
export const latencyStages = ['vad_to_final_transcript', 'transcript_to_reply', 'reply_to_first_tts_byte', 'end_of_speech_to_first_audio'] as const;
export type LatencyStage = (typeof latencyStages)[number];

/** Buckets in seconds: a turn that answers within 0.8 s feels live; above 3 s callers talk over it. */
const latencyBuckets = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5, 10];

export interface ServerMetrics {
  readonly registry: Registry;
  /** A stage of a turn took `seconds`. */
  observeStage(stage: LatencyStage, seconds: number): void;
  callStarted(): void;
  callEnded(): void;
  /** A call was turned away because the server was at FRONTDESK_MAX_CALLS. */
  callRefused(transport: string): void;
  /** One caller turn reached a session (a typed line, a final transcript, keypad digits or a silence). */
  turn(): void;
  /** One EHR tool call finished. */
  tool(name: string, ok: boolean): void;
  /** A client protocol error on `route` (an oversized or invalid frame, a message the route cannot use). */
  protocolError(route: string, kind: string): void;
  /** Counts a session as one call until it ends, and its tool calls. */
  observeSession(session: CallSession): void;
  /** The Prometheus text exposition of every metric. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** A metrics set on a fresh registry (never prom-client's global one); `processMetrics` adds CPU, memory and event-loop lag. */
export function createServerMetrics(options: { processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'frontdesk_process_' });
  const activeCalls = new Gauge({ name: 'frontdesk_active_calls', help: 'Calls in progress', registers: [registry] });
  const calls = new Counter({ name: 'frontdesk_calls_total', help: 'Calls started', registers: [registry] });
  const refused = new Counter({
    name: 'frontdesk_calls_refused_total',
    help: 'Calls turned away because every line was busy (FRONTDESK_MAX_CALLS), by transport',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const turns = new Counter({ name: 'frontdesk_turns_total', help: 'Caller turns handled', registers: [registry] });
  const tools = new Counter({
    name: 'frontdesk_tool_calls_total',
    help: 'EHR tool calls by tool name and whether they succeeded',
    labelNames: ['tool', 'ok'] as const,
    registers: [registry],
  });
  const protocolErrors = new Counter({
    name: 'frontdesk_protocol_errors_total',
    help: 'Client protocol errors (oversized or invalid frames, unusable messages) by route and kind',
    labelNames: ['route', 'kind'] as const,
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'frontdesk_stage_latency_seconds',
    help: 'Latency of each stage of a turn, seconds',
    labelNames: ['stage'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  for (const stage of latencyStages) stages.zero({ stage });

  let open = 0;
  const metrics: ServerMetrics = {
    registry,
    observeStage(stage, seconds) {
      if (Number.isFinite(seconds) && seconds >= 0) stages.observe({ stage }, seconds);
    },
    callStarted() {
      open += 1;
      calls.inc();
      activeCalls.set(open);
    },
    callEnded() {
      open = Math.max(0, open - 1);
      activeCalls.set(open);
    },
    callRefused: (transport) => refused.inc({ transport }),
    turn: () => turns.inc(),
    tool: (name, ok) => tools.inc({ tool: name, ok: String(ok) }),
    protocolError: (route, kind) => protocolErrors.inc({ route, kind }),
    observeSession(session) {
      metrics.callStarted();
      const unsubscribe = session.subscribe((event) => {
        if (event.type === 'tool') metrics.tool(event.name, event.ok);
      });
      void session.ended.then(() => {
        unsubscribe();
        metrics.callEnded();
      });
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
  return metrics;
}

/** The process's metrics: what /metrics serves and what the voice loop reports to. */
export const metrics: ServerMetrics = createServerMetrics();
