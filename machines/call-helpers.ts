// Pure helpers of the call machine: date-of-birth merging, offered options, what a state expects, which event an utterance is.
import type { AnyMachineSnapshot } from 'xstate';
import type { WallDate } from '../src/clock.ts';
import type { Appointment, Provider, Slot } from '../src/ehr/types.ts';
import type { DateOfBirthParts, Expectation, OfferedOption, SlotName, Understanding } from '../src/understanding/types.ts';
import type { CallEvent, CallMachineContext, StateMeta, VerificationSlots } from './call-types.ts';

/** Later parts win: "no, it's 1984" replaces only the year. */
export function mergeDateOfBirth(
  current: DateOfBirthParts | undefined,
  heard: DateOfBirthParts | undefined,
): DateOfBirthParts | undefined {
  if (!heard) return current;
  return { ...current, ...Object.fromEntries(Object.entries(heard).filter(([, value]) => value !== undefined)) };
}

/** YYYY-MM-DD when all three parts are there and form a real calendar date, else undefined. */
export function completeDateOfBirth(parts: DateOfBirthParts | undefined): WallDate | undefined {
  if (!parts?.year || !parts.month || !parts.day) return undefined;
  const date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
  if (date.getUTCMonth() !== parts.month - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Oldest age a caller's birth date may give, in years: anything older is a mishearing, not a patient. */
export const maxPlausibleAge = 120;

/** A phone number a US clinic can have on file: +1 and ten digits (callers may say 10 digits, or 11 with a leading 1). */
export function isWellFormedPhone(phone: string): boolean {
  return /^\+1\d{10}$/.test(phone);
}

/**
 * Whether birth-date parts can still be a real past birth date of a plausible age. Partial parts are checked as far
 * as they go (a year alone must be in range); a full date must exist on the calendar.
 */
export function isPlausibleDateOfBirth(parts: DateOfBirthParts, today: WallDate | undefined): boolean {
  const thisYear = today ? Number(today.slice(0, 4)) : undefined;
  if (parts.year !== undefined && thisYear !== undefined && (parts.year > thisYear || parts.year < thisYear - maxPlausibleAge)) return false;
  if (parts.year === undefined || parts.month === undefined || parts.day === undefined) {
    // Month and day alone: February 30th is never a birthday.
    if (parts.month !== undefined && parts.day !== undefined) return completeDateOfBirth({ ...parts, year: 2000 }) !== undefined;
    return true;
  }
  const date = completeDateOfBirth(parts);
  return date !== undefined && (today === undefined || date < today);
}

export interface HeardVerification {
  /** The identity fields after this utterance: well-formed values only. */
  slots: VerificationSlots;
  /** Fields the caller gave in a form no patient's can have (wrong digit count, a date that cannot be a birth date). */
  malformed: Array<'phone' | 'dateOfBirth'>;
  /** True when the utterance added or changed a field. */
  changed: boolean;
}

/**
 * Merges one utterance into the identity fields, checking each value's form before it can reach verify_patient.
 * A low-confidence hearing does not replace a value already given (the caller is asked again instead).
 */
export function heardVerification(
  current: VerificationSlots,
  understanding: Understanding,
  options: { today?: WallDate; unsure: boolean },
): HeardVerification {
  const malformed = new Set<'phone' | 'dateOfBirth'>(understanding.malformed ?? []);
  const keep = (field: keyof VerificationSlots) => options.unsure && current[field] !== undefined;
  const slots: VerificationSlots = { ...current };
  if (understanding.lastName && !keep('lastName')) slots.lastName = understanding.lastName;
  if (understanding.phone && !keep('phone')) {
    if (isWellFormedPhone(understanding.phone)) {
      slots.phone = understanding.phone;
      malformed.delete('phone');
    } else malformed.add('phone');
  }
  if (understanding.dateOfBirth && !keep('dateOfBirth')) {
    const merged = mergeDateOfBirth(current.dateOfBirth, understanding.dateOfBirth);
    if (merged && isPlausibleDateOfBirth(merged, options.today)) {
      slots.dateOfBirth = merged;
      malformed.delete('dateOfBirth');
    } else {
      // Start the date over: parts that made an impossible date are not worth keeping.
      slots.dateOfBirth = undefined;
      malformed.add('dateOfBirth');
    }
  }
  const changed = (['lastName', 'phone'] as const).some((field) => slots[field] !== current[field]) ||
    JSON.stringify(slots.dateOfBirth) !== JSON.stringify(current.dateOfBirth);
  return { slots, malformed: [...malformed], changed };
}

export function offeredProviders(providers: Provider[]): OfferedOption[] {
  return providers.map((provider) => ({ label: provider.name, name: provider.name }));
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
    options: slots.includes('choice') ? context.offered : undefined,
    vocabulary,
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
