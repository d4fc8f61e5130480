// The scheduling flow's statechart: greet → intent → verify → act (under `verified` only) → anything else → goodbye.
import { and, assign, enqueueActions, fromPromise, not, setup, type AnyActorLogic, type AnyStateMachine, type EventObject } from 'xstate';
import { addDays, type WallDate } from '../../src/clock.ts';
import type {
  Appointment,
  AppointmentId,
  Provider,
  ProviderId,
  Slot,
  SlotId,
  Specialty,
  VerificationClaim,
  VerifiedSession,
  VerifyResult,
} from '../../src/ehr/types.ts';
import { isKeyedLastName } from '../../src/ehr/identity.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import type { Intent, OfferedOption, Understanding } from '../../src/understanding/types.ts';
import type {
  AgentSayEvent,
  BookingSlots,
  CallEvent,
  CallMachineContext,
  CallMachineInput,
  EndReason,
  PromptKey,
  StateMeta,
  VerificationSlots,
} from './types.ts';
import { completeDateOfBirth, heardVerification } from '../../machines/verification.ts';
import {
  offeredAppointments,
  offeredDates,
  offeredProviders,
  offeredSlots,
} from './helpers.ts';

/** Actors that read or write patient data. They may be invoked only from states under `verified`. */
export const phiActorNames = ['listAppointments', 'bookAppointment', 'cancelAppointment', 'rescheduleAppointment'] as const;

/** At most this many failed verifications in one call before lockout. */
export const maxVerificationFailures = 3;
/** Re-prompts after silence before the call ends. */
export const maxNoInput = 2;
/** Loop guard: no question is asked more than this many times in a row; the last of them changes strategy, then staff is offered. */
export const maxAsksInARow = 3;
/** A recognizer confidence (0–1) below this cannot trigger a hand-off, a read-back's yes or a change to a value already given. */
export const lowConfidenceBelow = 0.5;

function notProvided(name: string): never {
  throw new Error(`actor ${name} is not provided: bind it with machine.provide()`);
}

const emptyBooking = (): BookingSlots => ({ providers: [], slots: [], suggestedDates: [] });

/** Questions are remembered so silence, "what?" and a refused clinical question can repeat them: the line's own (greeting, identity, anything else). */
export const lineQuestionKeys: readonly PromptKey[] = ['greeting', 'askIntent', 'offerHuman', 'askLastName', 'askDateOfBirth', 'askBirthYear', 'askPhone', 'confirmHeardValues', 'anythingElse', 'whatElse', 'askSymptomsNow'];

/** The scheduling part's questions. */
const schedulingQuestionKeys: readonly PromptKey[] = [
  'askSpecialty',
  'chooseProvider',
  'askDate',
  'noSlotsOnDate',
  'nearestSlot',
  'chooseSlot',
  'timeNotAvailable',
  'askReason',
  'confirmBooking',
  'chooseAppointmentToCancel',
  'confirmCancel',
  'chooseAppointmentToReschedule',
  'askRescheduleDate',
  'confirmReschedule',
];

/** Every question of the scheduling flow (the line's and its own): the loop check counts them. */
export const questionKeys: ReadonlySet<PromptKey> = new Set<PromptKey>([...lineQuestionKeys, ...schedulingQuestionKeys]);

function verificationClaim(slots: VerificationSlots): VerificationClaim {
  const dateOfBirth = completeDateOfBirth(slots.dateOfBirth);
  if (!slots.lastName || !slots.phone || !dateOfBirth) throw new Error('verification slots are incomplete');
  return { lastName: slots.lastName, dateOfBirth, phone: slots.phone };
}

export function verifiedSession(context: CallMachineContext): VerifiedSession {
  if (!context.verifiedPatientId) throw new Error('no verified patient in this call');
  return { sessionId: context.sessionId, patientId: context.verifiedPatientId };
}

export function heard(event: CallEvent): Understanding {
  return event.type === 'caller.spoke' ? event.understanding : {};
}

/** The recognizer's confidence in the caller's words; undefined for typed text and keys. */
function confidenceOf(event: CallEvent): number | undefined {
  return 'confidence' in event ? event.confidence : undefined;
}

/** A recognizer hearing too unsure to act on for anything with consequences. */
export function unsure(event: CallEvent): boolean {
  const confidence = confidenceOf(event);
  return confidence !== undefined && confidence < lowConfidenceBelow;
}

/** Whether the claim now holds a value that came through a recognizer (and so could be misheard), with this event. */
function claimHeardWith(context: CallMachineContext, event: CallEvent): boolean {
  return context.claimHeard === true || confidenceOf(event) !== undefined;
}

/** Whether this attempt at verification is the last one allowed before the per-call lockout. */
function onLastAttempt(context: CallMachineContext): boolean {
  return context.verificationFailures + 1 >= maxVerificationFailures;
}

/** Whether the claimed last name was typed on the keypad (its keys, not a name). */
function nameKeyed(context: CallMachineContext): boolean {
  return isKeyedLastName(context.verification.lastName ?? '');
}

function heardIdentity(context: CallMachineContext, event: CallEvent) {
  return heardVerification(context.verification, heard(event), { today: context.today, unsure: unsure(event) });
}

/** The verification heard so far without the values being read back: what a correction at the read-back replaces. */
function withoutReadBackValues(context: CallMachineContext): CallMachineContext {
  const verification = { ...context.verification };
  for (const field of context.unsureFields) delete verification[field];
  return { ...context, verification, unsureFields: [] };
}

/**
 * The identity fields this utterance set or changed that are read back when heard without confidence: a date of birth
 * once whole (a month and day alone are asked the year first), a phone number and the last name (spelled back: with the
 * numbers keyed, a misheard name is what would spend a genuine caller's attempts). Keyed values come with no confidence.
 */
function unsureIdentityFields(context: CallMachineContext, event: CallEvent): CallMachineContext['unsureFields'] {
  const slots = heardIdentity(context, event).slots;
  const fields: CallMachineContext['unsureFields'] = ['lastName', 'phone', 'dateOfBirth'];
  return fields.filter(
    (field) =>
      slots[field] !== undefined &&
      JSON.stringify(slots[field]) !== JSON.stringify(context.verification[field]) &&
      (field !== 'dateOfBirth' || completeDateOfBirth(slots.dateOfBirth) !== undefined),
  );
}

export type Enqueue = { assign: (values: Partial<CallMachineContext>) => void; emit: (event: AgentSayEvent) => void };

/**
 * Says a line; a question is counted, and one that would be asked more than `maxAsksInARow` times in a row is not
 * said at all: the call is marked exhausted and the root's guard offers staff instead.
 */
