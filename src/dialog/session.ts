// One call session: binds the EHR and extractor to the machine's actor names, turns utterances into events, reports what happens.
import { randomUUID } from 'node:crypto';
import { createActor, fromPromise, waitFor, type Actor, type SnapshotFrom } from 'xstate';
import { callMachine, type CallMachine } from '../../machines/call-machine.ts';
import { eventForUnderstanding, expectationFor, isAwaitingCaller } from '../../machines/call-helpers.ts';
import type { AgentSayEvent, EndReason, PromptKey } from '../../machines/call-types.ts';
import type { AuditTrail } from '../audit/types.ts';
import { wallNow, type Clock } from '../clock.ts';
import type { Ehr, EhrToolName } from '../ehr/types.ts';
import type { Phraser } from '../llm/phraser.ts';
import type { Logger } from '../log.ts';
import type { Expectation, Extractor, Understanding } from '../understanding/types.ts';
import { defaultReplyOptions, renderReply, type ReplyOptions } from './replies.ts';
import { maskedSlots, statePath, type MaskedSlots } from './state-view.ts';

export type SessionEvent =
  | { type: 'agent'; text: string; key: PromptKey }
  | { type: 'state'; value: string }
  | { type: 'tool'; name: EhrToolName; ok: boolean; durationMs: number }
  | { type: 'slots'; slots: MaskedSlots }
  | { type: 'end'; reason: EndReason };

