// One audit record: who (session, patient id), what (action), how it ended. Never names, dates of birth, phones or transcripts.

export type AuditAction =
  | 'call_started'
  | 'call_ended'
  | 'verify_patient'
  | 'verification_locked'
  | 'search_providers'
  | 'get_available_slots'
  | 'get_available_dates'
  | 'book_appointment'
  | 'get_patient_appointments'
  | 'cancel_appointment'
  | 'reschedule_appointment'
  | 'recording_stored'
  | 'emergency_triage';

export type AuditOutcome = 'ok' | 'mismatch' | 'locked' | 'conflict' | 'refused' | 'error' | string;

export interface AuditEntry {
  sessionId: string;
  action: AuditAction;
  outcome: AuditOutcome;
  patientId?: string;
  /** Ids only: appointment id, slot id, object key, end reason. */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditRecord extends AuditEntry {
  /** 0-based position in the file. */
  sequence: number;
  /** ISO-8601 instant. */
  at: string;
  /** SHA-256 hex of the previous record's line ("0"×64 for the first). */
  previousHash: string;
  /** SHA-256 hex of this record without `hash`. */
  hash: string;
}

export interface AuditTrail {
  append(entry: AuditEntry): void;
  /** Resolves when everything appended so far is durably written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
