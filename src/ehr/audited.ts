// Audits every EHR call (ids and outcomes only, never names, dates of birth, phones or reasons) and turns an EHR that throws into EHR_UNAVAILABLE.
import type { AuditAction, AuditEntry, AuditOutcome, AuditTrail } from '../audit/types.ts';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import { supported } from './guard.ts';
import type { Ehr } from './types.ts';

type Detail = NonNullable<AuditEntry['detail']>;

/** Outcome recorded for an error: conflicts and not-found are answers, not failures; anything else is 'error'. */
function outcomeOf(error: FrontdeskError): AuditOutcome {
  if (error.code === 'EHR_SLOT_TAKEN') return 'conflict';
  if (error.code === 'EHR_NOT_FOUND') return 'not_found';
  if (error.code === 'EHR_NOT_VERIFIED') return 'refused';
  return 'error';
}

/**
 * Wraps an Ehr so that each call appends one audit record. Errors that are not `FrontdeskError`s (a driver failure,
 * a network error from a remote EHR) are rethrown as `EHR_UNAVAILABLE` with the original as `cause`.
 */
export function auditEhr(ehr: Ehr, options: { auditTrail: AuditTrail }): Ehr {
  const { auditTrail } = options;

  async function run<T>(
    base: { sessionId: string; action: AuditAction; patientId?: string; detail?: Detail },
    work: () => Promise<T>,
    describe: (result: T) => { outcome?: AuditOutcome; patientId?: string; detail?: Detail },
  ): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (caught) {
      const error = isFrontdeskError(caught) ? caught : new FrontdeskError('EHR_UNAVAILABLE', undefined, { cause: caught });
      auditTrail.append({
        ...base,
        outcome: outcomeOf(error),
        detail: { ...base.detail, errorCode: error.code },
      });
      throw error;
    }
    const described = describe(result);
    const patientId = described.patientId ?? base.patientId;
    const detail = { ...base.detail, ...described.detail };
    auditTrail.append({
      sessionId: base.sessionId,
      action: base.action,
      outcome: described.outcome ?? 'ok',
      ...(patientId !== undefined ? { patientId } : {}),
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    });
    return result;
  }

  return {
    verifyPatient: (claim, context) =>
      run({ sessionId: context.sessionId, action: 'verify_patient' }, () => ehr.verifyPatient(claim, context), (result) => {
        if (result.outcome === 'verified') return { outcome: 'verified', patientId: result.patientId };
        if (result.outcome === 'locked') return { outcome: 'locked', detail: { until: result.until } };
        return { outcome: 'mismatch' };
      }),

    searchProviders: (query, context) =>
      run(
        {
          sessionId: context.sessionId,
          action: 'search_providers',
          detail: { specialty: query.specialty, ...(query.location ? { location: query.location } : {}) },
        },
        () => ehr.searchProviders(query, context),
        (providers) => ({ detail: { results: providers.length } }),
      ),

    getAvailableSlots: (query, context) =>
      run(
        { sessionId: context.sessionId, action: 'get_available_slots', detail: { providerId: query.providerId, date: query.date } },
        () => ehr.getAvailableSlots(query, context),
        (slots) => ({ detail: { results: slots.length } }),
      ),

    getAvailableDates: (query, context) =>
      run(
        { sessionId: context.sessionId, action: 'get_available_dates', detail: { providerId: query.providerId, after: query.after } },
        () => ehr.getAvailableDates(query, context),
        (dates) => ({ detail: { results: dates.length } }),
      ),

    bookAppointment: (session, request) =>
      run(
        { sessionId: session.sessionId, action: 'book_appointment', patientId: session.patientId, detail: { slotId: request.slotId } },
        () => ehr.bookAppointment(session, request),
        (appointment) => ({ detail: { appointmentId: appointment.appointmentId } }),
      ),

    getPatientAppointments: (session) =>
      run(
        { sessionId: session.sessionId, action: 'get_patient_appointments', patientId: session.patientId },
        () => ehr.getPatientAppointments(session),
        (appointments) => ({ detail: { results: appointments.length } }),
      ),

    cancelAppointment: (session, appointmentId) =>
      run(
        { sessionId: session.sessionId, action: 'cancel_appointment', patientId: session.patientId, detail: { appointmentId } },
        () => ehr.cancelAppointment(session, appointmentId),
        () => ({}),
      ),

    rescheduleAppointment: (session, request) =>
      run(
        {
          sessionId: session.sessionId,
          action: 'reschedule_appointment',
          patientId: session.patientId,
          detail: { appointmentId: request.appointmentId, newSlotId: request.newSlotId },
        },
        () => ehr.rescheduleAppointment(session, request),
        (result) => ({ detail: { newAppointmentId: result.booked.appointmentId } }),
      ),

    getMedications: (session) =>
      run(
        { sessionId: session.sessionId, action: 'get_medications', patientId: session.patientId },
        () => supported(ehr.getMedications, 'getMedications').call(ehr, session),
        (list) => ({ detail: { results: list.medications.length } }),
      ),

    requestRefill: (session, request) =>
      run(
        {
          sessionId: session.sessionId,
          action: 'request_refill',
          patientId: session.patientId,
          detail: { medicationId: request.medicationId, pharmacyId: request.pharmacyId },
        },
        () => supported(ehr.requestRefill, 'requestRefill').call(ehr, session, request),
        (refill) => ({ detail: { refillRequestId: refill.refillRequestId } }),
      ),

    messageCareTeam: (session, request) =>
      run(
        { sessionId: session.sessionId, action: 'message_care_team', patientId: session.patientId, detail: { medicationId: request.medicationId, topic: request.topic } },
        () => supported(ehr.messageCareTeam, 'messageCareTeam').call(ehr, session, request),
        (message) => ({ detail: { messageId: message.messageId } }),
      ),

    ping: async () => {
      try {
        await ehr.ping();
      } catch (caught) {
        throw isFrontdeskError(caught) ? caught : new FrontdeskError('EHR_UNAVAILABLE', undefined, { cause: caught });
      }
    },
    close: () => ehr.close(),
  };
}
