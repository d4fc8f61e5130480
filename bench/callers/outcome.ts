// Whether a call reached its caller's goal, read from what the server left behind: the EHR rows and the audit trail of that call's own data dir.
import Database from 'better-sqlite3';
import { readAudit } from './clinic.ts';
import type { Persona } from './personas.ts';

export interface CallOutcome {
  /** The EHR (or, for a list, the audit trail) shows what the caller wanted done. */
  goalReached: boolean;
  /** What the EHR shows instead, when something else was done (a wrong day, the other appointment). */
  note?: string;
  /** verify_patient attempts that did not match: the caller always gives true details, so each is a mishearing. */
  verificationFailures: number;
  verified: boolean;
  lockedOut: boolean;
  /** The call_ended reason the server audited (completed, handoff, lockout, no-input, hangup, emergency). */
  endReason?: string;
}

interface AppointmentRow {
  confirmation_code: string;
  status: string;
  start: string;
  specialty: string;
}

export function judgeCall(persona: Persona, databaseFile: string, auditFile: string): CallOutcome {
  const audit = readAudit(auditFile);
  const verifications = audit.filter((record) => record.action === 'verify_patient');
  const outcome: CallOutcome = {
    goalReached: false,
    verificationFailures: verifications.filter((record) => record.outcome === 'mismatch').length,
    verified: verifications.some((record) => record.outcome === 'verified'),
    lockedOut: verifications.some((record) => record.outcome === 'locked') || audit.some((record) => record.action === 'verification_locked'),
  };
  const ended = audit.find((record) => record.action === 'call_ended');
  if (typeof ended?.detail?.reason === 'string') outcome.endReason = ended.detail.reason;
  const database = new Database(databaseFile, { readonly: true });
  try {
    const appointments = database
      .prepare(
        `SELECT a.confirmation_code, a.status, s.start, p.specialty FROM appointments a
         JOIN slots s ON s.slot_id = a.slot_id JOIN providers p ON p.provider_id = s.provider_id WHERE a.patient_id = ?`,
      )
      .all(persona.patient.patientId) as AppointmentRow[];
    const booked = (row: AppointmentRow) => row.status === 'booked';
    const byCode = (code: string) => appointments.find((row) => row.confirmation_code === code);
    const describe = (rows: AppointmentRow[]) => rows.map((row) => `${row.status} ${row.specialty} ${row.start}`).join('; ');
    const { goal } = persona;
    switch (goal.kind) {
      case 'book': {
        const made = appointments.filter(booked);
        outcome.goalReached = made.some((row) => row.specialty === goal.specialty && row.start.startsWith(goal.day));
        if (!outcome.goalReached && made.length > 0) outcome.note = `booked instead: ${describe(made)}`;
        break;
      }
      case 'insist': {
        const made = appointments.filter(booked);
        outcome.goalReached = made.some((row) => row.specialty === goal.specialty && !row.start.startsWith(goal.fullDay));
        if (!outcome.goalReached && made.length > 0) outcome.note = `booked instead: ${describe(made)}`;
        break;
      }
      case 'cancel': {
        outcome.goalReached = byCode(goal.confirmationCode)?.status === 'cancelled' && byCode(goal.keepCode)?.status === 'booked';
        if (byCode(goal.keepCode)?.status === 'cancelled') outcome.note = 'cancelled the other appointment';
        break;
      }
      case 'reschedule': {
        const moved = appointments.filter((row) => booked(row) && row.start.startsWith(goal.day));
        outcome.goalReached = byCode(goal.confirmationCode)?.status === 'cancelled' && moved.length > 0;
        const changed = appointments.filter((row) => !['K7Q2XM', 'R4TZ9P', 'H3WN8C'].includes(row.confirmation_code) || row.status === 'cancelled');
        if (!outcome.goalReached && changed.length > 0) outcome.note = `changed instead: ${describe(changed)}`;
        break;
      }
      case 'list':
        outcome.goalReached = audit.some((record) => record.action === 'get_patient_appointments' && record.outcome === 'ok' && record.patientId === persona.patient.patientId);
        break;
    }
  } finally {
    database.close();
  }
  return outcome;
}