export interface CallSessionOptions {
  sessionId?: string;
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
  /** A variant of the call machine (tests); production uses the one in machines/. */
  machine?: CallMachine;
  /** How long a turn may wait for tools before the session gives up on it, ms. */
  turnTimeoutMs?: number;
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

/** Binds the machine's actor names to EHR calls, reporting each as a `tool` event. */
function provideActors(machine: CallMachine, ehr: Ehr, report: (name: EhrToolName, ok: boolean, startedAt: number) => void) {
  async function tool<T>(name: EhrToolName, call: () => Promise<T>, succeeded: (result: T) => boolean = () => true) {
    const startedAt = performance.now();
    try {
      const result = await call();
      report(name, succeeded(result), startedAt);
      return result;
    } catch (error) {
      report(name, false, startedAt);
      throw error;
    }
  }
  return machine.provide({
    actors: {
      verifyPatient: fromPromise(({ input }) =>
        tool('verify_patient', () => ehr.verifyPatient(input.claim, { sessionId: input.sessionId }), (result) => result.outcome === 'verified'),
      ),
      searchProviders: fromPromise(({ input }) =>
        tool('search_providers', () =>
          ehr.searchProviders({ specialty: input.specialty, location: input.location }, { sessionId: input.sessionId }),
        ),
      ),
      getAvailableSlots: fromPromise(({ input }) =>
        tool('get_available_slots', () =>
          ehr.getAvailableSlots({ providerId: input.providerId, date: input.date }, { sessionId: input.sessionId }),
        ),
      ),
      getAvailableDates: fromPromise(({ input }) =>
        tool('get_available_dates', () =>
          ehr.getAvailableDates({ providerId: input.providerId, after: input.after, limit: 3 }, { sessionId: input.sessionId }),
        ),
      ),
      listAppointments: fromPromise(({ input }) => tool('get_patient_appointments', () => ehr.getPatientAppointments(input.session))),
      bookAppointment: fromPromise(({ input }) =>
        tool('book_appointment', () => ehr.bookAppointment(input.session, { slotId: input.slotId, reason: input.reason })),
      ),
      cancelAppointment: fromPromise(({ input }) =>
        tool('cancel_appointment', () => ehr.cancelAppointment(input.session, input.appointmentId)),
      ),
      // One EHR transaction books the new slot and cancels the old one; the channel reports both steps under the
      // seed's tool names, and a conflict as a booking that failed (the old appointment stays).
      rescheduleAppointment: fromPromise(async ({ input }) => {
        const startedAt = performance.now();
        try {
          const result = await ehr.rescheduleAppointment(input.session, { appointmentId: input.appointmentId, newSlotId: input.newSlotId });
          report('book_appointment', true, startedAt);
          report('cancel_appointment', true, startedAt);
          return result;
        } catch (error) {
          report('book_appointment', false, startedAt);
          throw error;
        }
      }),
    },
  });
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

  const machine = provideActors(options.machine ?? callMachine, options.ehr, (name, ok, startedAt) => {
    const durationMs = Math.round(performance.now() - startedAt);
    logger.info({ tool: name, ok, durationMs }, 'tool call');
    publish({ type: 'tool', name, ok, durationMs });
  });
  const actor: Actor<CallMachine> = createActor(machine, { input: { sessionId, today: wallNow(options.clock).slice(0, 10) } });

  let endReason: EndReason | undefined;
  let resolveEnded!: (reason: EndReason) => void;
  const ended = new Promise<EndReason>((resolve) => {
    resolveEnded = resolve;
  });
  let lastState = '';
  let lastSlots = '';

  // Replies keep their order: with a phraser each waits for the one before it; the turn settles after the last.
  let replies: Promise<void> = Promise.resolve();
  const phraser = options.phraser && options.phraser.name !== 'template' ? options.phraser : undefined;
  actor.on('agent.say', (event: AgentSayEvent) => {
    // Triage is audited as an action (ids only): the 911 line, and the advisory given for a symptom that is not acute.
    if (event.key === 'emergency' || event.key === 'symptomAdvisory') {
      options.auditTrail.append({ sessionId, action: 'emergency_triage', outcome: event.key === 'emergency' ? 'emergency_line' : 'advised' });
    }
    const templateText = renderReply(event.key, event.context, replyOptions, event.repeat);
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
    options.auditTrail.append({ sessionId, action: 'call_ended', outcome: 'ok', detail: { reason } });
    logger.info({ endReason: reason }, 'call ended');
    // The goodbye line (possibly being phrased) goes out before the end event.
    void replies.then(() => {
      publish({ type: 'end', reason });
      resolveEnded(reason);
    });
  };

  actor.subscribe({
    next: (snapshot) => {
      const path = statePath(snapshot.value);
      if (path !== lastState) {
        lastState = path;
        logger.debug({ state: path }, 'state');
        publish({ type: 'state', value: path });
      }
      const slots = maskedSlots(snapshot.context);
      const slotsKey = JSON.stringify(slots);
      if (slotsKey !== lastSlots) {
        lastSlots = slotsKey;
        publish({ type: 'slots', slots });
      }
      if (snapshot.status === 'done') finish(snapshot.output?.endReason ?? 'completed');
    },
    error: (error) => {
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
      await waitFor(actor, (snapshot) => snapshot.status !== 'active' || isAwaitingCaller(snapshot), {
        timeout: turnTimeoutMs,
      });
    } catch (error) {
      logger.error({ err: error, state: lastState }, 'turn did not settle');
    }
    await replies;
  };

  const currentExpectation = () => expectationFor(actor.getSnapshot(), options.vocabulary);

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
      options.auditTrail.append({ sessionId, action: 'call_started', outcome: 'ok' });
      logger.info('call started');
      actor.start();
      await settle();
      });
    },
    hear(input) {
      return enqueue(async () => {
        if (endReason) return;
        const understanding = await understand(input);
        if (endReason) return;
        actor.send(eventForUnderstanding(understanding, input.confidence));
        await settle();
      });
    },
    silence() {
      return enqueue(async () => {
        if (endReason) return;
        actor.send({ type: 'caller.stayed_silent' });
        await settle();
      });
    },
    hangUp() {
      if (endReason) return;
      actor.send({ type: 'caller.hung_up' });
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

export type CallSnapshot = SnapshotFrom<CallMachine>;
