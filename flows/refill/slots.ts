// The refill flow's collected slots for display (the playground): the line's identity fields masked, and whether a medication and pharmacy were chosen, never which.
import { maskedSlots as lineMaskedSlots } from '../scheduling/slots.ts';
import type { RefillContext } from './types.ts';

export function maskedRefillSlots(context: RefillContext): Record<string, unknown> {
  const { intent, lastName, dateOfBirth, phone, verified, verificationFailures } = lineMaskedSlots(context);
  return {
    intent,
    lastName,
    dateOfBirth,
    phone,
    verified,
    verificationFailures,
    // A patient's medications are PHI: shown only as chosen or not.
    medication: context.refill.medication ? '•••' : undefined,
    pharmacy: context.refill.pharmacy ? '•••' : undefined,
  };
}
