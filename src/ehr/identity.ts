// Normalising what a caller claims so it compares with the record: last names and phone numbers.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Case-insensitive, accent- and spacing-tolerant key for a last name ("O'Brien", "o’brien" → "o'brien"). */
export function lastNameKey(lastName: string): string {
  return lastName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** E.164 form of a phone number; national numbers are read in `defaultCountry`. Falls back to "+digits" for numbers the library cannot place. */
export function normalisePhone(phone: string, defaultCountry: 'US' | 'CA' | 'GB' = 'US'): string {
  const parsed = parsePhoneNumberFromString(phone, defaultCountry);
  if (parsed) return parsed.number;
  return `+${phone.replace(/\D/g, '')}`;
}
