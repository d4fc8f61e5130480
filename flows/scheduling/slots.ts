// The scheduling flow's collected slots for display (the playground): whether PHI was collected, never its value.
import type { CallMachineContext } from './types.ts';

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
