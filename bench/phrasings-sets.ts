// Phrasings per question for bench:phrasings: how callers put an answer, each with the values it must give. Two sets: the
// first is what the grammars were extended for (stop 25); the second was written before that change, from the same
// questions, and three gaps it showed were then mended ("I don't mind, either is fine", "yes, please cancel it", "do I
// have anything booked"); neither is a caller corpus phrasing (bench/callers/personas.ts).
import type { Expectation } from '../src/understanding/types.ts';

export type Phrasing = [text: string, expectation: Expectation, values: Record<string, unknown>];

/** The questions that offer options, with options as the flow offers them (fixtures' doctors, days, times, appointments). */
export const providers: Expectation = {
  slots: ['choice', 'intent'],
  options: [
    { label: 'Dr. Samuel Whitfield', name: 'Dr. Samuel Whitfield', keywords: ['Downtown'] },
    { label: 'Dr. Elena Petrova', name: 'Dr. Elena Petrova', keywords: ['Riverside'] },
  ],
};
export const days: Expectation = {
  slots: ['choice', 'date'],
  options: [
    { label: 'Monday, December seventh', date: '2026-12-07' },
    { label: 'Wednesday, December ninth', date: '2026-12-09' },
    { label: 'Thursday, December tenth', date: '2026-12-10' },
  ],
};
export const times: Expectation = {
  slots: ['choice', 'time', 'date'],
  options: [
    { label: '2026-12-02T09:30', date: '2026-12-02', time: '09:30' },
    { label: '2026-12-02T10:00', date: '2026-12-02', time: '10:00' },
    { label: '2026-12-02T10:30', date: '2026-12-02', time: '10:30' },
  ],
};
export const appointments: Expectation = {
  slots: ['choice', 'date', 'time', 'intent'],
  options: [
    { label: 'Monday, December seventh at ten thirty AM with Dr. Hannah Lindqvist', name: 'Dr. Hannah Lindqvist', date: '2026-12-07', time: '10:30' },
    { label: 'Monday, December fourteenth at two PM with Dr. Samuel Whitfield', name: 'Dr. Samuel Whitfield', date: '2026-12-14', time: '14:00' },
  ],
};

