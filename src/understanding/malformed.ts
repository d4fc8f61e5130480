// Values said in a form no patient's can have: a phone number with too many or too few digits (a digit heard twice, one dropped).

/** Fewest digits in one run that is taken for an attempt at a phone number rather than a date or a choice. */
const minPhoneAttemptDigits = 8;

/** True when the text holds a run of digits long enough to be an attempt at a phone number that no phone number can be. */
export function isMalformedPhone(normalized: string): boolean {
  for (const match of normalized.matchAll(/\+?\(?\d[\d\s().,-]*\d\)?/g)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length < minPhoneAttemptDigits) continue;
    const wellFormed = digits.length === 10 || (digits.length === 11 && digits.startsWith('1'));
    if (!wellFormed) return true;
  }
  return false;
}

/** Keypad digits for the phone that are not 10 (or 11 starting with 1). */
export function isMalformedPhoneDigits(digits: string): boolean {
  return digits.length >= minPhoneAttemptDigits && !(digits.length === 10 || (digits.length === 11 && digits.startsWith('1')));
}
