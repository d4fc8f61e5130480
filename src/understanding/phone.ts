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

/** Finds a phone number in text whose number words were already turned into digits ("5 5 5 01 01 …" joins up). */
export function findPhone(normalized: string): string | undefined {
  // Commas may split a number said in groups ("555, 010, 1234") or separate it from another number ("1985, 555 010 1234").
  for (const match of normalized.matchAll(/(\+\s*)?\(?\d[\d\s().,-]*\d\)?/g)) {
    const found = phoneFromDigits(match[0], match[1] !== undefined);
    if (found) return found;
    for (const part of match[0].split(',')) {
      const partFound = phoneFromDigits(part, part.trim().startsWith('+'));
      if (partFound) return partFound;
    }
  }
  return undefined;
}
