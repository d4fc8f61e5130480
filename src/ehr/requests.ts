// Checks every EHR backend applies to what a call asks of it: a clinic date's form, a visit reason's length.
import { FrontdeskError } from '../errors.ts';

/** Throws EHR_INVALID_REQUEST unless `date` is YYYY-MM-DD. */
export function requireDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new FrontdeskError('EHR_INVALID_REQUEST', 'date must be YYYY-MM-DD');
}

/** The visit reason trimmed; throws EHR_INVALID_REQUEST past 500 characters. */
export function cleanReason(reason: string): string {
  const cleaned = reason.trim();
  if (cleaned.length > 500) throw new FrontdeskError('EHR_INVALID_REQUEST', 'reason longer than 500 characters');
  return cleaned;
}
