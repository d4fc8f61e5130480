// The EHR boundary: one small interface every adapter (embedded SQLite, later FHIR) implements.
import type { WallDate, WallTime } from '../clock.ts';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type PatientId = Brand<string, 'PatientId'>;
export type ProviderId = Brand<string, 'ProviderId'>;
export type SlotId = Brand<string, 'SlotId'>;
export type AppointmentId = Brand<string, 'AppointmentId'>;
/** Short code read to the caller character by character, e.g. "K7Q2X". */
export type ConfirmationCode = Brand<string, 'ConfirmationCode'>;

export const specialties = ['family medicine', 'cardiology', 'dermatology', 'pediatrics'] as const;
export type Specialty = (typeof specialties)[number];

/** Where a call comes from: every EHR call names its session so the audit trail and guards can tie it to the call. */
export interface CallContext {
  sessionId: string;
  /** The number the call comes from, E.164, when the transport gives it (Twilio `From`): failed verifications from it are throttled. */
  callerNumber?: string;
}

/** Proof, issued by a successful `verifyPatient`, that this session may touch this patient's records. */
export interface VerifiedSession extends CallContext {
  readonly patientId: PatientId;
}

/** What the caller claims; values are normalised by the extractor (E.164 phone, ISO date). */
export interface VerificationClaim {
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: WallDate;
  /** E.164, e.g. +15550101234 */
  phone: string;
}

export type VerifyResult =
  | { outcome: 'verified'; patientId: PatientId }
  /** No hint about which field was wrong is given to the caller. */
  | { outcome: 'mismatch' }
  /** The claimed record had too many failures recently: verification by phone is closed until `until`. */
  | { outcome: 'locked'; until: WallTime };

export interface Provider {
  providerId: ProviderId;
  /** Display/spoken name, e.g. "Dr. Amara Okafor". */
  name: string;
  specialty: Specialty;
  location: string;
}

export interface Slot {
  slotId: SlotId;
  providerId: ProviderId;
  providerName: string;
  specialty: Specialty;
  location: string;
  /** Clinic wall-clock start, YYYY-MM-DDTHH:mm */
  start: WallTime;
  durationMinutes: number;
}

export interface Appointment {
  appointmentId: AppointmentId;
  confirmationCode: ConfirmationCode;
  providerId: ProviderId;
  providerName: string;
  specialty: Specialty;
  location: string;
  start: WallTime;
  durationMinutes: number;
  reason: string;
  status: 'booked' | 'cancelled';
}

export interface ProviderQuery {
  specialty: Specialty;
  /** Optional location name as known to the EHR; omitted = any location. */
  location?: string;
}

export interface SlotQuery {
  providerId: ProviderId;
  /** Free slots on this clinic date, after the clock's now. */
  date: WallDate;
}

export interface Ehr {
  verifyPatient(claim: VerificationClaim, context: CallContext): Promise<VerifyResult>;
  searchProviders(query: ProviderQuery, context: CallContext): Promise<Provider[]>;
  getAvailableSlots(query: SlotQuery, context: CallContext): Promise<Slot[]>;
  /** Next dates (after `after`) on which the provider has free slots, at most `limit`. */
  getAvailableDates(query: { providerId: ProviderId; after: WallDate; limit: number }, context: CallContext): Promise<WallDate[]>;
  /** Throws EhrError `EHR_SLOT_TAKEN` when the slot was booked by someone else first. */
  bookAppointment(session: VerifiedSession, request: { slotId: SlotId; reason: string }): Promise<Appointment>;
  /** Upcoming (start after now), booked appointments of the verified patient, soonest first. */
  getPatientAppointments(session: VerifiedSession): Promise<Appointment[]>;
  cancelAppointment(session: VerifiedSession, appointmentId: AppointmentId): Promise<Appointment>;
  /** Books `newSlotId` and cancels `appointmentId` in one transaction: either both happen or neither. */
  rescheduleAppointment(
    session: VerifiedSession,
    request: { appointmentId: AppointmentId; newSlotId: SlotId },
  ): Promise<{ cancelled: Appointment; booked: Appointment }>;
  /** Cheap reachability check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Names of EHR calls as they appear in the text channel's `tool` events and the audit trail. */
export type EhrToolName =
  | 'verify_patient'
  | 'search_providers'
  | 'get_available_slots'
  | 'get_available_dates'
  | 'book_appointment'
  | 'get_patient_appointments'
  | 'cancel_appointment'
  | 'reschedule_appointment';
