// Phone numbers said, typed or keyed ("(555) 010 1234", "five five five oh one oh…", DTMF) → E.164 via libphonenumber-js.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 for a run of digits, if it can be a phone number: 10 digits (or 11 starting with 1) are US; `international` when "+" was said or typed. */
export function phoneFromDigits(digits: string, international = false): string | undefined {
  const bare = digits.replace(/\D/g, '');
  let candidate: string;
  if (international) candidate = `+${bare}`;
  else if (bare.length === 10) candidate = `+1${bare}`;
  else if (bare.length === 11 && bare.startsWith('1')) candidate = `+${bare}`;
  else return undefined;
  const parsed = parsePhoneNumberFromString(candidate, 'US');
  // isPossible, not isValid: fictional 555-01xx numbers must pass; length and country code are what a caller's words can settle.
  if (!parsed || !parsed.isPossible()) return undefined;
  return parsed.number;
}

/** A phone number found in text, and where its digits were, so they are not read again as a date of birth. */
export interface FoundPhone {
  phone: string;
  start: number;
  end: number;
}

/** What may come before a phone number in one run of digits: a birth year ("1985") or a date ("1 15 85"). */
const birthBefore = /(?:^|\D)(?:(?:19|20)\d{2}|\d{1,2}\s\d{1,2}\s\d{2})\s*$/;

/**
 * The trailing groups of a run too long for one number ("1985 5 5 5 01 01 2 3 4": a birth year, then the phone),
 * if they make ten digits whose area code can be real (it never starts with 0 or 1) and a birth date comes before them.
 * A number said with a digit too many ("5 5 5 8 8 01 01 2 3 4") is no number at all, not its last ten digits.
 */
function trailingNumber(run: string, offset: number): FoundPhone | undefined {
  const groups = [...run.matchAll(/\d+/g)];
  let digits = '';
  for (let index = groups.length - 1; index >= 0; index -= 1) {
    digits = groups[index]![0] + digits;
    if (digits.length > 10) return undefined;
    if (digits.length === 10 && /^[2-9]/.test(digits)) {
      const phone = phoneFromDigits(digits);
      const start = offset + groups[index]!.index;
      if (!birthBefore.test(run.slice(0, groups[index]!.index))) return undefined;
      return phone ? { phone, start, end: offset + run.length } : undefined;
    }
  }
  return undefined;
}

/** Finds a phone number in text whose number words were already turned into digits ("5 5 5 01 01 …" joins up). */
export function findPhoneIn(normalized: string): FoundPhone | undefined {
  // Commas may split a number said in groups ("555, 010, 1234") or separate it from another number ("1985, 555 010 1234").
  for (const match of normalized.matchAll(/(\+\s*)?\(?\d[\d\s().,-]*\d\)?/g)) {
    const whole = phoneFromDigits(match[0], match[1] !== undefined);
    if (whole) return { phone: whole, start: match.index, end: match.index + match[0].length };
    let offset = match.index;
    for (const part of match[0].split(',')) {
      const partFound = phoneFromDigits(part, part.trim().startsWith('+'));
      if (partFound) return { phone: partFound, start: offset, end: offset + part.length };
      const trailing = part.replace(/\D/g, '').length > 11 ? trailingNumber(part, offset) : undefined;
      if (trailing) return trailing;
      offset += part.length + 1;
    }
  }
  return undefined;
}

/**
 * The text without the digits of a phone number, found or only attempted (a run of nine digits or more that does not
 * open with a birth year): "five five five eight eight oh one oh one…" holds no date of birth, even with a digit too many.
 */
export function withoutPhoneDigits(normalized: string, found: FoundPhone | undefined): string {
  const text = found ? `${normalized.slice(0, found.start)} ${normalized.slice(found.end)}` : normalized;
  return text.replace(/\d[\d\s().-]*\d/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return digits.length >= 9 && !/^(?:19|20)\d{2}(?!\d)/.test(run) ? ' ' : run;
  });
}

/** Finds a phone number in text whose number words were already turned into digits. */
export function findPhone(normalized: string): string | undefined {
  return findPhoneIn(normalized)?.phone;
}

/**
 * A number said again from part-way through: "555 010, sorry, 010 1234" or "555 010 1235, sorry, 1234".
 * The later digits replace the end of the earlier ones, keeping the start so that ten digits result.
 */
export function correctedPhone(earlier: string, later: string): string | undefined {
  const before = earlier.replace(/\D/g, '');
  const after = later.replace(/\D/g, '');
  if (after.length === 0 || after.length >= 10 || before.length < 10 - after.length) return undefined;
  const joined = before.slice(0, 10 - after.length) + after;
  // A US area code never starts with 0 or 1: such a join was not one number.
  return /^[2-9]/.test(joined) ? phoneFromDigits(joined) : undefined;
}