export function speak(enqueue: Enqueue, context: CallMachineContext, key: PromptKey, questions: ReadonlySet<string>): void {
  if (!questions.has(key)) {
    enqueue.emit({ type: 'agent.say', key, context, repeat: 1 });
    return;
  }
  const repeat = context.lastQuestion === key ? context.questionRepeats + 1 : 1;
  if (repeat > maxAsksInARow) {
    enqueue.assign({ questionExhausted: true });
    return;
  }
  enqueue.assign({ lastQuestion: key, questionRepeats: repeat, questionExhausted: false, ...(repeat === 1 ? { yesCheckedFor: undefined } : {}) });
  enqueue.emit({ type: 'agent.say', key, context: { ...context, lastQuestion: key, questionRepeats: repeat }, repeat });
}

export const meta = (expects: StateMeta['expects']): StateMeta => ({ expects });

/**
 * One part of a call line: the requests it serves after verification. The line (greeting, intent, verification, anything
 * else, staff, triage, loop guard, endings) is the same for every part; flows/clinic puts several parts on one line.
 */
export interface CallLinePart {
  /** Which heard intent goes to which state under `verified` (the part's own states). */
  routes: ReadonlyArray<{ intent: Intent; target: string }>;
  /** The part's named actors (EHR calls), bound by the engine. */
  actors: Readonly<Record<string, AnyActorLogic>>;
  guards?: Readonly<Record<string, unknown>>;
  actions?: Readonly<Record<string, unknown>>;
  /** States under `verified`, each reached by a route; they end in `#call.verified.anythingElse` (or a final). */
  states: Readonly<Record<string, unknown>>;
  /** The part's question prompt keys (counted by the loop guard). */
  questions: readonly string[];
  /** The part's own context fields, fresh for a call. */
  context?: () => Record<string, unknown>;
}

