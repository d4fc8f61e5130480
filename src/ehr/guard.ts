// Defence in depth for any Ehr: a PHI call must carry the patient id this very session was verified for, or it is refused and audited.
import type { AuditAction, AuditTrail } from '../audit/types.ts';
import { FrontdeskError } from '../errors.ts';
import type { Ehr, PatientId, VerifiedSession } from './types.ts';

export interface GuardedEhr extends Ehr {
  /** Drops the session's verification grant (call it when the call ends); later PHI calls of that session are refused. */
  endSession(sessionId: string): void;
  /** The patient this session is verified for, if any. */
  verifiedPatientOf(sessionId: string): PatientId | undefined;
}

/** An optional EHR call the backend has, or a clear error naming the one it lacks. */
export function supported<F>(method: F | undefined, name: string): F {
  if (method === undefined) throw new FrontdeskError('EHR_UNAVAILABLE', `this EHR backend does not implement ${name} (prescription refills)`, { retryable: false });
  return method;
}

/**
 * A successful `verifyPatient` grants sessionId → patientId; any other outcome of a later attempt in the same session
 * withdraws the grant (the caller is claiming to be someone else now). Book, list, cancel, reschedule and the medication calls pass only when
 * the `VerifiedSession` names the granted patient; otherwise they throw `EHR_NOT_VERIFIED` and an audit record with
 * outcome 'refused' is appended. Searches and free slots carry no PHI and pass through.
 */
export function guardEhr(ehr: Ehr, options: { auditTrail: AuditTrail }): GuardedEhr {
  const grants = new Map<string, PatientId>();

  function admit(session: VerifiedSession, action: AuditAction, detail?: Record<string, string>): void {
    const granted = grants.get(session.sessionId);
    if (granted !== undefined && granted === session.patientId) return;
    options.auditTrail.append({
      sessionId: session.sessionId,
      action,
      outcome: 'refused',
      // The id the call claimed, so a refusal shows which record was reached for; it is an id, not PHI.
      ...(typeof session.patientId === 'string' ? { patientId: session.patientId } : {}),
      detail: { refusal: granted === undefined ? 'session-not-verified' : 'patient-mismatch', ...detail },
    });
    throw new FrontdeskError('EHR_NOT_VERIFIED');
  }

  return {
    async verifyPatient(claim, context) {
      grants.delete(context.sessionId);
      const result = await ehr.verifyPatient(claim, context);
      if (result.outcome === 'verified') grants.set(context.sessionId, result.patientId);
      return result;
    },
    searchProviders: (query, context) => ehr.searchProviders(query, context),
    getAvailableSlots: (query, context) => ehr.getAvailableSlots(query, context),
    getAvailableDates: (query, context) => ehr.getAvailableDates(query, context),
    async bookAppointment(session, request) {
      admit(session, 'book_appointment', { slotId: request.slotId });
      return ehr.bookAppointment(session, request);
    },
    async getPatientAppointments(session) {
      admit(session, 'get_patient_appointments');
      return ehr.getPatientAppointments(session);
    },
    async cancelAppointment(session, appointmentId) {
      admit(session, 'cancel_appointment', { appointmentId });
      return ehr.cancelAppointment(session, appointmentId);
    },
    async rescheduleAppointment(session, request) {
      admit(session, 'reschedule_appointment', { appointmentId: request.appointmentId, newSlotId: request.newSlotId });
      return ehr.rescheduleAppointment(session, request);
    },
    async getMedications(session) {
      admit(session, 'get_medications');
      return supported(ehr.getMedications, 'getMedications').call(ehr, session);
    },
    async requestRefill(session, request) {
      admit(session, 'request_refill', { medicationId: request.medicationId, pharmacyId: request.pharmacyId });
      return supported(ehr.requestRefill, 'requestRefill').call(ehr, session, request);
    },
    async messageCareTeam(session, request) {
      admit(session, 'message_care_team', { medicationId: request.medicationId });
      return supported(ehr.messageCareTeam, 'messageCareTeam').call(ehr, session, request);
    },
    ping: () => ehr.ping(),
    close: () => ehr.close(),
    endSession(sessionId) {
      grants.delete(sessionId);
    },
    verifiedPatientOf: (sessionId) => grants.get(sessionId),
  };
}
