// The extractor without a language model: patterns, number words, chrono-node and libphonenumber-js, steered by what the state expects.
import { isKeyedLastName } from '../ehr/identity.ts';
import { specialties } from '../ehr/types.ts';
import { FrontdeskError } from '../errors.ts';
import { appointmentDateFromDigits, asksForSoonest, findAppointmentDate } from './appointment-date.ts';
import { choiceFromDigits, findChoice, withoutPronounOne } from './choice.ts';
import { applyCorrection, splitAtCorrection } from './corrections.ts';
import { dateOfBirthFromDigits, findDateOfBirth } from './date-of-birth.ts';
import { withoutFillers } from './fillers.ts';
import { findIntent } from './intent.ts';
import { findOfferedName } from './offered-name.ts';
import { findInterrupts } from './interrupts.ts';
import { findLastName } from './last-name.ts';
import { findLocation } from './location.ts';
import { normalizeNumberWords } from './number-words.ts';
import { isMalformedPhone, isMalformedPhoneDigits } from './malformed.ts';
import { findPhoneIn, phoneFromDigits, withoutPhoneDigits } from './phone.ts';
import { findSpecialty } from './specialty.ts';
import { findTime, toClinicTime } from './time-of-day.ts';
import { understandingSchema, type ExtractionInput, type Expectation, type Extractor, type Understanding } from './types.ts';
import { findYesNo, yesNoFromDigits } from './yes-no.ts';

/** Longest reason kept, in characters (the schema's limit). */
const maxReasonLength = 200;
const birthWords = /\b(?:born|birth|birthday|birthdate|dob|d\.o\.b\.?)\b/;
const fillerOnly = /^(?:oh)?[\s.,!?]*$/;

/** Text cut to at most `limit` characters, at a word boundary when there is one. */
function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit + 1);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > 0 ? cut.slice(0, lastSpace) : cut.slice(0, limit)).trim();
}

/** Keypad digits go to the first expected slot that can take them. */
function understandDigits(digits: string, expectation: Expectation, now: string): Understanding {
  for (const slot of expectation.slots) {
    if (slot === 'lastName') {
      // Asked for the last name, keys 2 to 9 spell it, one key per letter; a date or a phone number has a 0 or a 1 or is longer.
      if (slot === expectation.slots[0] && isKeyedLastName(digits)) return { lastName: digits };
    } else if (slot === 'dateOfBirth') {
      const dateOfBirth = dateOfBirthFromDigits(digits, now);
      if (dateOfBirth) return { dateOfBirth };
    } else if (slot === 'phone') {
      const phone = phoneFromDigits(digits);
      if (phone) return { phone };
      if (isMalformedPhoneDigits(digits)) return { malformed: ['phone'] };
    } else if (slot === 'choice' && expectation.options?.length) {
      const choice = choiceFromDigits(digits, expectation.options.length);
      if (choice !== undefined) return { choice };
    } else if (slot === 'specialty' && /^[1-9]$/.test(digits)) {
      // The order the agent reads them in when it offers the keypad: 1 for family medicine, 2 for cardiology…
      const specialty = specialties[Number(digits) - 1];
      if (specialty) return { specialty };
    } else if (slot === 'date') {
      const date = appointmentDateFromDigits(digits, now);
      if (date) return { date };
    } else if (slot === 'yesNo') {
      const yesNo = yesNoFromDigits(digits);
      if (yesNo !== undefined) return { yesNo };
    }
  }
  // 0 asks for the operator, as on most phone menus.
  if (digits === '0') return { humanRequested: true };
  return {};
}