export const firstSet: Phrasing[] = [
  // greeting
  ["hi, i'd like to schedule a visit", { slots: ['intent', 'specialty'] }, { intent: 'book' }],
  ['hello, can i make an appointment with a dermatologist', { slots: ['intent', 'specialty'] }, { intent: 'book', specialty: 'dermatology' }],
  ['yeah hi, i need to cancel my appointment', { slots: ['intent', 'specialty'] }, { intent: 'cancel' }],
  ['i have to move my appointment to another day', { slots: ['intent', 'specialty'] }, { intent: 'reschedule' }],
  ['could you check when my appointment is', { slots: ['intent', 'specialty'] }, { intent: 'list' }],
  ["i'm calling to book a checkup", { slots: ['intent', 'specialty'] }, { intent: 'book' }],
  ['i need to see the heart doctor', { slots: ['intent', 'specialty'] }, { intent: 'book', specialty: 'cardiology' }],
  ['hi there, i want to reschedule', { slots: ['intent', 'specialty'] }, { intent: 'reschedule' }],
  ['do i have anything booked', { slots: ['intent', 'specialty'] }, { intent: 'list' }],
  ['i would like to cancel, please', { slots: ['intent', 'specialty'] }, { intent: 'cancel' }],
  // identity
  ["it's garcia", { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'GARCIA' }],
  ['last name garcia', { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'GARCIA' }],
  ['garcia, g a r c i a', { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'GARCIA' }],
  ["sure, it's smith", { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'SMITH' }],
  ['i was born on march fourteenth, nineteen seventy two', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1972, month: 3, day: 14 } }],
  ['march fourteen, seventy two', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1972, month: 3, day: 14 } }],
  ['three fourteen nineteen seventy two', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1972, month: 3, day: 14 } }],
  ['the fourteenth of march nineteen seventy two', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1972, month: 3, day: 14 } }],
  ['my birthday is march fourteenth nineteen seventy two', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1972, month: 3, day: 14 } }],
  ['sure, my phone number is five five five, zero one zero, four four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15550104456' }],
  ['it is five five five zero one zero four four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15550104456' }],
  ["my cell is five five five, zero one zero, four four five six", { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15550104456' }],
  ['five five five oh one oh double four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15550104456' }],
  // provider
  ['dr whitfield please', providers, { choice: 0 }],
  ['the second doctor', providers, { choice: 1 }],
  ['petrova', providers, { choice: 1 }],
  ["i'll take the first one", providers, { choice: 0 }],
  ['downtown is better for me', providers, { choice: 0 }],
  ["either one is fine", providers, { choice: 0 }],
  ['the one at riverside', providers, { choice: 1 }],
  // day
  ['wednesday works', days, { choice: 1 }],
  ['the ninth please', days, { choice: 1 }],
  ["let's do monday", days, { choice: 0 }],
  ['december tenth', days, { choice: 2 }],
  ['the last one', days, { choice: 2 }],
  ['next monday', { slots: ['date', 'time'] }, { date: '2026-12-07' }],
  ['how about thursday', { slots: ['date', 'time'] }, { date: '2026-12-03' }],
  ['do you have anything on friday', { slots: ['date', 'time'] }, { date: '2026-12-04' }],
  ['as early as possible', { slots: ['date', 'time'] }, { soonest: true }],
  ['whenever is soonest', { slots: ['date', 'time'] }, { soonest: true }],
  // time
  ['ten o clock', times, { time: '10:00' }],
  ['the ten thirty one', times, { choice: 2 }],
  ['nine thirty works for me', times, { time: '09:30' }],
  ['the earliest', times, { choice: 0 }],
  ['ten please', times, { time: '10:00' }],
  // which appointment
  ['the one with dr lindqvist', appointments, { choice: 0 }],
  ['the fourteenth', appointments, { choice: 1 }],
  ['the first appointment', appointments, { choice: 0 }],
  ['the monday one at two', appointments, { choice: 1 }],
  // yes / no
  ['yes, please cancel it', { slots: ['yesNo'] }, { yesNo: true }],
  ['yeah, book it', { slots: ['yesNo'] }, { yesNo: true }],
  ["that's perfect", { slots: ['yesNo'] }, { yesNo: true }],
  ['no, wait', { slots: ['yesNo'] }, { yesNo: false }],
  ["no, i've changed my mind", { slots: ['yesNo'] }, { yesNo: false }],
  ["no, don't do that", { slots: ['yesNo'] }, { yesNo: false }],
  ['no, i think that is everything', { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ["nah, i'm all set", { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ["that'll be all, thanks", { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ['no, that will be it', { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ['actually yes, can i also book a physical', { slots: ['yesNo', 'intent', 'specialty'] }, { intent: 'book' }],
  ['no, not now', { slots: ['yesNo'] }, { yesNo: false }],
  ["no, i'm fine", { slots: ['yesNo'] }, { yesNo: false }],
  ['yes, that is my date of birth', { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] }, { yesNo: true }],
  ['yes, that is the right number', { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] }, { yesNo: true }],
  ['yes you got it', { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] }, { yesNo: true }],
  ['no, i want to keep trying', { slots: ['yesNo', 'intent'] }, { yesNo: false }],
  ['yes, connect me', { slots: ['yesNo', 'intent'] }, { yesNo: true }],
];

export const secondSet: Phrasing[] = [
  ['good morning, i need to book an appointment please', { slots: ['intent', 'specialty'] }, { intent: 'book' }],
  ['yes hello, i was hoping to see a skin doctor', { slots: ['intent', 'specialty'] }, { specialty: 'dermatology' }],
  ['hey, i gotta cancel my appointment', { slots: ['intent', 'specialty'] }, { intent: 'cancel' }],
  ['i need to change my appointment time', { slots: ['intent', 'specialty'] }, { intent: 'reschedule' }],
  ['when is my appointment', { slots: ['intent', 'specialty'] }, { intent: 'list' }],
  ['can i get an appointment with a cardiologist', { slots: ['intent', 'specialty'] }, { intent: 'book', specialty: 'cardiology' }],
  ["hi, i'm calling about rescheduling", { slots: ['intent', 'specialty'] }, { intent: 'reschedule' }],
  ['yes, the last name is chen', { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'CHEN' }],
  ['okay, patel', { slots: ['lastName', 'dateOfBirth', 'phone'] }, { lastName: 'PATEL' }],
  ['born june third, nineteen sixty one', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1961, month: 6, day: 3 } }],
  ['june three, sixty one', { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1961, month: 6, day: 3 } }],
  ["that's june third nineteen sixty one", { slots: ['dateOfBirth', 'lastName', 'phone'] }, { dateOfBirth: { year: 1961, month: 6, day: 3 } }],
  ['you can reach me at five five five, two two two, three four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15552223456' }],
  ['my home number is five five five two two two three four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15552223456' }],
  ['okay, five five five, two two two, three four five six', { slots: ['phone', 'lastName', 'dateOfBirth'] }, { phone: '+15552223456' }],
  ['i guess the first one', providers, { choice: 0 }],
  ['dr petrova would be great', providers, { choice: 1 }],
  ['whoever is at downtown', providers, { choice: 0 }],
  ["i don't mind, either is fine", providers, { choice: 0 }],
  ['can i come in on wednesday', days, { choice: 1 }],
  ['the tenth works', days, { choice: 2 }],
  ['monday the seventh please', days, { choice: 0 }],
  ['what about next thursday', { slots: ['date', 'time'] }, { date: '2026-12-10' }],
  ['is there anything on monday', { slots: ['date', 'time'] }, { date: '2026-12-07' }],
  ['the soonest you have', { slots: ['date', 'time'] }, { soonest: true }],
  ['the ten o clock one', times, { time: '10:00' }],
  ['nine thirty is good', times, { time: '09:30' }],
  ['the second time', times, { choice: 1 }],
  ['let me do ten thirty', times, { time: '10:30' }],
  ['the one on the fourteenth', appointments, { choice: 1 }],
  ['the appointment with dr whitfield', appointments, { choice: 1 }],
  ['the second appointment', appointments, { choice: 1 }],
  ['yes, go ahead and book it', { slots: ['yesNo'] }, { yesNo: true }],
  ["yeah, that's correct", { slots: ['yesNo'] }, { yesNo: true }],
  ['uh huh', { slots: ['yesNo'] }, { yesNo: true }],
  ['no, not that one', { slots: ['yesNo'] }, { yesNo: false }],
  ['nope, leave it', { slots: ['yesNo'] }, { yesNo: false }],
  ["no, that's all i needed", { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ["i'm all set, thank you", { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ["no that's it for today", { slots: ['yesNo', 'intent', 'specialty'] }, { yesNo: false }],
  ['yes, i also want to cancel an appointment', { slots: ['yesNo', 'intent', 'specialty'] }, { intent: 'cancel' }],
  ['yes, that is correct', { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] }, { yesNo: true }],
  ['yep, all correct', { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] }, { yesNo: true }],
  ['yes, please transfer me', { slots: ['yesNo', 'intent'] }, { yesNo: true }],
  ["no, i'll keep going with you", { slots: ['yesNo', 'intent'] }, { yesNo: false }],
];
