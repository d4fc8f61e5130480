// One call session of any flow: binds the EHR to the flow's actor names, turns utterances into the flow's events, reports what happens.
import { randomUUID } from 'node:crypto';
import { createActor, fromPromise, waitFor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import type { AuditTrail } from '../audit/types.ts';
import { wallNow, type Clock } from '../clock.ts';
import type { Ehr, EhrToolName } from '../ehr/types.ts';
import { defaultReplyOptions, type AgentSay, type EndReason, type Flow, type ReplyOptions } from '../flow/types.ts';
import type { Phraser } from '../llm/phraser.ts';
import type { Logger } from '../log.ts';
import type { Expectation, Extractor, Understanding } from '../understanding/types.ts';
import { statePath } from './state-view.ts';

export type SessionEvent =
  | { type: 'agent'; text: string; key: string }
  | { type: 'state'; value: string }
  | { type: 'tool'; name: EhrToolName; ok: boolean; durationMs: number }
  | { type: 'slots'; slots: Record<string, unknown> }
  | { type: 'end'; reason: EndReason };

/**
 * What the engine heard and did, beyond the session events: for the call log (`frontdesk replay`). Holds PHI (caller
 * words, tool results): a trace listener must keep it encrypted and never log it.
 */
export type SessionTrace =
  | { type: 'started'; flow: string; clinicNow: string; today: string; replies: ReplyOptions; phrased: boolean }
  | { type: 'caller'; input: { text?: string; dtmf?: string; confidence?: number }; event: EventObject }
  | { type: 'silence'; event: EventObject }
  | { type: 'hangup'; event: EventObject }
  | { type: 'tool'; actor: string; name: EhrToolName; output: unknown }
  | { type: 'tool'; actor: string; name: EhrToolName; error: unknown };

export interface CallSessionOptions {
  sessionId?: string;
  /** The flow this call runs. */
  flow: Flow;
  /** The EHR as the call may use it: guarded (verified-only PHI) and audited. */
  ehr: Ehr;
  extractor: Extractor;
  clock: Clock;
  auditTrail: AuditTrail;
  logger: Logger;
  /** Known locations and provider names, given to the extractor and STT grammar. */
  vocabulary?: Expectation['vocabulary'];
  replies?: Partial<ReplyOptions>;
  /** Rewords each rendered template (LLM phrasing); absent = templates as written, published synchronously. */
  phraser?: Phraser;
  /** A variant of the flow's machine (tests: a mutated graph); default the flow's own. */
  machine?: AnyStateMachine;
  /** How long a turn may wait for tools before the session gives up on it, ms. */
  turnTimeoutMs?: number;
  /** The number the call comes from (Twilio `From`, E.164): verification failures from it are throttled. Never logged. */
  callerNumber?: string;
  /** Receives what was heard and what the tools returned (the call log); called synchronously, in order with `subscribe`. */
  trace?: (entry: SessionTrace) => void;
}

export interface CallSession {
  readonly sessionId: string;
  /** Greets the caller; resolves when the greeting has been published. */
  start(): Promise<void>;
  /**
   * One caller turn: typed or transcribed text and/or keypad digits. Turns are handled one at a time, in order.
   * `confidence` (0–1) is the recognizer's for a transcript; absent means certain (typed text, keypad).
   */
  hear(input: { text?: string; dtmf?: string; confidence?: number }): Promise<void>;
  /** The caller said nothing for the no-input window. */
  silence(): Promise<void>;
  /** The caller hung up (or the transport closed). */
  hangUp(): void;
  /** What the current state waits for. */
  expectation(): Expectation;
  /** The dotted state path, e.g. "verified.booking.askDate". */
  state(): string;
  isEnded(): boolean;
  /** Every event, in order; returns an unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
  /** Resolves with the end reason when the call ends. */
  readonly ended: Promise<EndReason>;
}

/** Binds the flow's actor names to its EHR calls, reporting each as a `tool` event. */
function provideTools(
  flow: Flow,
  machine: AnyStateMachine,
  ehr: Ehr,
  report: (name: EhrToolName, ok: boolean, startedAt: number) => void,
  trace?: (entry: SessionTrace) => void,
) {
  const actors = Object.fromEntries(
    Object.entries(flow.tools).map(([actor, binding]) => [
      actor,
      fromPromise(async ({ input }: { input: unknown }) => {
        const startedAt = performance.now();
        const names = binding.reportsAs ?? [binding.name];
        try {
          const result = await binding.call(ehr, input as never);
          trace?.({ type: 'tool', actor, name: binding.name, output: result });
          const ok = binding.succeeded ? binding.succeeded(result) : true;
          for (const name of names) report(name, ok, startedAt);
          return result;
        } catch (error) {
          trace?.({ type: 'tool', actor, name: binding.name, error });
          // A call standing for several steps failed at its first.
          report(names[0]!, false, startedAt);
          throw error;
        }
      }),
    ]),
  );
  return machine.provide({ actors } as never);
}

export function createCallSession(options: CallSessionOptions): CallSession {
  const sessionId = options.sessionId ?? randomUUID();
  const logger = options.logger.child({ sessionId });
  const replyOptions = { ...defaultReplyOptions, ...options.replies };
  const turnTimeoutMs = options.turnTimeoutMs ?? 30_000;
  const listeners = new Set<(event: SessionEvent) => void>();
  const publish = (event: SessionEvent) => {
    for (const listener of listeners) listener(event);
  };

  const flow = options.flow;
  // The caller's number reaches verification through the EHR call's context, not through the flow.
  const callerNumber = options.callerNumber;
  const ehr: Ehr = callerNumber
    ? Object.assign(Object.create(options.ehr) as Ehr, {
        verifyPatient: (claim: Parameters<Ehr['verifyPatient']>[0], context: Parameters<Ehr['verifyPatient']>[1]) =>
          options.ehr.verifyPatient(claim, { ...context, callerNumber }),
      })
    : options.ehr;
  const machine = provideTools(flow, options.machine ?? flow.machine, ehr, (name, ok, startedAt) => {
    const durationMs = Math.round(performance.now() - startedAt);
    logger.info({ tool: name, ok, durationMs }, 'tool call');
    publish({ type: 'tool', name, ok, durationMs });
  }, options.trace);
  const clinicNow = wallNow(options.clock);
  const actor: AnyActorRef & { getSnapshot(): AnyMachineSnapshot; start(): void; stop(): void } = createActor(machine, {
    input: flow.input({ sessionId, today: clinicNow.slice(0, 10) }),
  });

  let endReason: EndReason | undefined;
  let callStarted = false;
  let resolveEnded!: (reason: EndReason) => void;
  const ended = new Promise<EndReason>((resolve) => {
    resolveEnded = resolve;
  });
  let lastState = '';
  let lastSlots = '';

  // Replies keep their order: with a phraser each waits for the one before it; the turn settles after the last.
  let replies: Promise<void> = Promise.resolve();
  const phraser = options.phraser && options.phraser.name !== 'template' ? options.phraser : undefined;
  actor.on('agent.say', (event: AgentSay) => {
    // Triage is audited as an action (ids only): the 911 line, and the advisory given for a symptom that is not acute.
    if (event.key === 'emergency' || event.key === 'symptomAdvisory') {
      options.auditTrail.append({ sessionId, action: 'emergency_triage', outcome: event.key === 'emergency' ? 'emergency_line' : 'advised' });
    }
    const templateText = flow.render(event, replyOptions);
    if (!phraser) {
      publish({ type: 'agent', key: event.key, text: templateText });
      return;
    }
    const stateId = lastState.split('.').at(-1) ?? lastState;
    const phrased = phraser.rephrase({ templateText, stateId });
    replies = replies.then(async () => publish({ type: 'agent', key: event.key, text: await phrased.catch(() => templateText) }));
  });

  const finish = (reason: EndReason) => {
    if (endReason) return;
    endReason = reason;
    // Every call_ended has its call_started: a line dropped before the call started leaves no record at all.
    if (callStarted) options.auditTrail.append({ sessionId, action: 'call_ended', outcome: 'ok', detail: { reason } });
    logger.info({ endReason: reason }, 'call ended');
    // The goodbye line (possibly being phrased) goes out before the end event.
    void replies.then(() => {
      publish({ type: 'end', reason });
      resolveEnded(reason);
    });
  };

  actor.subscribe({
    next: (snapshot: AnyMachineSnapshot) => {
      const path = statePath(snapshot.value);
      if (path !== lastState) {
        lastState = path;
        logger.debug({ state: path }, 'state');
        publish({ type: 'state', value: path });
      }
      const slots = flow.maskedSlots(snapshot.context);
      const slotsKey = JSON.stringify(slots);
      if (slotsKey !== lastSlots) {
        lastSlots = slotsKey;
        publish({ type: 'slots', slots });
      }
      if (snapshot.status === 'done') finish((snapshot.output as { endReason?: EndReason } | undefined)?.endReason ?? 'completed');
    },
    error: (error: unknown) => {
      // A machine error is a bug; the caller still gets a clean end.
      logger.error({ err: error }, 'call machine failed');
      finish('handoff');
    },
  });

  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    queue = queue.then(work, work);
    return queue;
  };

  const settle = async () => {
    try {
      await waitFor(actor, (snapshot: AnyMachineSnapshot) => snapshot.status !== 'active' || isAwaitingCaller(snapshot), {
        timeout: turnTimeoutMs,
      });
    } catch (error) {
      logger.error({ err: error, state: lastState }, 'turn did not settle');
    }
    await replies;
  };

  /** Waiting for the caller: active, and the state expects something. */
  const isAwaitingCaller = (snapshot: AnyMachineSnapshot) => flow.expectation(snapshot).slots.length > 0;
  const currentExpectation = () => flow.expectation(actor.getSnapshot(), options.vocabulary);

  const understand = async (input: { text?: string; dtmf?: string }): Promise<Understanding> => {
    try {
      return await options.extractor.extract({
        text: input.text,
        dtmf: input.dtmf,
        expectation: currentExpectation(),
        now: wallNow(options.clock),
      });
    } catch (error) {
      logger.warn({ err: error, extractor: options.extractor.name }, 'extraction failed; treating the turn as not understood');
      return {};
    }
  };

  return {
    sessionId,
    start() {
      return enqueue(async () => {
      if (endReason) return;
      callStarted = true;
      options.auditTrail.append({ sessionId, action: 'call_started', outcome: 'ok' });
      logger.info('call started');
      options.trace?.({ type: 'started', flow: flow.name, clinicNow, today: clinicNow.slice(0, 10), replies: replyOptions, phrased: phraser !== undefined });
      actor.start();
      await settle();
      });
    },
    hear(input) {
      return enqueue(async () => {
        if (endReason) return;
        const understanding = await understand(input);
        if (endReason) return;
        const event = flow.eventFor(understanding, input.confidence);
        options.trace?.({ type: 'caller', input, event });
        actor.send(event);
        await settle();
      });
    },
    silence() {
      return enqueue(async () => {
        if (endReason) return;
        const event = { type: 'caller.stayed_silent' };
        options.trace?.({ type: 'silence', event });
        actor.send(event);
        await settle();
      });
    },
    hangUp() {
      if (endReason) return;
      const event = { type: 'caller.hung_up' };
      options.trace?.({ type: 'hangup', event });
      actor.send(event);
      // A call that was already past its last state still ends cleanly.
      finish(endReason ?? 'hangup');
      actor.stop();
    },
    expectation: currentExpectation,
    state: () => statePath(actor.getSnapshot().value),
    isEnded: () => endReason !== undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ended,
  };
}
