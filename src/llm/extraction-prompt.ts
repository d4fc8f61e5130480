// The instructions an LLM extractor gets: what to pull out of one utterance, against what the current state expects.
import { dayOfWeek } from '../clock.ts';
import { specialties } from '../ehr/types.ts';
import type { ExtractionInput, Expectation, SlotName } from '../understanding/types.ts';

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const slotDescriptions: Record<SlotName, string> = {
  intent: 'what they want to do (book, also said as "I need to see a skin doctor" or "can I come in"; list = check their appointments; cancel; reschedule; other)',
  lastName: 'their last name',
  dateOfBirth: 'their date of birth',
  phone: 'the phone number on their record',
  specialty: 'the kind of doctor',
  location: 'the clinic location',
  date: 'the day of the appointment',
  time: 'the time of the appointment',
  choice: 'which of the offered options they pick',
  reason: 'the reason for the visit',
  yesNo: 'a yes or a no',
  medication: 'which of the offered medications they mean (pick it as the choice)',
  pharmacy: 'which of the offered pharmacies they name (pick it as the choice)',
};

function optionLine(option: NonNullable<Expectation['options']>[number], index: number): string {
  const details = [option.name && `name ${option.name}`, option.date && `date ${option.date}`, option.time && `time ${option.time}`].filter(Boolean);
  return `${index}: ${JSON.stringify(option.label)}${details.length ? ` (${details.join(', ')})` : ''}`;
}

/**
 * The system message. It asks for slot values only: the model is never told about states, never offered tools,
 * and never asked what to say or do next, so an utterance can change the call only through validated values.
 */
export function extractionInstructions(expectation: Expectation, now: string): string {
  const today = now.slice(0, 10);
  const lines = [
    "You read one thing a caller said on the phone to a clinic's automated appointment line and extract the values they gave.",
    'Extract only. You do not reply to the caller, and you never decide what happens next in the call.',
    'Return null for every field the caller did not clearly give. Never guess, never fill a field from the question alone, and leave out anything you are not sure of.',
    'Callers hesitate and are polite ("um", "thank you", "please"): these words are never a value. When a caller corrects themselves ("the tenth, no, the eleventh"; "Smith, no wait, Smyth"), take the later value. The words may be a speech transcript: lower case, no punctuation, numbers as words.',
    '',
    `Date reference: it is now ${weekdayNames[dayOfWeek(today)]} ${today}, ${now.slice(11, 16)} clinic time. Resolve "today", "tomorrow", "next Tuesday" and the like against it. "date" is the appointment day (YYYY-MM-DD); "time" is the appointment time (HH:mm, 24-hour).`,
  ];
  if (expectation.slots.length > 0) {
    lines.push(`The caller was just asked for: ${expectation.slots.map((slot) => `${slot} (${slotDescriptions[slot]})`).join('; ')}.`);
  } else {
    lines.push('The caller was not asked for anything in particular.');
  }
  const options = expectation.options ?? [];
  if (options.length > 0) {
    lines.push('Options just offered to the caller; "choice" is the 0-based index of the one they pick (first = 0), null if they pick none or it is unclear:');
    lines.push(...options.map(optionLine));
  } else {
    lines.push('No options were offered, so "choice" is null.');
  }
  const locations = expectation.vocabulary?.locations ?? [];
  if (locations.length > 0) lines.push(`Clinic locations ("location" must be one of these, spelled exactly): ${locations.join('; ')}.`);
  else lines.push('"location" is null.');
  const providerNames = expectation.vocabulary?.providerNames ?? [];
  if (providerNames.length > 0) lines.push(`The clinic's doctors: ${providerNames.join('; ')}.`);
  lines.push(
    '',
    'Field rules:',
    '- lastName: the caller\'s own last name in upper case; a name spelled letter by letter is joined ("S M I T H" and "S as in Sam M I T H" are SMITH). Not a doctor\'s name.',
    '- dateOfBirth: only the parts said; a two-digit year means the most recent past year that fits.',
    '- phone: E.164; a ten-digit US number gets +1.',
    `- specialty: one of ${specialties.join(', ')}; "heart doctor" is cardiology, "skin" is dermatology, "for my child" is pediatrics, "regular doctor" is family medicine.`,
    '- soonest: true when, asked for a day, the caller wants the first day with an opening instead of naming one ("the earliest you have", "as soon as possible", "whatever is first"); then "date" is null.',
    '- reason: only when the reason for the visit was asked for, in the caller\'s own words.',
    '- yesNo: true for yes, sure, that works, please do, uh huh; false for no, not really, don\'t, and for endings such as "that\'s all", "I\'m all set", "nothing else".',
    '- emergency: true when the caller describes an emergency happening now (chest pain now, trouble breathing, severe bleeding, stroke signs, suicidal thoughts, overdose).',
    '- symptom: true when a serious symptom is given as a visit reason, said to be not urgent, or in the past ("chest tightness when I exercise, nothing urgent").',
    '- humanRequested: true when they ask for a person, an operator, the front desk or staff.',
    '- clinicalQuestion: true when they ask for medical advice (symptoms, medication, test results).',
    '- repeatRequested: true when they ask to hear the last thing again ("what?", "say that again").',
  );
  return lines.join('\n');
}

/** The user message: the caller's words and any keypad digits, as data to read. */
export function callerMessage(input: Pick<ExtractionInput, 'text' | 'dtmf'>): string {
  const parts: string[] = [];
  if (input.text?.trim()) parts.push(`Caller said: ${JSON.stringify(input.text.trim())}`);
  if (input.dtmf?.trim()) parts.push(`Keypad digits pressed: ${input.dtmf.trim()}`);
  return parts.join('\n');
}
