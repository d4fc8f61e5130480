// Requests as callers make them, without the word "appointment": booking, cancelling, moving and checking visits.
import { describe, expect, it } from 'vitest';
import { extractWithRules } from '../../src/understanding/rule-extractor.ts';
import { understand, type Row } from './understand.ts';

const opening = ['intent', 'specialty'] as const;

describe('booking without the word "appointment"', () => {
  it.each<Row>([
    ['I need to see a skin doctor', [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['i need to see a skin doctor', [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['can I get in with Dr. Whitfield', [...opening], { intent: 'book' }],
    ['can i get in with doctor whitfield', [...opening], { intent: 'book' }],
    ['I need to come in for my yearly physical', [...opening], { intent: 'book', specialty: 'family medicine' }],
    ["I'd like to see someone about my rash", [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['id like to see someone about my rash', [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['my son needs a checkup', [...opening], { intent: 'book', specialty: 'pediatrics' }],
    ['my daughter needs to see the pediatrician', [...opening], { intent: 'book', specialty: 'pediatrics' }],
    ['could I come in next week', [...opening], { intent: 'book' }],
    ['I want to get seen', [...opening], { intent: 'book' }],
    ['i wanna get seen today', [...opening], { intent: 'book', date: '2026-11-30' }],
    ['can somebody take a look at my mole', [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['I need a physical', [...opening], { intent: 'book', specialty: 'family medicine' }],
    ['I need a checkup', [...opening], { intent: 'book', specialty: 'family medicine' }],
    ["I'm due for my annual exam", [...opening], { intent: 'book', specialty: 'family medicine' }],
    ['is there any way i could be seen this week', [...opening], { intent: 'book' }],
    ['do you have anything available with a cardiologist', [...opening], { intent: 'book', specialty: 'cardiology' }],
    ['any openings on friday', [...opening], { intent: 'book', date: '2026-12-04' }],
    ['I was hoping to get in to see a heart doctor', [...opening], { intent: 'book', specialty: 'cardiology' }],
    ["I'd like to schedule a visit", [...opening], { intent: 'book' }],
    ['i need a follow up with my doctor', [...opening], { intent: 'book' }],
    ['can i get my kid in for a checkup', [...opening], { intent: 'book', specialty: 'pediatrics' }],
    ['I have a rash I want someone to look at', [...opening], { intent: 'book', specialty: 'dermatology' }],
    ['hello id like to make an appointment', [...opening], { intent: 'book' }],
    ['i need to bring my daughter in', [...opening], { intent: 'book', specialty: 'pediatrics' }],
    ["I'm calling to set something up for my son", [...opening], { intent: 'book', specialty: 'pediatrics' }],
    ["I need to schedule my son's well child visit", [...opening], { intent: 'book', specialty: 'pediatrics' }],
  ])('"%s" is a booking', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('cancelling, moving and checking visits', () => {
  it.each<Row>([
    ["I can't come on Tuesday anymore", [...opening], { intent: 'cancel', date: '2026-12-01' }],
    ['i cant come on tuesday anymore', [...opening], { intent: 'cancel', date: '2026-12-01' }],
    ["I won't be able to make it tomorrow", [...opening], { intent: 'cancel', date: '2026-12-01' }],
    ["I'm not going to be able to come in on friday", [...opening], { intent: 'cancel', date: '2026-12-04' }],
    ["I'm not going to make it on friday", [...opening], { intent: 'cancel', date: '2026-12-04' }],
    ["I don't need my visit anymore", [...opening], { intent: 'cancel' }],
    ['please take me off the schedule for friday', [...opening], { intent: 'cancel', date: '2026-12-04' }],
    ['I need to move my visit', [...opening], { intent: 'reschedule' }],
    ['can i push it back a week', [...opening], { intent: 'reschedule' }],
    ["I can't make Tuesday, can we find another day", [...opening], { intent: 'reschedule', date: '2026-12-01' }],
    ['i need a different day for my checkup', [...opening], { intent: 'reschedule', specialty: 'family medicine' }],
    ['can I change the time', [...opening], { intent: 'reschedule' }],
    ['when am I seeing the doctor', [...opening], { intent: 'list' }],
    ['when do i see doctor okafor', [...opening], { intent: 'list' }],
    ['when am i supposed to come in', [...opening], { intent: 'list' }],
    ['do I have anything coming up', [...opening], { intent: 'list' }],
    ['what do i have scheduled', [...opening], { intent: 'list' }],
    ['can you tell me what appointments I have', [...opening], { intent: 'list' }],
    ["I'd like to know when my appointments are", [...opening], { intent: 'list' }],
    ["I forgot when my next visit is", [...opening], { intent: 'list' }],
    ['what day am i coming in', [...opening], { intent: 'list' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('no booking read into what is not a request', () => {
  it.each<Row>([
    ['no thanks', [...opening], { yesNo: false }],
    ["no that's all", ['yesNo', 'intent', 'specialty'], { yesNo: false }],
    ['thank you', [...opening], {}],
    ["I'm good thanks", ['yesNo', 'intent', 'specialty'], { yesNo: false }],
    ['I see', [...opening], {}],
    ['can you see my insurance', [...opening], { intent: 'other' }],
    ['I need a refill of my prescription', [...opening], { intent: 'refill' }],
    ['the doctor told me to come back in two weeks', [...opening], { date: '2026-12-14' }],
    ["a cough that won't go away", [...opening], {}],
    ['just a second', ['lastName', 'dateOfBirth', 'phone'], {}],
    ['hold on one moment please', ['lastName', 'dateOfBirth', 'phone'], {}],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('a kind of doctor named when asked what the caller wants', () => {
  it.each(['heart doctor appointment thank you very much', 'dermatology please', 'um a skin doctor', 'pediatrics for my son'])('%s is a booking', (text) => {
    const understanding = extractWithRules({ text, expectation: { slots: ['intent', 'specialty'] }, now: '2026-12-01T09:00' });
    expect(understanding.intent).toBe('book');
    expect(understanding.specialty).toBeDefined();
  });
  it('is not a booking when a specialty comes up while something else is asked', () => {
    expect(extractWithRules({ text: 'heart doctor', expectation: { slots: ['reason'] }, now: '2026-12-01T09:00' }).intent).toBeUndefined();
  });
});
