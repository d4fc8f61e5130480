// The scheduling flow's actor names bound to EHR calls: what each invoke does and how it shows in tool events and the audit.
import type { AppointmentId, Ehr, ProviderId, SlotId, Specialty, VerificationClaim, VerifiedSession, VerifyResult } from '../../src/ehr/types.ts';
import type { WallDate } from '../../src/clock.ts';
import type { ToolBinding } from '../../src/flow/types.ts';

/** A binding whose input is typed for its call; the engine passes the machine's invoke input through. */
function bind<I>(binding: Omit<ToolBinding, 'call'> & { call(ehr: Ehr, input: I): Promise<unknown> }): ToolBinding {
  return binding as ToolBinding;
}

export const schedulingTools: Record<string, ToolBinding> = {
  verifyPatient: bind<{ sessionId: string; claim: VerificationClaim }>({
    name: 'verify_patient',
    phi: false,
    call: (ehr, input) => ehr.verifyPatient(input.claim, { sessionId: input.sessionId }),
    succeeded: (result) => (result as VerifyResult).outcome === 'verified',
  }),
  searchProviders: bind<{ sessionId: string; specialty: Specialty; location?: string }>({
    name: 'search_providers',
    phi: false,
    call: (ehr, input) => ehr.searchProviders({ specialty: input.specialty, location: input.location }, { sessionId: input.sessionId }),
  }),
  getAvailableSlots: bind<{ sessionId: string; providerId: ProviderId; date: WallDate }>({
    name: 'get_available_slots',
    phi: false,
    call: (ehr, input) => ehr.getAvailableSlots({ providerId: input.providerId, date: input.date }, { sessionId: input.sessionId }),
  }),
  getAvailableDates: bind<{ sessionId: string; providerId: ProviderId; after: WallDate }>({
    name: 'get_available_dates',
    phi: false,
    call: (ehr, input) => ehr.getAvailableDates({ providerId: input.providerId, after: input.after, limit: 3 }, { sessionId: input.sessionId }),
  }),
  listAppointments: bind<{ session: VerifiedSession }>({
    name: 'get_patient_appointments',
    phi: true,
    call: (ehr, input) => ehr.getPatientAppointments(input.session),
  }),
  bookAppointment: bind<{ session: VerifiedSession; slotId: SlotId; reason: string }>({
    name: 'book_appointment',
    phi: true,
    call: (ehr, input) => ehr.bookAppointment(input.session, { slotId: input.slotId, reason: input.reason }),
  }),
  cancelAppointment: bind<{ session: VerifiedSession; appointmentId: AppointmentId }>({
    name: 'cancel_appointment',
    phi: true,
    call: (ehr, input) => ehr.cancelAppointment(input.session, input.appointmentId),
  }),
  // One EHR transaction books the new slot and cancels the old one; the channel reports both steps under the seed's tool
  // names, and a conflict as a booking that failed (the old appointment stays).
  rescheduleAppointment: bind<{ session: VerifiedSession; appointmentId: AppointmentId; newSlotId: SlotId }>({
    name: 'book_appointment',
    phi: true,
    reportsAs: ['book_appointment', 'cancel_appointment'],
    call: (ehr, input) => ehr.rescheduleAppointment(input.session, { appointmentId: input.appointmentId, newSlotId: input.newSlotId }),
  }),
};