/** The line's setup with the parts' actors, guards and actions: intents no part serves are "something else". */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function callLineSetup(parts: readonly CallLinePart[]) {
  const questions: ReadonlySet<string> = new Set<string>([...lineQuestionKeys, ...parts.flatMap((part) => part.questions)]);
  const served: ReadonlySet<Intent> = new Set(parts.flatMap((part) => part.routes.map((route) => route.intent)));
  return setup({
  types: {
    context: {} as CallMachineContext,
    events: {} as CallEvent,
    input: {} as CallMachineInput,
    emitted: {} as AgentSayEvent,
    output: {} as { endReason: EndReason },
    meta: {} as StateMeta,
  },
  actors: {
    verifyPatient: fromPromise<VerifyResult, { sessionId: string; claim: VerificationClaim }>(async () =>
      notProvided('verifyPatient'),
    ),
    ...Object.assign({}, ...parts.map((part) => part.actors)),
  },
  guards: {
    heardIntent: ({ event }) => { const intent = heard(event).intent; return intent !== undefined && served.has(intent); },
    requestChanged: ({ context, event }) => heard(event).intent !== context.intent,
    /** The caller made a request this line serves (what verification is for). */
    hasRequest: ({ context }) => context.intent !== undefined && served.has(context.intent),
    heardOtherIntent: ({ event }) => { const intent = heard(event).intent; return intent !== undefined && !served.has(intent); },
    heardYes: ({ event }) => heard(event).yesNo === true,
    // Asked again after an unsure yes, a second yes (however sure) agrees with the first and is taken.
    heardUnsureYes: ({ context, event }) => heard(event).yesNo === true && unsure(event) && context.yesCheckedFor !== context.lastQuestion,
    unsureHearing: ({ event }) => unsure(event),
    heardNo: ({ event }) => heard(event).yesNo === false,
    heardSpecialty: ({ event }) => heard(event).specialty !== undefined,
    heardDate: ({ event }) => heard(event).date !== undefined,
    heardSoonest: ({ event }) => heard(event).soonest === true,
    heardReason: ({ event }) => heard(event).reason !== undefined,
    hasBookingReason: ({ context }) => context.booking.reason !== undefined && context.booking.reason !== '',
    heardVerificationValue: ({ context, event }) => heardIdentity(context, event).changed,
    heardMalformedValue: ({ context, event }) => heardIdentity(context, event).malformed.length > 0,
    heardUnsureIdentity: ({ context, event }) => unsure(event) && unsureIdentityFields(context, event).length > 0,
    heardUnsureCorrection: ({ context, event }) => unsure(event) && unsureIdentityFields(withoutReadBackValues(context), event).length > 0,
    heardSymptom: ({ context, event }) => heard(event).symptom === true && context.triage === undefined,
    awaitingTriage: ({ context }) => context.triage !== undefined,
    triageAnsweredYes: ({ context, event }) => context.triage !== undefined && heard(event).yesNo === true,
    triageAnsweredNo: ({ context, event }) => context.triage !== undefined && heard(event).yesNo === false,
    questionExhausted: ({ context }) => context.questionExhausted,
    questionExhaustedAgain: ({ context }) => context.questionExhausted && context.staffOffers >= 1,
    isVerifiedCaller: ({ context }) => context.verifiedPatientId !== undefined,
    insistsOnFullDay: ({ context, event }) =>
      heard(event).date !== undefined &&
      heard(event).date === context.booking.date &&
      context.lastQuestion === 'noSlotsOnDate' &&
      context.questionRepeats >= maxAsksInARow - 1 &&
      context.booking.suggestedDates.length > 0,
    heardFullDateAgain: ({ context, event }) => heard(event).date !== undefined && heard(event).date === context.booking.fullDate,
    heardValidChoice: ({ context, event }) => {
      const choice = heard(event).choice;
      return choice !== undefined && choice < context.offered.length;
    },
    heardTime: ({ event }) => heard(event).time !== undefined,
    /** At a confirmation, a day other than the one read back ("no, the sixteenth"): the caller is changing the day, not declining. */
    heardOtherDay: ({ context, event }) => {
      const date = heard(event).date;
      return date !== undefined && date !== context.booking.slot?.start.slice(0, 10);
    },
    holdsUnsureValues: ({ context }) => context.unsureFields.length > 0,
    verificationComplete: ({ context }) =>
      context.verification.lastName !== undefined &&
      context.verification.phone !== undefined &&
      completeDateOfBirth(context.verification.dateOfBirth) !== undefined,
    isVerified: ({ event }) =>
      'output' in event && (event.output as VerifyResult | undefined)?.outcome === 'verified',
    isRecordLocked: ({ event }) => 'output' in event && (event.output as VerifyResult | undefined)?.outcome === 'locked',
    isLastAllowedFailure: ({ context }) => onLastAttempt(context),
    lastAttemptUnconfirmed: ({ context }) => onLastAttempt(context) && context.claimHeard === true && !context.claimConfirmed,
    noInputExhausted: ({ context }) => context.noInputCount >= maxNoInput,
    hasSpecialty: ({ context }) => context.booking.specialty !== undefined,
    noneFound: ({ event }) => 'output' in event && Array.isArray(event.output) && event.output.length === 0,
    exactlyOneFound: ({ event }) => 'output' in event && Array.isArray(event.output) && event.output.length === 1,
    isSlotTaken: ({ event }) => 'error' in event && isFrontdeskError(event.error, 'EHR_SLOT_TAKEN'),
    intentIs: ({ context }, params: { intent: NonNullable<CallMachineContext['intent']> }) =>
      context.intent === params.intent,
    ...(Object.assign({}, ...parts.map((part) => part.guards ?? {})) as Record<string, never>),
  },
  actions: {
    say: enqueueActions(({ context, enqueue }, params: { key: PromptKey }) => speak(enqueue as unknown as Enqueue, context, params.key, questions)),
    noteYesChecked: assign({ yesCheckedFor: ({ context }) => context.lastQuestion }),
    repeatQuestion: enqueueActions(({ context, enqueue }) => {
      if (context.lastQuestion) speak(enqueue as unknown as Enqueue, context, context.lastQuestion, questions);
    }),
    askNextVerificationField: enqueueActions(({ context, enqueue }) => {
      const slots = context.verification;
      // Only a missing year is asked on its own; a date without its month or day is asked again whole (the parts merge).
      const key: PromptKey = !slots.lastName
        ? 'askLastName'
        : !slots.dateOfBirth?.month || !slots.dateOfBirth.day
          ? 'askDateOfBirth'
          : !completeDateOfBirth(slots.dateOfBirth)
            ? 'askBirthYear'
            : 'askPhone';
      speak(enqueue as unknown as Enqueue, context, key, questions);
    }),
    noteCallerHeard: assign({ noInputCount: 0, misunderstandings: 0 }),
    countNoInput: assign({ noInputCount: ({ context }) => context.noInputCount + 1 }),
    countMisunderstanding: assign({ misunderstandings: ({ context }) => context.misunderstandings + 1 }),
    captureIntent: assign({ intent: ({ context, event }) => heard(event).intent ?? context.intent }),
    captureVerification: assign({
      verification: ({ context, event }) => heardIdentity(context, event).slots,
      claimHeard: ({ context, event }) => (heardIdentity(context, event).changed ? claimHeardWith(context, event) : context.claimHeard === true),
    }),
    /** Repair before verification: a value of the wrong form is explained (and the keypad offered the second time), never sent to verify_patient. */
    explainMalformed: enqueueActions(({ context, event, enqueue }) => {
      const malformed = heardIdentity(context, event).malformed;
      if (malformed.length === 0) return;
      const counts = { ...context.malformedHearings };
      for (const field of malformed) counts[field] += 1;
      enqueue.assign({ malformedHearings: counts, malformedNow: malformed });
      const now = { ...context, malformedHearings: counts, malformedNow: malformed };
      for (const field of malformed) {
        enqueue.emit({ type: 'agent.say', key: field === 'phone' ? 'phoneMalformed' : 'dateOfBirthMalformed', context: now, repeat: 1 });
      }
      if (malformed.some((field) => counts[field] >= 2)) enqueue.emit({ type: 'agent.say', key: 'keypadHint', context: now, repeat: 1 });
    }),
    // A value misheard once is offered on the keypad: digits for a number, a key per letter for a name said (not keyed).
    offerKeypadForUnsure: enqueueActions(({ context, enqueue }) => {
      if (context.unsureFields.includes('lastName') && context.verification.lastName !== undefined && !nameKeyed(context)) {
        enqueue.emit({ type: 'agent.say', key: 'nameKeypadHint', context, repeat: 1 });
      }
      const numbers = context.unsureFields.filter((field) => field !== 'lastName');
      if (numbers.length === 0) return;
      const now = { ...context, malformedNow: numbers };
      enqueue.assign({ malformedNow: numbers });
      enqueue.emit({ type: 'agent.say', key: 'keypadHint', context: now, repeat: 1 });
    }),
    holdUnsureValues: assign({ unsureFields: ({ context, event }) => unsureIdentityFields(context, event) }),
    clearUnsureValues: assign({ unsureFields: [] }),
    // A name typed on the keypad cannot have been misheard, and its keys are not a name to read back.
    holdWholeClaim: assign({
      unsureFields: ({ context }) =>
        (['lastName', 'dateOfBirth', 'phone'] as CallMachineContext['unsureFields']).filter((field) => field !== 'lastName' || !nameKeyed(context)),
    }),
    confirmClaim: assign({ claimConfirmed: true, unsureFields: [] }),
    correctClaim: assign(({ context, event }) => ({
      verification: heardVerification(context.verification, heard(event), { today: context.today, unsure: false }).slots,
      unsureFields: [],
    })),
    dropUnsureValues: assign(({ context }) => {
      const { verification, unsureFields } = withoutReadBackValues(context);
      return { verification, unsureFields };
    }),
    /** A correction at the read-back: the read-back values give way to what was just said. */
    replaceUnsureValues: assign(({ context, event }) => {
      const corrected = heardVerification(withoutReadBackValues(context).verification, heard(event), { today: context.today, unsure: false });
      return { verification: corrected.slots, unsureFields: [], claimHeard: claimHeardWith(context, event) };
    }),
    /** A correction heard without confidence replaces the read-back values and is itself read back. */
    holdUnsureCorrection: assign(({ context, event }) => {
      const kept = withoutReadBackValues(context);
      const corrected = heardVerification(kept.verification, heard(event), { today: context.today, unsure: true });
      return { verification: corrected.slots, unsureFields: unsureIdentityFields(kept, event), claimHeard: claimHeardWith(context, event) };
    }),
    holdForTriage: assign({
      triage: ({ context, event }) => ({
        pending: { ...heard(event), symptom: undefined },
        resumeQuestion: context.lastQuestion,
        resumeRepeats: context.questionRepeats,
      }),
    }),
    clearTriage: assign({ triage: undefined }),
    /** "Not right now": the question asked before the advisory is current again, and what the caller said with the symptom is heard. */
    resumeAfterTriage: enqueueActions(({ context, enqueue }) => {
      const triage = context.triage;
      if (!triage) return;
      enqueue.assign({ triage: undefined, lastQuestion: triage.resumeQuestion, questionRepeats: triage.resumeRepeats });
      const hasValues = Object.values(triage.pending).some((value) => value !== undefined && value !== false);
      if (hasValues) enqueue.raise({ type: 'caller.spoke', understanding: triage.pending } as EventObject as CallEvent);
      else if (triage.resumeQuestion) {
        const resumed = { ...context, triage: undefined, lastQuestion: triage.resumeQuestion, questionRepeats: 0 };
        speak(enqueue as unknown as Enqueue, resumed, triage.resumeQuestion, questions);
      }
    }),
    noteStaffOffer: assign({ staffOffers: ({ context }) => context.staffOffers + 1, questionExhausted: false, triage: undefined }),
    takeNearestDate: assign({
      booking: ({ context }) => ({ ...context.booking, fullDate: context.booking.date, date: context.booking.suggestedDates[0] }),
    }),
    chooseNearestSlot: assign({
      booking: ({ context }) => ({ ...context.booking, slot: context.booking.slots[0], requestedTime: undefined, fullDate: undefined }),
    }),
    captureBookingRequest: assign({
      booking: ({ context, event }) => {
        const understanding = heard(event);
        return {
          ...context.booking,
          specialty: understanding.specialty ?? context.booking.specialty,
          location: understanding.location ?? context.booking.location,
        };
      },
    }),
    clearVerification: assign({ verification: {}, claimHeard: false }),
    countVerificationFailure: assign({ verificationFailures: ({ context }) => context.verificationFailures + 1 }),
    markVerified: assign({
      verifiedPatientId: ({ event }) => {
        const output = 'output' in event ? (event.output as VerifyResult) : undefined;
        return output?.outcome === 'verified' ? output.patientId : undefined;
      },
      // The claim has done its job: keep no PHI in context longer than needed.
      verification: {},
    }),
    clearSpecialty: assign({ booking: ({ context }) => ({ ...context.booking, specialty: undefined, location: undefined }) }),
    storeProviders: assign(({ context, event }) => {
      const providers = ('output' in event ? (event.output as Provider[]) : []).slice(0, 3);
      return { booking: { ...context.booking, providers }, offered: offeredProviders(providers) };
    }),
    chooseOnlyProvider: assign({
      booking: ({ context }) => ({ ...context.booking, provider: context.booking.providers[0] }),
    }),
    chooseProvider: assign({
      booking: ({ context, event }) => ({ ...context.booking, provider: context.booking.providers[heard(event).choice ?? 0] }),
    }),
    captureDate: assign({
      booking: ({ context, event }) => ({ ...context.booking, date: heard(event).date ?? context.booking.date }),
    }),
    takeFirstDate: assign({
      booking: ({ context, event }) => ({ ...context.booking, date: 'output' in event ? (event.output as WallDate[])[0] : context.booking.date }),
    }),
    chooseSuggestedDate: assign({
      booking: ({ context, event }) => ({
        ...context.booking,
        date: context.booking.suggestedDates[heard(event).choice ?? 0] ?? context.booking.date,
      }),
    }),
    storeSlots: assign(({ context, event }) => {
      const slots = 'output' in event ? (event.output as Slot[]) : [];
      return { booking: { ...context.booking, slots, slot: undefined }, offered: offeredSlots(slots) };
    }),
    storeSuggestedDates: assign(({ context, event }) => {
      const suggestedDates = 'output' in event ? (event.output as WallDate[]) : [];
      return { booking: { ...context.booking, suggestedDates }, offered: offeredDates(suggestedDates) };
    }),
    chooseSlot: assign({
      booking: ({ context, event }) => ({
        ...context.booking,
        slot: context.booking.slots[heard(event).choice ?? -1],
        requestedTime: undefined,
      }),
    }),
    noteRequestedTime: assign({
      booking: ({ context, event }) => ({ ...context.booking, requestedTime: heard(event).time }),
    }),
    captureReason: assign({
      booking: ({ context, event }) => ({ ...context.booking, reason: heard(event).reason ?? context.booking.reason }),
    }),
    recordBooked: assign(({ context, event }) => {
      const appointment = (event as unknown as { output: Appointment }).output;
      return { done: [...context.done, { kind: 'booked' as const, appointment }], booking: emptyBooking() };
    }),
    storeAppointments: assign(({ context, event }) => {
      const appointments = 'output' in event ? (event.output as Appointment[]) : [];
      return { appointments, offered: offeredAppointments(appointments) };
    }),
    recordListed: assign({
      done: ({ context }) => [...context.done, { kind: 'listed' as const, count: context.appointments.length }],
    }),
    selectOnlyAppointment: assign({ selectedAppointment: ({ context }) => context.appointments[0] }),
    selectAppointment: assign({
      selectedAppointment: ({ context, event }) => context.appointments[heard(event).choice ?? -1],
    }),
    prepareReschedule: assign({
      booking: ({ context }) => {
        const appointment = context.selectedAppointment;
        return {
          ...emptyBooking(),
          specialty: appointment?.specialty,
          reason: appointment?.reason,
          provider: appointment
            ? {
                providerId: appointment.providerId,
                name: appointment.providerName,
                specialty: appointment.specialty,
                location: appointment.location,
              }
            : undefined,
        };
      },
    }),
    recordCancelled: assign(({ context, event }) => {
      const appointment = (event as unknown as { output: Appointment }).output;
      return { done: [...context.done, { kind: 'cancelled' as const, appointment }], selectedAppointment: appointment };
    }),
    recordRescheduled: assign(({ context, event }) => {
      const output = (event as unknown as { output: { cancelled: Appointment; booked: Appointment } }).output;
      return {
        done: [...context.done, { kind: 'rescheduled' as const, from: output.cancelled, to: output.booked }],
        booking: emptyBooking(),
      };
    }),
    resetForNextRequest: assign(({ context, event }) => ({
      intent: heard(event).intent,
      booking: { ...emptyBooking(), specialty: heard(event).specialty, location: heard(event).location },
      selectedAppointment: undefined,
      offered: [] as OfferedOption[],
      misunderstandings: context.misunderstandings,
    })),
    setEndReason: assign({ endReason: (_, params: { reason: EndReason }) => params.reason }),
    ...(Object.assign({}, ...parts.map((part) => part.actions ?? {})) as Record<string, never>),
  },
  });
}

