import { describe, expect, it } from 'vitest';
import { createRuleExtractor } from '../../src/understanding/rule-extractor.ts';
import type { Expectation, OfferedOption, SlotName, Understanding } from '../../src/understanding/types.ts';

// Monday, November 30, 2026, nine in the morning at the clinic.
const now = '2026-11-30T09:00';
const extractor = createRuleExtractor();
const vocabulary = { locations: ['Downtown Clinic', 'Riverside Medical Center', 'North Hills Office'], providerNames: ['Dr. Amara Okafor', 'Dr. Ben Lee'] };

function understand(text: string | undefined, slots: SlotName[], extra: Partial<Expectation> = {}, dtmf?: string): Promise<Understanding> {
  return extractor.extract({ text, dtmf, now, expectation: { slots, vocabulary, ...extra } });
}

type Row = [string, SlotName[], Understanding];

describe('rule extractor: intents', () => {
  it.each<Row>([
    ['I want to make an appointment', ['intent'], { intent: 'book' }],
    ['Can I schedule an appointment please', ['intent'], { intent: 'book' }],
    ["I'd like to book an appointment", ['intent'], { intent: 'book' }],
    ['I need to see a doctor', ['intent'], { intent: 'book' }],
    ['What appointments do I have?', ['intent'], { intent: 'list' }],
    ['When is my appointment', ['intent'], { intent: 'list' }],
    ['do I have any appointments coming up', ['intent'], { intent: 'list' }],
    ['I need to cancel my appointment', ['intent'], { intent: 'cancel' }],
    ['Can I move my appointment', ['intent'], { intent: 'reschedule' }],
    ['I want to change my appointment', ['intent'], { intent: 'reschedule' }],
    ['I need to reschedule', ['intent'], { intent: 'reschedule' }],
    ['I have an appointment and need to move it', ['intent'], { intent: 'reschedule' }],
    ['I need to see Dr. Okafor', ['intent'], { intent: 'book' }],
    ['I have a billing question', ['intent'], { intent: 'other' }],
    ['something else', ['intent'], { intent: 'other' }],
    ["I'd like to book with a heart doctor", ['intent'], { intent: 'book', specialty: 'cardiology' }],
    ['I need an appointment with a dermatologist next Tuesday', ['intent'], { intent: 'book', specialty: 'dermatology', date: '2026-12-08' }],
    ['I want to book a checkup for my kid', ['intent'], { intent: 'book', specialty: 'pediatrics' }],
    // "… my appointment" is one the caller has: booked only with a booking word, else asked again.
    ['I need to schedule my appointment', ['intent'], { intent: 'book' }],
    ["I'd like to make my yearly physical appointment", ['intent'], { intent: 'book', specialty: 'family medicine' }],
    ["okay i'd like to debate on my appointment", ['intent'], {}],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('rule extractor: interrupts in any state', () => {
  it.each<Row>([
    ["I'm having chest pain", ['lastName'], { emergency: true }],
    ["I can't breathe", ['dateOfBirth'], { emergency: true }],
    ['I think my husband is having a stroke', ['intent'], { emergency: true }],
    ['my son took an overdose', ['phone'], { emergency: true }],
    ['I feel suicidal', ['reason'], { emergency: true }],
    ["I'm bleeding a lot", ['yesNo'], { emergency: true }],
    ['Can I talk to a person', ['lastName'], { humanRequested: true }],
    ['I want to speak to a human', ['intent'], { humanRequested: true }],
    ['let me talk to someone', ['dateOfBirth'], { humanRequested: true }],
    ['receptionist please', ['lastName'], { humanRequested: true }],
    ['operator', ['lastName'], { humanRequested: true }],
    ['representative', ['reason'], { humanRequested: true }],
    ['Can you give me my test results', ['intent'], { clinicalQuestion: true }],
    ['what medication should I take for my headache', ['reason'], { clinicalQuestion: true }],
    ['how much ibuprofen should I take', ['intent'], { clinicalQuestion: true }],
    ['is this rash normal', ['reason'], { clinicalQuestion: true, specialty: 'dermatology' }],
    ['should I keep taking my blood pressure medication?', ['date'], { clinicalQuestion: true, specialty: 'cardiology' }],
    ['is it okay to stop my meds before the visit?', ['date'], { clinicalQuestion: true }],
    ['What?', ['lastName'], { repeatRequested: true }],
    ['can you say that again', ['dateOfBirth'], { repeatRequested: true }],
    ['repeat that please', ['yesNo'], { repeatRequested: true }],
    ['sorry?', ['choice'], { repeatRequested: true }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('keypad 0 asks for a person when no slot takes it', async () => {
    expect(await understand(undefined, ['intent'], {}, '0')).toEqual({ humanRequested: true });
  });
});

describe('rule extractor: dates of birth', () => {
  it.each<Row>([
    ['January fifteenth nineteen eighty-five', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['1/15/85', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['01-15-1985', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['the fifteenth of January 1985', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['born on Jan 15 85', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['it is March third two thousand and one', ['dateOfBirth'], { dateOfBirth: { year: 2001, month: 3, day: 3 } }],
    ['my birthday is July fourth twenty twenty', ['dateOfBirth'], { dateOfBirth: { year: 2020, month: 7, day: 4 } }],
    ['February 2nd, twenty twenty five', ['dateOfBirth'], { dateOfBirth: { year: 2025, month: 2, day: 2 } }],
    ['1/15/20', ['dateOfBirth'], { dateOfBirth: { year: 2020, month: 1, day: 15 } }],
    ['1/15/30', ['dateOfBirth'], { dateOfBirth: { year: 1930, month: 1, day: 15 } }],
    ['25/12/1990', ['dateOfBirth'], { dateOfBirth: { year: 1990, month: 12, day: 25 } }],
    ['1985-01-15', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['one fifteen eighty five', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['zero one one five one nine eight five', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['no, it\'s 1984', ['dateOfBirth'], { dateOfBirth: { year: 1984 } }],
    ['no, it is nineteen eighty four', ['dateOfBirth'], { dateOfBirth: { year: 1984 } }],
    ['actually the sixteenth', ['dateOfBirth'], { dateOfBirth: { day: 16 } }],
    ['it was March', ['dateOfBirth'], { dateOfBirth: { month: 3 } }],
    ['January 15th', ['dateOfBirth'], { dateOfBirth: { month: 1, day: 15 } }],
    ["July 4th, '76", ['dateOfBirth'], { dateOfBirth: { year: 1976, month: 7, day: 4 } }],
    ['seven four seventy six', ['dateOfBirth'], { dateOfBirth: { year: 1976, month: 7, day: 4 } }],
    ['I was born on the 4th of July 1976', ['dateOfBirth'], { dateOfBirth: { year: 1976, month: 7, day: 4 } }],
    ['may fifth nineteen ninety', ['dateOfBirth'], { dateOfBirth: { year: 1990, month: 5, day: 5 } }],
    ['I may need to reschedule', ['dateOfBirth'], { intent: 'reschedule' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each<Row>([
    ['January 15th 2027', ['dateOfBirth'], {}],
    ['12/25/2026', ['dateOfBirth'], {}],
    ['it is 2030', ['dateOfBirth'], {}],
    ['February 30th 1990', ['dateOfBirth'], {}],
    ['13/13/1990', ['dateOfBirth'], {}],
  ])('rejects the impossible or future date of birth "%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('reads "no" as a yes/no answer when that is the question, and as a correction when the date of birth is', async () => {
    expect(await understand('no', ['yesNo'])).toEqual({ yesNo: false });
    expect(await understand("no, it's 1984", ['dateOfBirth'])).toEqual({ dateOfBirth: { year: 1984 } });
    expect(await understand("no, it's 1984", ['yesNo', 'dateOfBirth'])).toEqual({ yesNo: false, dateOfBirth: { year: 1984 } });
  });

  it('takes a date of birth outside its question only with a birth word', async () => {
    expect(await understand('I was born January 15th 1985', ['intent'])).toEqual({ dateOfBirth: { year: 1985, month: 1, day: 15 } });
    expect(await understand('1/15/85', ['lastName'])).toEqual({});
  });

  it.each([
    ['01151985', { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['011585', { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['12252030', {}],
    ['1315198', {}],
    // Asked the year, a caller types the year.
    ['1972', { dateOfBirth: { year: 1972 } }],
    ['0115', {}],
    ['2031', {}],
  ])('keypad date of birth %s', async (digits, expected) => {
    expect(await understand(undefined, ['dateOfBirth'], {}, digits)).toEqual(expected);
  });
});

describe('rule extractor: appointment dates from Monday, November 30, 2026', () => {
  it.each<Row>([
    ['next Tuesday', ['date'], { date: '2026-12-08' }],
    ['tomorrow', ['date'], { date: '2026-12-01' }],
    ['today', ['date'], { date: '2026-11-30' }],
    ['December 3rd', ['date'], { date: '2026-12-03' }],
    ['December third', ['date'], { date: '2026-12-03' }],
    ['the 3rd', ['date'], { date: '2026-12-03' }],
    ['the thirtieth', ['date'], { date: '2026-11-30' }],
    ['Wednesday', ['date'], { date: '2026-12-02' }],
    ['Monday', ['date'], { date: '2026-12-07' }],
    ['this Friday', ['date'], { date: '2026-12-04' }],
    ['a week from Friday', ['date'], { date: '2026-12-11' }],
    ['in two weeks', ['date'], { date: '2026-12-14' }],
    ['January 5th', ['date'], { date: '2027-01-05' }],
    ['how about Thursday at 2 pm', ['date'], { date: '2026-12-03', time: '14:00' }],
    ['next week', ['date'], {}],
    // A weekday with a day of the month is that day, not the next such weekday.
    ['Friday the eleventh', ['date'], { date: '2026-12-11' }],
    ['so Monday the fourteenth, thank you', ['date'], { date: '2026-12-14' }],
    ['no, I said Wednesday the 16th', ['date'], { date: '2026-12-16' }],
    ['Friday the 15th', ['date'], { date: '2027-01-15' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('does not take a lone "the 3rd" as a date when no date was asked for', async () => {
    expect(await understand('the 3rd', ['intent'])).toEqual({});
  });

  // Asked for a day, a caller who names none but wants the first opening: the machine looks it up.
  it.each<Row>([
    ['the earliest day you have', ['date', 'time'], { soonest: true }],
    ['um, whatever you have first', ['date', 'time'], { soonest: true }],
    ['as soon as possible please', ['date', 'time'], { soonest: true }],
    ['whenever you have something open', ['date', 'time'], { soonest: true }],
    ['okay, the first available', ['date', 'time'], { soonest: true }],
    ['any day is fine, thank you', ['date', 'time'], { soonest: true }],
    ['the soonest you can', ['date', 'time'], { soonest: true }],
    ['whatever day is open first', ['date', 'time'], { soonest: true }],
  ])('"%s" asks for the first day with an opening', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('takes a day typed on the keypad as month and day (the next such date), or with the year; a past or impossible one is none', async () => {
    expect(await understand(undefined, ['date', 'time'], {}, '1216')).toEqual({ date: '2026-12-16' });
    expect(await understand(undefined, ['date', 'time'], {}, '0105')).toEqual({ date: '2027-01-05' });
    expect(await understand(undefined, ['date', 'time'], {}, '12162026')).toEqual({ date: '2026-12-16' });
    expect(await understand(undefined, ['date', 'time'], {}, '1132')).toEqual({});
    expect(await understand(undefined, ['date', 'time'], {}, '11292026')).toEqual({});
  });

  it('takes a named day over "earliest", and "earliest" only when a day was asked for', async () => {
    expect(await understand('Friday, the earliest you have', ['date', 'time'])).toEqual({ date: '2026-12-04' });
    expect(await understand('as soon as possible', ['intent'])).toEqual({});
  });
});

describe('rule extractor: phone numbers', () => {
  it.each<Row>([
    ['555-010-1234', ['phone'], { phone: '+15550101234' }],
    ['(555) 010 1234', ['phone'], { phone: '+15550101234' }],
    ['five five five oh one oh one two three four', ['phone'], { phone: '+15550101234' }],
    ['five five five zero one zero one two three four', ['phone'], { phone: '+15550101234' }],
    // A number ending in "one one" (a lone final "one" was taken for the pronoun of "that one").
    ['five five five zero two zero zero zero one one', ['phone'], { phone: '+15550200011' }],
    ['double five five oh one oh one two three four', ['phone'], { phone: '+15550101234' }],
    ['+1 555 010 1234', ['phone'], { phone: '+15550101234' }],
    ['1 555 010 1234', ['phone'], { phone: '+15550101234' }],
    ['my number is 555.010.1234', ['intent'], { phone: '+15550101234' }],
    ['five fifty five, oh one oh, twelve thirty four', ['phone'], { phone: '+15550101234' }],
    ['555, 010, 1234', ['phone'], { phone: '+15550101234' }],
    ['555 0101', ['phone'], {}],
    ['+44 20 7946 0958', ['phone'], { phone: '+442079460958' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each([
    ['5550101234', { phone: '+15550101234' }],
    ['15550101234', { phone: '+15550101234' }],
    ['555010', {}],
  ])('keypad phone %s', async (digits, expected) => {
    expect(await understand(undefined, ['phone'], {}, digits)).toEqual(expected);
  });
});

describe('rule extractor: last names', () => {
  it.each<Row>([
    ['Smith', ['lastName'], { lastName: 'SMITH' }],
    ['my last name is Smith', ['lastName'], { lastName: 'SMITH' }],
    ["it's Smith, S M I T H", ['lastName'], { lastName: 'SMITH' }],
    ['S-M-I-T-H', ['lastName'], { lastName: 'SMITH' }],
    ['s. m. i. t. h.', ['lastName'], { lastName: 'SMITH' }],
    ['my name is John Smith', ['lastName'], { lastName: 'SMITH' }],
    ["um it's O'Brien", ['lastName'], { lastName: "O'BRIEN" }],
    ['Garcia-Lopez', ['lastName'], { lastName: 'GARCIA-LOPEZ' }],
    ['Maria de la Cruz', ['lastName'], { lastName: 'DE LA CRUZ' }],
    ['Isaacs', ['lastName'], { lastName: 'ISAACS' }],
    ['no', ['lastName'], { yesNo: false }],
    ["I don't know", ['lastName'], {}],
    ['I want to book an appointment', ['lastName'], { intent: 'book' }],
    ['Smith', ['intent'], {}],
    ['my name is John Smith and I want to book an appointment', ['intent'], { lastName: 'SMITH', intent: 'book' }],
    ['my last name is Okafor', ['intent'], { lastName: 'OKAFOR' }],
    ['my name is Sarah', ['intent'], {}],
    ['my name is Sarah', ['lastName'], { lastName: 'SARAH' }],
    ['Lee. L E E.', ['lastName'], { lastName: 'LEE' }],
    ['five five five oh one oh one two three four', ['lastName', 'dateOfBirth', 'phone'], { phone: '+15550101234' }],
    // A birth date said while all three identity fields are open is not a surname ("Ninety").
    ['November second nineteen ninety', ['lastName', 'dateOfBirth', 'phone'], { dateOfBirth: { year: 1990, month: 11, day: 2 } }],
    ['Chen, November second nineteen ninety', ['lastName', 'dateOfBirth', 'phone'], { lastName: 'CHEN', dateOfBirth: { year: 1990, month: 11, day: 2 } }],
  ])('"%s" when %j expected', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('rule extractor: specialties and locations', () => {
  it('takes a keypad digit as the kind of doctor in the order the agent reads them, and nothing for a key past the list', async () => {
    expect(await understand(undefined, ['specialty', 'location'], {}, '1')).toEqual({ specialty: 'family medicine' });
    expect(await understand(undefined, ['specialty', 'location'], {}, '4')).toEqual({ specialty: 'pediatrics' });
    expect(await understand(undefined, ['specialty', 'location'], {}, '7')).toEqual({});
    expect(await understand(undefined, ['specialty', 'location'], {}, '0')).toEqual({ humanRequested: true });
  });

  it.each<Row>([
    ['heart doctor', ['specialty'], { specialty: 'cardiology' }],
    ['a cardiologist', ['specialty'], { specialty: 'cardiology' }],
    ['skin doctor', ['specialty'], { specialty: 'dermatology' }],
    ['dermatologist', ['specialty'], { specialty: 'dermatology' }],
    ['I have a rash', ['specialty'], { specialty: 'dermatology' }],
    ['pediatrician', ['specialty'], { specialty: 'pediatrics' }],
    ["it's for my kid", ['specialty'], { specialty: 'pediatrics' }],
    ["my child's doctor", ['specialty'], { specialty: 'pediatrics' }],
    ['family doctor', ['specialty'], { specialty: 'family medicine' }],
    ['primary care', ['specialty'], { specialty: 'family medicine' }],
    ['my GP', ['specialty'], { specialty: 'family medicine' }],
    ['just a checkup', ['specialty'], { specialty: 'family medicine' }],
    ['a cardiologist or a dermatologist', ['specialty'], {}],
    ['downtown', ['location'], { location: 'Downtown Clinic' }],
    ['the riverside one', ['location'], { location: 'Riverside Medical Center' }],
    ['North Hills please', ['location'], { location: 'North Hills Office' }],
    ['riversde', ['location'], { location: 'Riverside Medical Center' }],
    ['any clinic', ['location'], {}],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('rule extractor: yes and no', () => {
  it.each<Row>([
    ['yes', ['yesNo'], { yesNo: true }],
    ['yeah', ['yesNo'], { yesNo: true }],
    ["that's right", ['yesNo'], { yesNo: true }],
    ['correct', ['yesNo'], { yesNo: true }],
    ['sure', ['yesNo'], { yesNo: true }],
    ['please do', ['yesNo'], { yesNo: true }],
    ['um, yes please', ['yesNo'], { yesNo: true }],
    ['no', ['yesNo'], { yesNo: false }],
    ['nope', ['yesNo'], { yesNo: false }],
    ['not really', ['yesNo'], { yesNo: false }],
    ["that's all", ['yesNo'], { yesNo: false }],
    ["no that's not right", ['yesNo'], { yesNo: false }],
    // A transcript's no that lost its "nope": what the grammar hears for "nope, that's not it" through the 8 kHz band.
    ["hello that's not it", ['yesNo'], { yesNo: false }],
    ['that is not the one', ['yesNo'], { yesNo: false }],
    ['yes', ['intent'], { yesNo: true }],
    ['maybe', ['yesNo'], {}],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each([
    ['1', { yesNo: true }],
    ['2', { yesNo: false }],
    ['3', {}],
  ])('keypad %s', async (digits, expected) => {
    expect(await understand(undefined, ['yesNo'], {}, digits)).toEqual(expected);
  });
});

describe('rule extractor: choosing among offered options', () => {
  const slots: OfferedOption[] = [
    { label: 'Tuesday, December first at ten thirty AM', name: 'Dr. Amara Okafor', date: '2026-12-01', time: '10:30' },
    { label: 'Tuesday, December first at two PM', name: 'Dr. Amara Okafor', date: '2026-12-01', time: '14:00' },
    { label: 'Thursday, December third at nine AM', name: 'Dr. Ben Lee', date: '2026-12-03', time: '09:00' },
  ];
  const providers: OfferedOption[] = [
    { label: 'Dr. Amara Okafor', name: 'Dr. Amara Okafor' },
    { label: 'Dr. Ben Lee', name: 'Dr. Ben Lee' },
  ];

  it.each<[string, OfferedOption[], Understanding]>([
    ['the second one', slots, { choice: 1 }],
    ['number two', slots, { choice: 1 }],
    ['first', slots, { choice: 0 }],
    ['the first one please', slots, { choice: 0 }],
    ['the last one', slots, { choice: 2 }],
    ['option 3', slots, { choice: 2 }],
    ['2', slots, { choice: 1 }],
    ['ten thirty', slots, { choice: 0, time: '10:30' }],
    ['10:30', slots, { choice: 0, time: '10:30' }],
    ['the 2 pm one', slots, { choice: 1, time: '14:00' }],
    ['two in the afternoon', slots, { choice: 1, time: '14:00' }],
    ['nine works', slots, { choice: 2, time: '09:00' }],
    ['the Thursday one', slots, { choice: 2 }],
    ['Tuesday at two', slots, { choice: 1, time: '14:00' }],
    ['Doctor Okafor', providers, { choice: 0 }],
    ['Dr. Lee please', providers, { choice: 1 }],
    ['okafore', providers, { choice: 0 }],
    ['the one at 10:30 with Dr. Okafor', slots, { choice: 0, time: '10:30' }],
    ['Dr. Lee on Thursday', slots, { choice: 2 }],
    ['the fourth one', slots, {}],
    ['Tuesday', slots, { date: '2026-12-01' }],
    ['eleven', slots, {}],
  ])('"%s"', async (text, options, expected) => {
    expect(await understand(text, ['choice'], { options })).toEqual(expected);
  });

  it('takes a yes and a choice together when both are asked', async () => {
    expect(await understand('yes the first one', ['choice', 'yesNo'], { options: slots })).toEqual({ choice: 0, yesNo: true });
  });

  it('takes a keypad digit as the 1-based option', async () => {
    expect(await understand(undefined, ['choice'], { options: slots }, '3')).toEqual({ choice: 2 });
    expect(await understand(undefined, ['choice'], { options: slots }, '4')).toEqual({});
  });
});

describe('rule extractor: appointment times', () => {
  it.each<Row>([
    ['ten thirty', ['time'], { time: '10:30' }],
    ['2 pm', ['time'], { time: '14:00' }],
    ['two in the afternoon', ['time'], { time: '14:00' }],
    ['at two', ['time'], { time: '14:00' }],
    ['nine oh five', ['time'], { time: '09:05' }],
    ['half past ten', ['time'], { time: '10:30' }],
    ['quarter to three', ['time'], { time: '14:45' }],
    ['noon', ['time'], { time: '12:00' }],
    ['11 a.m.', ['time'], { time: '11:00' }],
    ['ten thirty', ['intent'], {}],
    ['around 3:15', ['intent'], { time: '15:15' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('rule extractor: visit reasons', () => {
  it.each<Row>([
    ['I have a sore throat', ['reason'], { reason: 'I have a sore throat' }],
    ['  annual   physical  ', ['reason'], { reason: 'annual physical', specialty: 'family medicine' }],
    ['I have chest pain', ['reason'], { emergency: true }],
    ['what?', ['reason'], { repeatRequested: true }],
    ['um', ['reason'], {}],
    ['I have a sore throat', ['intent'], {}],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('keeps at most 200 characters, cut between words', async () => {
    const long = `my knee ${'hurts a lot '.repeat(30)}`;
    const result = await understand(long, ['reason']);
    expect(result.reason).toBe(`my knee${' hurts a lot'.repeat(16)}`);
    expect(result.reason!.length).toBeLessThanOrEqual(200);
  });
});

describe('rule extractor: several slots in one answer', () => {
  it('takes a last name and a date of birth said together', async () => {
    expect(await understand('Smith, January 15 1985', ['lastName', 'dateOfBirth'])).toEqual({
      lastName: 'SMITH',
      dateOfBirth: { year: 1985, month: 1, day: 15 },
    });
  });

  it('takes a date of birth and a phone number said together', async () => {
    expect(await understand('born 1/15/1985, my number is 555 010 1234', ['dateOfBirth', 'phone'])).toEqual({
      dateOfBirth: { year: 1985, month: 1, day: 15 },
      phone: '+15550101234',
    });
  });

  it('takes intent, specialty, location, day and time from one request', async () => {
    expect(await understand('I want to book a skin doctor downtown on Friday at 10 am', ['intent'])).toEqual({
      intent: 'book',
      specialty: 'dermatology',
      location: 'Downtown Clinic',
      date: '2026-12-04',
      time: '10:00',
    });
  });

  it('hears an emergency even while a last name is expected, and takes no name from it', async () => {
    expect(await understand('Smith, but my chest pain is getting worse', ['lastName'])).toEqual({ emergency: true });
  });
});

describe('rule extractor: contract', () => {
  it('is named and refuses an aborted call', async () => {
    expect(extractor.name).toBe('rules');
    await expect(extractor.extract({ text: 'yes', now, expectation: { slots: ['yesNo'] }, abortSignal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('returns nothing for silence', async () => {
    expect(await understand('', ['lastName'])).toEqual({});
    expect(await understand(undefined, ['lastName'])).toEqual({});
  });
});
