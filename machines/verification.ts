// Shared flow piece: the caller's identity claim (last name, birth date, phone), collected in any order and checked for form before verify_patient.
import type { WallDate } from '../src/clock.ts';
import type { DateOfBirthParts, Understanding } from '../src/understanding/types.ts';

export interface VerificationSlots {
  lastName?: string;
  dateOfBirth?: DateOfBirthParts;
  phone?: string;
}

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
  // An unsure hearing may complete a date of birth (the year after the month and day), never change a part already given;
  // but a whole date replaces a date still missing parts (it is read back before it counts), so a stray part heard
  // from noise cannot hold the caller's real date off for good.
  const onlyCompletes = (heard: DateOfBirthParts, given: DateOfBirthParts | undefined) =>
    (['year', 'month', 'day'] as const).every((part) => heard[part] === undefined || given?.[part] === undefined || heard[part] === given[part]);
  const replacesPartial = (heard: DateOfBirthParts) => completeDateOfBirth(heard) !== undefined && completeDateOfBirth(current.dateOfBirth) === undefined;
  if (understanding.dateOfBirth && (!keep('dateOfBirth') || onlyCompletes(understanding.dateOfBirth, current.dateOfBirth) || replacesPartial(understanding.dateOfBirth))) {
    const merged = replacesPartial(understanding.dateOfBirth) ? understanding.dateOfBirth : mergeDateOfBirth(current.dateOfBirth, understanding.dateOfBirth);
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

