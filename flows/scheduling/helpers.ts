// Pure helpers of the scheduling machine: offered options, what a state expects, which event an utterance is.
import type { AnyMachineSnapshot } from 'xstate';
import type { WallDate } from '../../src/clock.ts';
import type { Appointment, Provider, Slot } from '../../src/ehr/types.ts';
import type { Expectation, OfferedOption, SlotName, Understanding } from '../../src/understanding/types.ts';
import { completeDateOfBirth } from '../../machines/verification.ts';
import type { CallEvent, CallMachineContext, StateMeta } from './types.ts';

export function offeredProviders(providers: Provider[]): OfferedOption[] {
  // The location is said with each doctor ("Dr. Elena Petrova at Riverside"): "the one at Riverside" picks her.
  return providers.map((provider) => ({ label: provider.name, name: provider.name, keywords: [provider.location] }));
}

export function offeredSlots(slots: Slot[]): OfferedOption[] {
  return slots.map((slot) => ({ label: slot.start, date: slot.start.slice(0, 10), time: slot.start.slice(11, 16) }));
}

export function offeredDates(dates: WallDate[]): OfferedOption[] {
  return dates.map((date) => ({ label: date, date }));
}

export function offeredAppointments(appointments: Appointment[]): OfferedOption[] {
  return appointments.map((appointment) => ({
    label: `${appointment.providerName} ${appointment.start}`,
    name: appointment.providerName,
    date: appointment.start.slice(0, 10),
    time: appointment.start.slice(11, 16),
  }));
}

/** The slots the current state waits for (from state meta), narrowed by what is already collected. */
export function expectedSlots(snapshot: AnyMachineSnapshot): SlotName[] {
  const metas = Object.values(snapshot.getMeta() as Record<string, StateMeta | undefined>);
  const expects = metas.flatMap((stateMeta) => stateMeta?.expects ?? []);
  const context = snapshot.context as CallMachineContext;
  // Asked whether a symptom is happening now: only yes or no is listened for until it is answered.
  if (context.triage) return ['yesNo'];
  if (snapshot.matches({ verification: 'collecting' })) {
    const missing = (['lastName', 'dateOfBirth', 'phone'] as const).filter((slot) =>
      slot === 'dateOfBirth' ? !completeDateOfBirth(context.verification.dateOfBirth) : !context.verification[slot],
    );
    // The field just asked for first; the others stay expected so "Smith, January 15 1985" works.
    return [...missing, ...expects.filter((slot) => !missing.includes(slot as (typeof missing)[number]))];
  }
  return [...new Set(expects)];
}

/** What the extractor (and STT grammar, and the endpointer) should listen for now. */
export function expectationFor(
  snapshot: AnyMachineSnapshot,
  vocabulary?: Expectation['vocabulary'],
): Expectation {
  const context = snapshot.context as CallMachineContext;
  const slots = expectedSlots(snapshot);
  return {
    slots,
    // Offered options are what a choice, a medication or a pharmacy is picked from.
    options: slots.some((slot) => slot === 'choice' || slot === 'medication' || slot === 'pharmacy') ? context.offered : undefined,
    vocabulary,
    ...(context.lastQuestion === 'askBirthYear' && slots.includes('dateOfBirth') ? { askedFor: 'birthYear' as const } : {}),
  };
}

/** True when the call waits for the caller (not for a tool, not ended). */
export function isAwaitingCaller(snapshot: AnyMachineSnapshot): boolean {
  return snapshot.status === 'active' && expectedSlots(snapshot).length > 0;
}

/** The one event an utterance becomes; interrupts take precedence over slot values, in this order. */
export function eventForUnderstanding(understanding: Understanding, confidence?: number): CallEvent {
  const heard = confidence === undefined ? {} : { confidence };
  if (understanding.emergency) return { type: 'caller.reported_emergency' };
  if (understanding.humanRequested) return { type: 'caller.asked_for_human', ...heard };
  if (understanding.clinicalQuestion) return { type: 'caller.asked_clinical_question' };
  const { repeatRequested, ...values } = understanding;
  const hasValues = Object.values(values).some((value) => value !== undefined && value !== false);
  if (repeatRequested && !hasValues) return { type: 'caller.asked_for_repeat' };
  return { type: 'caller.spoke', understanding, ...heard };
}