/** Handlers for one utterance in a waiting state: each resets the silence count; anything else is "not understood". */
// The result is typed loosely because XState cannot infer transition arrays built in a function; names are still checked at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function onSpoke(transitions: Array<Record<string, unknown>>): any {
  return [
    ...[...triageTransitions, ...transitions].map((transition) => ({
      ...transition,
      actions: ['noteCallerHeard', ...((transition.actions as unknown[] | undefined) ?? [])],
    })),
    { actions: ['countMisunderstanding', { type: 'say', params: { key: 'notUnderstood' } }, 'repeatQuestion'] },
  ];
}

/**
 * Emergency triage, ahead of a state's own handlers: a serious symptom said without acute wording gets the advisory
 * and one question; yes is the 911 line, no resumes the state with what was said (the visit reason kept).
 */
const triageTransitions: Array<Record<string, unknown>> = [
  { guard: 'triageAnsweredYes', target: '#call.emergency', actions: ['clearTriage'] },
  { guard: 'triageAnsweredNo', actions: ['resumeAfterTriage'] },
  { guard: 'awaitingTriage', actions: ['countMisunderstanding', { type: 'say', params: { key: 'notUnderstood' } }, 'repeatQuestion'] },
  {
    guard: 'heardSymptom',
    actions: ['holdForTriage', { type: 'say', params: { key: 'symptomAdvisory' } }, { type: 'say', params: { key: 'askSymptomsNow' } }],
  },
];

