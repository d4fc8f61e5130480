// How `frontdesk paths` and the graph tests walk the scheduling flow: sample caller turns and three imagined clinics.
import type { EventObject } from 'xstate';
import type { Appointment, Provider, Slot } from '../../src/ehr/types.ts';
import type { FlowExploration, FlowWorld } from '../../src/flow/types.ts';
import type { Understanding } from '../../src/understanding/types.ts';
import type { CallMachineContext } from './types.ts';

const booking = (context: unknown) => (context as CallMachineContext).booking;

const spoke = (understanding: Understanding, confidence?: number): EventObject =>
  ({ type: 'caller.spoke', understanding, ...(confidence === undefined ? {} : { confidence }) }) as EventObject;

/** Sample EHR answers, shared with the gating test's alphabet. */
export const provider = (index: number): Provider =>
  ({ providerId: `p${index}`, name: `Dr. ${index}`, specialty: 'cardiology', location: 'Downtown' }) as Provider;
export const slot = (date: string, hour: number): Slot =>
  ({ slotId: `s${hour}`, providerId: 'p1', providerName: 'Dr. 1', specialty: 'cardiology', location: 'Downtown', start: `${date}T${hour}:00`, durationMinutes: 30 }) as Slot;
export const appointment = (index: number): Appointment =>
  ({
    appointmentId: `a${index}`,
    confirmationCode: 'ABC234',
    providerId: 'p1',
    providerName: 'Dr. 1',
    specialty: 'cardiology',
    location: 'Downtown',
    start: `2026-12-0${index + 2}T10:00`,
    durationMinutes: 30,
    reason: 'checkup',
    status: 'booked',
  }) as Appointment;
export const slotTaken = Object.assign(new Error('taken'), { code: 'EHR_SLOT_TAKEN' });

/** Three clinics: everything works; full days and conflicts; nothing found and failures. */
const worlds: FlowWorld[] = [
  {
    name: 'everything works',
    answers: {
    verifyPatient: () => ({ output: { outcome: 'verified', patientId: 'patient-1' } }),
    searchProviders: () => ({ output: [provider(1), provider(2)] }),
    getAvailableSlots: (context) => ({ output: [slot(booking(context).date ?? '2026-12-02', 10), slot(booking(context).date ?? '2026-12-02', 11)] }),
    getAvailableDates: () => ({ output: ['2026-12-02', '2026-12-03'] }),
    listAppointments: () => ({ output: [appointment(1), appointment(2)] }),
    bookAppointment: () => ({ output: appointment(3) }),
    cancelAppointment: () => ({ output: { ...appointment(1), status: 'cancelled' } }),
    rescheduleAppointment: () => ({ output: { cancelled: appointment(1), booked: appointment(3) } }),
  }},
  {
    name: 'full days and conflicts',
    answers: {
    verifyPatient: () => ({ output: { outcome: 'verified', patientId: 'patient-1' } }),
    searchProviders: () => ({ output: [provider(1)] }),
    // The day the caller keeps asking for is full; the days after it are not.
    getAvailableSlots: (context) => ({ output: booking(context).date === '2026-12-05' ? [] : [slot(booking(context).date ?? '2026-12-07', 9)] }),
    getAvailableDates: () => ({ output: ['2026-12-07', '2026-12-08'] }),
    listAppointments: () => ({ output: [appointment(1)] }),
    bookAppointment: () => ({ error: slotTaken }),
    cancelAppointment: () => ({ output: { ...appointment(1), status: 'cancelled' } }),
    rescheduleAppointment: () => ({ error: slotTaken }),
  }},
  {
    name: 'nothing found, failures',
    answers: {
    verifyPatient: () => ({ output: { outcome: 'mismatch' } }),
    searchProviders: () => ({ output: [] }),
    getAvailableSlots: () => ({ output: [] }),
    getAvailableDates: () => ({ output: [] }),
    listAppointments: () => ({ output: [] }),
    bookAppointment: () => ({ error: new Error('down') }),
    cancelAppointment: () => ({ error: new Error('down') }),
    rescheduleAppointment: () => ({ error: new Error('down') }),
  }},
];


/** Caller turns: every slot value the states ask for, interrupts, silence, and what repair, triage and confidence react to. */
const callerEvents: EventObject[] = [
  spoke({ intent: 'book', specialty: 'cardiology' }),
  spoke({ intent: 'book' }),
  spoke({ intent: 'list' }),
  spoke({ intent: 'cancel' }),
  spoke({ intent: 'reschedule' }),
  spoke({ intent: 'other' }),
  spoke({ lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 }, phone: '+15550101234' }),
  spoke({ lastName: 'SMITH' }),
  spoke({ specialty: 'cardiology' }),
  spoke({ choice: 0 }),
  spoke({ date: '2026-12-01' }),
  spoke({ date: '2026-12-05' }),
  spoke({ soonest: true }),
  spoke({ time: '13:00' }),
  spoke({ reason: 'checkup' }),
  spoke({ yesNo: true }),
  spoke({ yesNo: false }),
  spoke({}),
  spoke({ yesNo: true }, 0.2),
  spoke({ phone: '+15550101234', dateOfBirth: { year: 1985, month: 1, day: 15 } }, 0.2),
  spoke({ phone: '+155501012345' }),
  spoke({ malformed: ['phone'] }),
  spoke({ dateOfBirth: { year: 2031, month: 2, day: 30 } }),
  spoke({ symptom: true, reason: 'chest pain' }),
  { type: 'caller.stayed_silent' },
  { type: 'caller.asked_clinical_question' },
  { type: 'caller.asked_for_repeat' },
  { type: 'caller.asked_for_human', confidence: 0.2 } as EventObject,
  { type: 'caller.asked_for_human' },
  { type: 'caller.reported_emergency' },
  { type: 'caller.hung_up' },
];

export const schedulingExploration: FlowExploration = {
  callerEvents,
  worlds,
  today: '2026-12-01',
  vertex: (context) => {
    const call = context as CallMachineContext;
    return [
      call.verifiedPatientId !== undefined,
      call.verificationFailures,
      call.noInputCount,
      call.staffOffers > 0,
      call.triage !== undefined,
      // The repair's words change at the second malformed hearing; later ones are alike.
      Math.min(call.malformedHearings.phone, 2),
      Math.min(call.malformedHearings.dateOfBirth, 2),
      call.booking.fullDate !== undefined,
    ];
  },
};