function understandText(text: string, expectation: Expectation, now: string): Understanding {
  const expected = new Set(expectation.slots);
  const lower = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const interrupts = findInterrupts(lower);
  // An emergency ends the call: nothing else said alongside it is worth acting on.
  if (interrupts.emergency) {
    const { symptom: _symptom, ...urgent } = interrupts;
    return urgent;
  }
  const cleaned = withoutFillers(text);
  const normalized = normalizeNumberWords(cleaned);
  const result: Understanding = { ...interrupts };
  const interrupted = Boolean(result.humanRequested || result.clinicalQuestion || result.repeatRequested);

  const intent = findIntent(cleaned);
  if (intent) result.intent = intent;
  const specialty = findSpecialty(lower);
  if (specialty) result.specialty = specialty;
  // Asked what they want, a caller who names a kind of doctor ("heart doctor appointment", "dermatology please") is booking.
  if (!result.intent && specialty && expected.has('intent') && !interrupted) result.intent = 'book';
  const locations = expectation.vocabulary?.locations ?? [];
  const location = locations.length > 0 ? findLocation(lower, locations) : undefined;
  if (location) result.location = location;

  const found = findPhoneIn(normalized);
  const phone = found?.phone;
  if (phone) result.phone = phone;

  const mentionsBirth = birthWords.test(lower);
  if (mentionsBirth || expected.has('dateOfBirth')) {
    // Digits that made a phone number are not also a birth date ("five five five oh one oh one…" is not January first).
    const dateOfBirth = findDateOfBirth(withoutPhoneDigits(normalized, found), { now, partial: expected.has('dateOfBirth') });
    if (dateOfBirth) result.dateOfBirth = dateOfBirth;
  }
  // A number for the phone that no phone can have (a digit heard twice, one dropped): the machine re-asks with a hint.
  if (!phone && !result.dateOfBirth && expected.has('phone') && isMalformedPhone(normalized)) result.malformed = ['phone'];

  const options = expectation.options ?? [];
  if (options.length > 0 && !result.repeatRequested) {
    const choice = findChoice(normalizeNumberWords(withoutPronounOne(cleaned)), options);
    if (choice) {
      result.choice = choice.choice;
      if (choice.time) result.time = choice.time;
    }
  }

  // A medication or pharmacy picked by what it is called, among those just offered.
  for (const slot of ['medication', 'pharmacy'] as const) {
    if (!expected.has(slot) || options.length === 0 || interrupted) continue;
    const index = findOfferedName(cleaned, options);
    const name = index === undefined ? undefined : options[index]!.name;
    if (name) result[slot] = name;
  }

  const dateIsBirth = (expected.has('dateOfBirth') && !expected.has('date')) || mentionsBirth;
  // "Whatever you have first", asked for a day and naming none: the machine looks up the first day with an opening.
  const soonest = expected.has('date') && result.choice === undefined && !interrupted && asksForSoonest(cleaned);
  // A day that picked an option ("the Thursday one") is the choice, not a new date.
  if (!dateIsBirth && !phone && (result.choice === undefined || expected.has('date'))) {
    // "The first available" is not the first of the month.
    const date = findAppointmentDate(normalized, now, { dayOnly: expected.has('date') && result.choice === undefined && !soonest });
    if (date) result.date = date;
  }
  if (soonest && result.date === undefined) result.soonest = true;

  if (result.time === undefined && !phone && !(dateIsBirth && !expected.has('time'))) {
    const heard = findTime(normalized, { loose: expected.has('time') && result.choice === undefined });
    if (heard) result.time = toClinicTime(heard);
  }

  if (!interrupted) {
    const lastName = findLastName(text, { expected: expected.has('lastName') });
    if (lastName) result.lastName = lastName;
  }

  if (!result.repeatRequested) {
    const yesNo = findYesNo(text, { expected: expected.has('yesNo') });
    if (yesNo !== undefined) result.yesNo = yesNo;
  }

  if (expected.has('reason') && !interrupted && !fillerOnly.test(cleaned) && findYesNo(text, { expected: false }) === undefined) {
    result.reason = clip(text.replace(/\s+/g, ' ').trim(), maxReasonLength);
  }
  return result;
}

/** What was said, with a self-correction applied: "the tenth, no, the eleventh" is the eleventh. */
function understandCorrected(text: string, expectation: Expectation, now: string): Understanding {
  const whole = understandText(text, expectation, now);
  const split = whole.emergency ? undefined : splitAtCorrection(text);
  if (!split) return whole;
  const before = understandText(split.before, expectation, now);
  const after = understandText(split.after, expectation, now);
  return applyCorrection(whole, split, before, after, { phoneExpected: expectation.slots.includes('phone') });
}

/** Slot values from one turn, synchronously: what `createRuleExtractor().extract` returns. */
export function extractWithRules(input: ExtractionInput): Understanding {
  const digits = (input.dtmf ?? '').replace(/[^\d]/g, '');
  const text = (input.text ?? '').trim();
  const fromDigits = digits ? understandDigits(digits, input.expectation, input.now) : {};
  const fromText = text ? understandCorrected(text, input.expectation, input.now) : {};
  const parsed = understandingSchema.safeParse({ ...fromText, ...fromDigits });
  if (!parsed.success) throw new FrontdeskError('EXTRACTION_INVALID', 'rule extractor produced an invalid understanding', { cause: parsed.error, retryable: false });
  return parsed.data;
}

/** The extractor that needs no language model: deterministic, fast, and conservative (unsure slots are left out). */
export function createRuleExtractor(): Extractor {
  return {
    name: 'rules',
    async extract(input: ExtractionInput): Promise<Understanding> {
      input.abortSignal?.throwIfAborted();
      return extractWithRules(input);
    },
  };
}
