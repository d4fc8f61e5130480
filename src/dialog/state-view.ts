// How a call's state is shown outside the machine: a dotted path and the collected slots with PHI masked.
import type { StateValue } from 'xstate';
import type { CallMachineContext } from '../../machines/call-types.ts';

/** {verified: {booking: 'askDate'}} → "verified.booking.askDate" (parallel regions joined with "+"). */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${statePath(child as StateValue)}`))
    .join('+');
}

export interface MaskedSlots {
  intent?: string;
  lastName?: string;
  dateOfBirth?: string;
  phone?: string;
  verified: boolean;
  verificationFailures: number;
  specialty?: string;
  location?: string;
  provider?: string;
  date?: string;
  slot?: string;
  reason?: string;
  selectedAppointment?: string;
}

const mask = (value: unknown) => (value === undefined ? undefined : '•••');

/** Collected slots for the playground: whether PHI was collected, never its value. */
export function maskedSlots(context: CallMachineContext): MaskedSlots {
  const dateOfBirth = context.verification.dateOfBirth;
  return {
    intent: context.intent,
    lastName: mask(context.verification.lastName),
    dateOfBirth: dateOfBirth
      ? ['year', 'month', 'day'].map((part) => (dateOfBirth[part as keyof typeof dateOfBirth] ? '••' : '__')).join('-')
      : undefined,
    phone: mask(context.verification.phone),
    verified: context.verifiedPatientId !== undefined,
    verificationFailures: context.verificationFailures,
    specialty: context.booking.specialty,
    location: context.booking.location,
    provider: context.booking.provider?.name,
    date: context.booking.date,
    slot: context.booking.slot?.start,
    reason: mask(context.booking.reason),
    selectedAppointment: context.selectedAppointment?.start,
  };
}
