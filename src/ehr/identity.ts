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

const keypad: Record<string, string> = Object.fromEntries(
  ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'].flatMap((letters, index) => [...letters].map((letter) => [letter, String(index + 2)])),
);

/** A last name's key (`lastNameKey`) with each letter as its keypad key; other characters dropped, digits kept if asked. */
function asKeys(lastName: string, keepDigits: boolean): string {
  return [...lastNameKey(lastName)].map((character) => keypad[character] ?? (keepDigits && /\d/.test(character) ? character : '')).join('');
}

/** A last name as the keys of its letters on a phone keypad ("O'Brien" → "627436"); other characters have no key. */
export function keypadKeys(lastName: string): string {
  return asKeys(lastName, false);
}

/** Whether a claimed last name was typed on the keypad: only the digits 2 to 9, the keys that carry letters. */
export function isKeyedLastName(lastName: string): boolean {
  return /^[2-9]{2,20}$/.test(lastName.trim());
}

/** Whether a record's last name is the one claimed: by its key, or, for a name typed on the keypad, by its letters' keys. */
export function lastNameMatches(claimed: string, recorded: string): boolean {
  const typed = claimed.trim();
  return isKeyedLastName(typed) ? keypadKeys(recorded) === typed : lastNameKey(recorded) === lastNameKey(typed);
}

/**
 * The name in a claim's lockout keys: its letters as keypad keys (digits kept, other marks dropped), so a name said and
 * the same name typed count against one lock; a name with no letter a keypad carries keeps its own key.
 */
export function lastNameLockKey(claimed: string): string {
  const keys = asKeys(claimed, true);
  return /[2-9]/.test(keys) ? keys : lastNameKey(claimed);
}