/**
 * At the first question of a request, another request ("no, I want to check my appointments") starts that one: the
 * request was misheard at the greeting, or the caller changed their mind. It comes after the state's own answers, and
 * only heard with confidence (unsure, the question is asked again).
 */
export const otherRequest = {
  guard: and(['heardIntent', 'isVerifiedCaller', 'requestChanged', not('unsureHearing')]),
  target: '#call.verified.routing',
  actions: ['resetForNextRequest'],
};

/** A read-back's yes (or yes to a transfer) heard without confidence is checked before it is acted on. */
export const unsureYes = {
  guard: 'heardUnsureYes',
  actions: [{ type: 'say', params: { key: 'checkYes' } }, 'noteYesChecked', 'repeatQuestion'],
};

const say = (key: PromptKey) => ({ type: 'say' as const, params: { key } });

/** The invoke asking for the chosen provider's next days with openings after the day `after` picks. */
const availableDatesAfter = (after: (context: CallMachineContext) => WallDate) => ({
  id: 'getAvailableDates',
  src: 'getAvailableDates',
  input: ({ context }: { context: CallMachineContext }) => ({
    sessionId: context.sessionId,
    providerId: context.booking.provider!.providerId,
    after: after(context),
  }),
});

/**
 * Choosing a date and a free slot with one provider, shared by booking and rescheduling.
 * `chosen` is where a picked slot goes next (relative to the parent state).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function slotPicking(options: { askKey: PromptKey; chosen: string }): Record<string, any> {
  return {
    askDate: {
      meta: meta(['date', 'time']),
      entry: [say(options.askKey)],
      on: {
        'caller.spoke': onSpoke([
          { guard: 'heardDate', target: 'loadingSlots', actions: ['captureDate', 'noteRequestedTime'] },
          // "Whatever you have first": the first day with an opening, its times offered.
          { guard: 'heardSoonest', target: 'loadingFirstDate', actions: ['noteRequestedTime'] },
        ]),
      },
    },
    loadingFirstDate: {
      invoke: {
        // From the day before today, so today's openings still ahead count: the EHR never offers a time already past.
        ...availableDatesAfter((context) => (context.today ? addDays(context.today, -1) : '2000-01-01')),
        onDone: [
          { guard: 'noneFound', target: '#call.offerHuman' },
          { target: 'loadingSlots', actions: ['takeFirstDate'] },
        ],
        onError: { target: '#call.systemTrouble' },
      },
    },
    loadingSlots: {
      invoke: {
        id: 'getAvailableSlots',
        src: 'getAvailableSlots',
        input: ({ context }: { context: CallMachineContext }) => ({
          sessionId: context.sessionId,
          providerId: context.booking.provider!.providerId,
          date: context.booking.date!,
        }),
        onDone: [
          { guard: 'noneFound', target: 'loadingDates' },
          { target: 'chooseSlot', actions: ['storeSlots'] },
        ],
        onError: { target: '#call.systemTrouble' },
      },
    },
    loadingDates: {
      invoke: {
        ...availableDatesAfter((context) => context.booking.date!),
        onDone: { target: 'chooseDate', actions: ['storeSuggestedDates'] },
        onError: { target: '#call.systemTrouble' },
      },
    },
    chooseDate: {
      meta: meta(['choice', 'date']),
      entry: [say('noSlotsOnDate')],
      on: {
        'caller.spoke': onSpoke([
          { guard: 'heardValidChoice', target: 'loadingSlots', actions: ['chooseSuggestedDate'] },
          // Loop guard's change of strategy: a caller who insists on a full day is offered the nearest opening as a yes/no.
          { guard: 'insistsOnFullDay', target: 'loadingNearest' },
          // Another day than those offered, often the one the caller asked for, heard again: the keypad is offered with it.
          { guard: 'heardDate', target: 'loadingSlots', actions: [say('dateKeypadHint'), 'captureDate'] },
        ]),
      },
    },
    loadingNearest: {
      entry: ['takeNearestDate'],
      invoke: {
        id: 'getAvailableSlots',
        src: 'getAvailableSlots',
        input: ({ context }: { context: CallMachineContext }) => ({
          sessionId: context.sessionId,
          providerId: context.booking.provider!.providerId,
          date: context.booking.date!,
        }),
        onDone: [
          { guard: 'noneFound', target: '#call.offerHuman' },
          { target: 'offerNearest', actions: ['storeSlots'] },
        ],
        onError: { target: '#call.systemTrouble' },
      },
    },
    offerNearest: {
      meta: meta(['yesNo', 'choice', 'date', 'time']),
      entry: [say('nearestSlot')],
      on: {
        'caller.spoke': onSpoke([
          unsureYes,
          { guard: 'heardYes', target: options.chosen, actions: ['chooseNearestSlot'] },
          { guard: 'heardValidChoice', target: options.chosen, actions: ['chooseSlot'] },
          // Still that day, or no to the nearest: the third time, staff is offered.
          { guard: 'heardFullDateAgain', target: '#call.offerHuman' },
          { guard: 'heardDate', target: 'loadingSlots', actions: ['captureDate', 'noteRequestedTime'] },
          { guard: 'heardNo', target: '#call.offerHuman' },
        ]),
      },
    },
    chooseSlot: {
      meta: meta(['choice', 'time', 'date']),
      entry: [say('chooseSlot')],
      on: {
        'caller.spoke': onSpoke([
          { guard: 'heardValidChoice', target: options.chosen, actions: ['chooseSlot'] },
          // Another day than the one offered ("sorry, I meant the sixteenth"): the day may have been misheard.
          { guard: 'heardDate', target: 'loadingSlots', actions: [say('dateKeypadHint'), 'captureDate', 'noteRequestedTime'] },
          { guard: 'heardTime', actions: ['noteRequestedTime', say('timeNotAvailable')] },
        ]),
      },
    },
  };
}

/** What the caller wants, in the greeting or when asked again: anything but "something else" starts verification. */
const intentTransitions: Array<Record<string, unknown>> = [
  { guard: 'heardIntent', target: 'verification', actions: ['captureIntent', 'captureBookingRequest', 'captureVerification'] },
  { guard: 'heardOtherIntent', target: 'offerHuman' },
];

