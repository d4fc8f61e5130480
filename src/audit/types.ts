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
  | 'get_medications'
  | 'request_refill'
  | 'message_care_team'
  | 'recording_stored'
  | 'recording_recovered'
  | 'emergency_triage'
  /** Opens a new segment after a break found at start; its detail names the break. */
  | 'audit_segment_started';

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
  /** 0-based position in its segment (a trail has one segment unless a break was found at start). */
  sequence: number;
  /** ISO-8601 instant. */
  at: string;
  /** MAC of the previous record of the segment ("0"×64 for the first). */
  previousMac: string;
  /** HMAC-SHA256 hex, with the audit key, of this record without `mac` (so over the previous MAC and the record). */
  mac: string;
}

/** A signed statement of where the chain stood, kept apart from the trail: truncation before it is detectable. */
export interface AuditCheckpoint {
  /** Records in the whole trail up to and including the head (all segments). */
  records: number;
  /** Sequence of the head record in its segment. */
  sequence: number;
  /** MAC of the head record. */
  mac: string;
  /** ISO-8601 instant the checkpoint was taken. */
  at: string;
  /** File trails: the file's length in bytes up to the end of the head record's line. */
  bytes?: number;
  /** Sessions with `call_started` and no `call_ended` yet: closed as `crashed` if the process dies before they end. */
  openCalls?: string[];
  /** HMAC-SHA256 hex, with the audit key, over the rest of the checkpoint. */
  signature: string;
}

export interface AuditTrail {
  append(entry: AuditEntry): void;
  /** Resolves when everything appended so far is durably written. */
  flush(): Promise<void>;
  /** Writes a signed checkpoint of the chain head now (trails without a checkpoint sink do nothing). */
  checkpoint?(): void;
  close(): Promise<void>;
}