/** The call line with these parts after verification: the statechart a flow's `machine` is. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function buildCallLine(parts: readonly CallLinePart[]): AnyStateMachine {
  return callLineSetup(parts).createMachine({
  id: 'call',
  context: ({ input }: { input: CallMachineInput }) => ({
    sessionId: input.sessionId,
    today: input.today,
    verification: {},
    verificationFailures: 0,
    booking: emptyBooking(),
    appointments: [],
    offered: [],
    done: [],
    noInputCount: 0,
    misunderstandings: 0,
    questionRepeats: 0,
    questionExhausted: false,
    staffOffers: 0,
    malformedHearings: { phone: 0, dateOfBirth: 0 },
    malformedNow: [],
    unsureFields: [],
    ...Object.assign({}, ...parts.map((part) => part.context?.() ?? {})),
  }),
  initial: 'greeting',
  output: ({ context }: { context: CallMachineContext }) => ({ endReason: context.endReason ?? 'completed' }),
  // Loop guard: a question that would be asked a fourth time in a row offers staff instead; a second time, staff takes the call.
  always: [
    { guard: 'questionExhaustedAgain', target: '.handoff' },
    { guard: 'questionExhausted', target: '.offerHuman' },
  ],
  on: {
    'caller.hung_up': { target: '.hangup' },
    'caller.reported_emergency': { target: '.emergency' },
    // A request for a person heard without confidence is asked about first.
    'caller.asked_for_human': [{ guard: 'unsureHearing', target: '.offerHuman' }, { target: '.handoff' }],
    'caller.asked_clinical_question': { actions: [say('clinicalRefusal'), 'repeatQuestion'] },
    'caller.asked_for_repeat': { actions: ['repeatQuestion'] },
    'caller.stayed_silent': [
      { guard: 'noInputExhausted', target: '.noInput' },
      { actions: ['countNoInput', say('noInput'), 'repeatQuestion'] },
    ],
  },
  states: {
    greeting: {
      meta: meta(['intent', 'specialty']),
      entry: [say('greeting')],
      on: { 'caller.spoke': onSpoke(intentTransitions) },
    },
    askIntent: {
      // Asked again (after declining staff), "no thanks, bye" ends the call politely.
      meta: meta(['intent', 'specialty', 'yesNo']),
      entry: [say('askIntent')],
      on: { 'caller.spoke': onSpoke([...intentTransitions, { guard: 'heardNo', target: 'wrapUp' }]) },
    },
    offerHuman: {
      meta: meta(['yesNo', 'intent']),
      entry: ['noteStaffOffer', say('offerHuman')],
      on: {
        'caller.spoke': onSpoke([
          // A caller already verified goes back to their requests, never through verification again.
          { guard: and(['heardIntent', 'isVerifiedCaller']), target: 'verified.routing', actions: ['resetForNextRequest'] },
          { guard: 'heardIntent', target: 'verification', actions: ['captureIntent', 'captureBookingRequest'] },
          unsureYes,
          { guard: 'heardYes', target: 'handoff' },
          { guard: and(['heardNo', 'isVerifiedCaller']), target: 'verified.whatElse' },
          // Declined during verification, staff is no request of its own: verification goes on where it was.
          { guard: and(['heardNo', 'hasRequest']), target: 'verification.deciding', actions: [say('keepVerifying')] },
          { guard: 'heardNo', target: 'askIntent' },
        ]),
      },
    },
    verification: {
      initial: 'intro',
      states: {
        intro: {
          entry: [say('verificationIntro')],
          always: [{ target: 'deciding' }],
        },
        collecting: {
          meta: meta(['lastName', 'dateOfBirth', 'phone']),
          entry: ['askNextVerificationField'],
          on: {
            'caller.spoke': onSpoke([
              // A last name, birth date or phone number heard without confidence is read back before it can spend an attempt.
              {
                guard: and(['heardVerificationValue', 'heardUnsureIdentity']),
                target: 'readingBack',
                actions: ['explainMalformed', 'holdUnsureValues', 'captureVerification'],
              },
              // Only well-formed values are kept; a malformed one is explained and asked again, spending no attempt.
              { guard: 'heardVerificationValue', target: 'deciding', actions: ['explainMalformed', 'captureVerification'] },
              { guard: 'heardMalformedValue', target: 'deciding', actions: ['explainMalformed', 'captureVerification'] },
            ]),
          },
        },
        readingBack: {
          meta: meta(['yesNo', 'lastName', 'dateOfBirth', 'phone']),
          entry: [say('confirmHeardValues')],
          on: {
            'caller.spoke': onSpoke([
              // "No, it's five five five…": the correction replaces what was read back. Heard without confidence, it is
              // read back in turn, with the keypad offered: the number was misheard once already.
              {
                guard: 'heardUnsureCorrection',
                target: 'readingBack',
                reenter: true,
                actions: ['offerKeypadForUnsure', 'holdUnsureCorrection'],
              },
              { guard: 'heardVerificationValue', target: 'deciding', actions: ['replaceUnsureValues'] },
              { guard: 'heardYes', target: 'deciding', actions: ['clearUnsureValues'] },
              // A value misheard once is offered on the keypad straight away: keyed digits cannot be misheard.
              { guard: 'heardNo', target: 'deciding', actions: [say('sayAgain'), 'offerKeypadForUnsure', 'dropUnsureValues'] },
            ]),
          },
        },
        deciding: {
          always: [
            { guard: and(['verificationComplete', 'lastAttemptUnconfirmed']), target: 'confirmingClaim' },
            // A value heard without confidence and not yet read back (the read-back was cut short by the offer of staff)
            // is read back before anything else: it must not spend an attempt unconfirmed.
            { guard: 'holdsUnsureValues', target: 'readingBack' },
            { guard: 'verificationComplete', target: 'checking' },
            { target: 'collecting' },
          ],
        },
        // Before the attempt that would lock the caller out, the whole claim is read back however sure the hearing was:
        // a name misheard with confidence had spent a genuine caller's last attempt. It repeats the caller's own words.
        confirmingClaim: {
          meta: meta(['yesNo', 'lastName', 'dateOfBirth', 'phone']),
          entry: ['holdWholeClaim', say('confirmHeardValues')],
          on: {
            'caller.spoke': onSpoke([
              // "No, it's Smith, S M I T H": that field changes, the others stay, and the whole claim is read back again.
              { guard: 'heardVerificationValue', target: 'deciding', actions: ['correctClaim'] },
              unsureYes,
              { guard: 'heardYes', target: 'checking', actions: ['confirmClaim'] },
              { guard: 'heardNo', target: 'deciding', actions: [say('sayAgain'), 'offerKeypadForUnsure', 'dropUnsureValues'] },
            ]),
          },
        },
        checking: {
          invoke: {
            id: 'verifyPatient',
            src: 'verifyPatient',
            input: ({ context }: { context: CallMachineContext }) => ({ sessionId: context.sessionId, claim: verificationClaim(context.verification) }),
            onDone: [
              { guard: 'isVerified', target: '#call.verified', actions: ['markVerified', say('verified')] },
              { guard: 'isRecordLocked', target: '#call.lockout', actions: ['clearVerification'] },
              {
                guard: 'isLastAllowedFailure',
                target: '#call.lockout',
                actions: ['countVerificationFailure', 'clearVerification'],
              },
              {
                target: 'collecting',
                actions: ['countVerificationFailure', 'clearVerification', say('verificationFailed')],
              },
            ],
            onError: { target: '#call.systemTrouble', actions: ['clearVerification'] },
          },
        },
      },
    },
    verified: {
      initial: 'routing',
      states: {
        routing: {
          always: [
            ...parts.flatMap((part) => part.routes.map((route) => ({ guard: { type: 'intentIs', params: { intent: route.intent } }, target: route.target }))),
            { target: 'anythingElse' },
          ],
        },
        ...Object.assign({}, ...parts.map((part) => part.states)),
        anythingElse: {
          meta: meta(['yesNo', 'intent', 'specialty']),
          entry: [say('anythingElse')],
          on: {
            'caller.spoke': onSpoke([
              { guard: 'heardIntent', target: 'routing', actions: ['resetForNextRequest'] },
              { guard: 'heardYes', target: 'whatElse' },
              { guard: 'heardNo', target: '#call.wrapUp' },
            ]),
          },
        },
        whatElse: {
          // "No thanks, bye" answers "What else can I help you with?" as well as a request does.
          meta: meta(['intent', 'specialty', 'yesNo']),
          entry: [say('whatElse')],
          on: {
            'caller.spoke': onSpoke([
              { guard: 'heardIntent', target: 'routing', actions: ['resetForNextRequest'] },
              { guard: 'heardNo', target: '#call.wrapUp' },
              { guard: 'heardOtherIntent', target: '#call.offerHuman' },
            ]),
          },
        },
      },
    },
    wrapUp: {
      entry: [say('summaryAndGoodbye')],
      always: { target: 'completed' },
    },
    systemTrouble: {
      entry: [say('systemTrouble')],
      always: { target: 'handoff' },
    },
    completed: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'completed' } }] },
    handoff: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'handoff' } }, say('handoff')] },
    lockout: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'lockout' } }, say('lockout')] },
    emergency: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'emergency' } }, say('emergency')] },
    hangup: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'hangup' } }] },
    noInput: { type: 'final', entry: [{ type: 'setEndReason', params: { reason: 'no-input' } }, say('noInputGoodbye')] },
  },
  } as never) as unknown as AnyStateMachine;
}

const schedulingActors = {
  searchProviders: fromPromise<Provider[], { sessionId: string; specialty: Specialty; location?: string }>(async () =>
    notProvided('searchProviders'),
  ),
  getAvailableSlots: fromPromise<Slot[], { sessionId: string; providerId: ProviderId; date: WallDate }>(async () =>
    notProvided('getAvailableSlots'),
  ),
  getAvailableDates: fromPromise<WallDate[], { sessionId: string; providerId: ProviderId; after: WallDate }>(
    async () => notProvided('getAvailableDates'),
  ),
  listAppointments: fromPromise<Appointment[], { session: VerifiedSession }>(async () =>
    notProvided('listAppointments'),
  ),
  bookAppointment: fromPromise<Appointment, { session: VerifiedSession; slotId: SlotId; reason: string }>(async () =>
    notProvided('bookAppointment'),
  ),
  cancelAppointment: fromPromise<Appointment, { session: VerifiedSession; appointmentId: AppointmentId }>(
    async () => notProvided('cancelAppointment'),
  ),
  rescheduleAppointment: fromPromise<
    { cancelled: Appointment; booked: Appointment },
    { session: VerifiedSession; appointmentId: AppointmentId; newSlotId: SlotId }
  >(async () => notProvided('rescheduleAppointment')),
};

/** Scheduling after verification: book, list, cancel and reschedule appointments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const schedulingStates: Record<string, any> = {
  booking: {
    initial: 'start',
    states: {
      start: {
        always: [{ guard: 'hasSpecialty', target: 'searchingProviders' }, { target: 'askSpecialty' }],
      },
      askSpecialty: {
        meta: meta(['specialty', 'location', 'intent']),
        entry: [say('askSpecialty')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardSpecialty', target: 'searchingProviders', actions: ['captureBookingRequest'] },
            otherRequest,
          ]),
        },
      },
      searchingProviders: {
        invoke: {
          id: 'searchProviders',
          src: 'searchProviders',
          input: ({ context }: { context: CallMachineContext }) => ({
            sessionId: context.sessionId,
            specialty: context.booking.specialty!,
            location: context.booking.location,
          }),
          onDone: [
            { guard: 'noneFound', target: 'askSpecialty', actions: ['clearSpecialty', say('noProviders')] },
            {
              guard: 'exactlyOneFound',
              target: 'askDate',
              actions: ['storeProviders', 'chooseOnlyProvider', say('providerChosen')],
            },
            { target: 'chooseProvider', actions: ['storeProviders'] },
          ],
          onError: { target: '#call.systemTrouble' },
        },
      },
      chooseProvider: {
        meta: meta(['choice', 'intent']),
        entry: [say('chooseProvider')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardValidChoice', target: 'askDate', actions: ['chooseProvider', say('providerChosen')] },
            otherRequest,
          ]),
        },
      },
      ...slotPicking({ askKey: 'askDate', chosen: 'slotChosen' }),
      // A caller who already gave the reason (then lost the slot to another caller, or said no) is not asked again.
      slotChosen: {
        always: [{ guard: 'hasBookingReason', target: 'confirming' }, { target: 'askReason' }],
      },
      askReason: {
        meta: meta(['reason']),
        entry: [say('askReason')],
        on: {
          'caller.spoke': onSpoke([{ guard: 'heardReason', target: 'confirming', actions: ['captureReason'] }]),
        },
      },
      confirming: {
        meta: meta(['yesNo']),
        entry: [say('confirmBooking')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardOtherDay', target: 'loadingSlots', actions: [say('notBooked'), 'captureDate', 'noteRequestedTime'] },
            unsureYes,
            { guard: 'heardYes', target: 'submitting' },
            // A no to the day read back: it may have been misheard, so the keypad is offered for the next one.
            { guard: 'heardNo', target: 'askDate', actions: [say('notBooked'), say('dateKeypadHint')] },
          ]),
        },
      },
      submitting: {
        invoke: {
          id: 'bookAppointment',
          src: 'bookAppointment',
          input: ({ context }: { context: CallMachineContext }) => ({
            session: verifiedSession(context),
            slotId: context.booking.slot!.slotId,
            reason: context.booking.reason ?? '',
          }),
          onDone: { target: '#call.verified.anythingElse', actions: ['recordBooked', say('booked')] },
          onError: [
            { guard: 'isSlotTaken', target: 'loadingSlots', actions: [say('slotTaken')] },
            { target: '#call.systemTrouble' },
          ],
        },
      },
    },
  },
  listing: {
    invoke: {
      id: 'listAppointments',
      src: 'listAppointments',
      input: ({ context }: { context: CallMachineContext }) => ({ session: verifiedSession(context) }),
      onDone: [
        { guard: 'noneFound', target: 'anythingElse', actions: ['storeAppointments', 'recordListed', say('noAppointments')] },
        { target: 'anythingElse', actions: ['storeAppointments', 'recordListed', say('listAppointments')] },
      ],
      onError: { target: '#call.systemTrouble' },
    },
  },
  cancelling: {
    initial: 'loading',
    states: {
      loading: {
        invoke: {
          id: 'listAppointments',
          src: 'listAppointments',
          input: ({ context }: { context: CallMachineContext }) => ({ session: verifiedSession(context) }),
          onDone: [
            {
              guard: 'noneFound',
              target: '#call.verified.anythingElse',
              actions: ['storeAppointments', say('noAppointments')],
            },
            { guard: 'exactlyOneFound', target: 'confirming', actions: ['storeAppointments', 'selectOnlyAppointment'] },
            { target: 'choosing', actions: ['storeAppointments'] },
          ],
          onError: { target: '#call.systemTrouble' },
        },
      },
      choosing: {
        meta: meta(['choice', 'date', 'time', 'intent']),
        entry: [say('chooseAppointmentToCancel')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardValidChoice', target: 'confirming', actions: ['selectAppointment'] },
            otherRequest,
          ]),
        },
      },
      confirming: {
        meta: meta(['yesNo']),
        entry: [say('confirmCancel')],
        on: {
          'caller.spoke': onSpoke([
            unsureYes,
            { guard: 'heardYes', target: 'submitting' },
            { guard: 'heardNo', target: '#call.verified.anythingElse', actions: [say('notCancelled')] },
          ]),
        },
      },
      submitting: {
        invoke: {
          id: 'cancelAppointment',
          src: 'cancelAppointment',
          input: ({ context }: { context: CallMachineContext }) => ({
            session: verifiedSession(context),
            appointmentId: context.selectedAppointment!.appointmentId,
          }),
          onDone: { target: '#call.verified.anythingElse', actions: ['recordCancelled', say('cancelled')] },
          onError: { target: '#call.systemTrouble' },
        },
      },
    },
  },
  rescheduling: {
    initial: 'loading',
    states: {
      loading: {
        invoke: {
          id: 'listAppointments',
          src: 'listAppointments',
          input: ({ context }: { context: CallMachineContext }) => ({ session: verifiedSession(context) }),
          onDone: [
            {
              guard: 'noneFound',
              target: '#call.verified.anythingElse',
              actions: ['storeAppointments', say('noAppointments')],
            },
            {
              guard: 'exactlyOneFound',
              target: 'askDate',
              actions: ['storeAppointments', 'selectOnlyAppointment', 'prepareReschedule'],
            },
            { target: 'choosing', actions: ['storeAppointments'] },
          ],
          onError: { target: '#call.systemTrouble' },
        },
      },
      choosing: {
        meta: meta(['choice', 'date', 'time', 'intent']),
        entry: [say('chooseAppointmentToReschedule')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardValidChoice', target: 'askDate', actions: ['selectAppointment', 'prepareReschedule'] },
            otherRequest,
          ]),
        },
      },
      ...slotPicking({ askKey: 'askRescheduleDate', chosen: 'confirming' }),
      confirming: {
        meta: meta(['yesNo']),
        entry: [say('confirmReschedule')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardOtherDay', target: 'loadingSlots', actions: [say('notRescheduled'), 'captureDate', 'noteRequestedTime'] },
            unsureYes,
            { guard: 'heardYes', target: 'submitting' },
            // Declining the new time is not declining to move the appointment: the caller is asked for another day.
            { guard: 'heardNo', target: 'askDate', actions: [say('notRescheduled'), say('dateKeypadHint')] },
          ]),
        },
      },
      submitting: {
        invoke: {
          id: 'rescheduleAppointment',
          src: 'rescheduleAppointment',
          input: ({ context }: { context: CallMachineContext }) => ({
            session: verifiedSession(context),
            appointmentId: context.selectedAppointment!.appointmentId,
            newSlotId: context.booking.slot!.slotId,
          }),
          onDone: { target: '#call.verified.anythingElse', actions: ['recordRescheduled', say('rescheduled')] },
          onError: [
            { guard: 'isSlotTaken', target: 'loadingSlots', actions: [say('slotTaken')] },
            { target: '#call.systemTrouble' },
          ],
        },
      },
    },
  },
};

/** The scheduling part of a call line (flows/clinic puts it on the line next to others). */
export const schedulingPart: CallLinePart = {
  routes: [
    { intent: 'book', target: 'booking' },
    { intent: 'list', target: 'listing' },
    { intent: 'cancel', target: 'cancelling' },
    { intent: 'reschedule', target: 'rescheduling' },
  ],
  actors: schedulingActors,
  states: schedulingStates,
  questions: schedulingQuestionKeys,
};

export const callMachineSetup = callLineSetup([schedulingPart]);

export const callMachine = buildCallLine([schedulingPart]);

export type CallMachine = typeof callMachine;
