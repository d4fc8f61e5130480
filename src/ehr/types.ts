// The EHR boundary: one small interface every adapter (embedded SQLite, later FHIR) implements.
import type { WallDate, WallTime } from '../clock.ts';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type PatientId = Brand<string, 'PatientId'>;
export type ProviderId = Brand<string, 'ProviderId'>;
export type SlotId = Brand<string, 'SlotId'>;
export type AppointmentId = Brand<string, 'AppointmentId'>;
export type MedicationId = Brand<string, 'MedicationId'>;
export type PharmacyId = Brand<string, 'PharmacyId'>;
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

/** One of the patient's active medications, as the caller may hear it: name and strength only. */
export interface Medication {
  medicationId: MedicationId;
  /** Generic name, e.g. "lisinopril". */
  name: string;
  /** e.g. "10 mg". */
  strength: string;
  /** What it is for in everyday words ("blood pressure"), so "the blood pressure one" can pick it. */
  purpose?: string;
  /** A controlled substance: never refilled by phone; the care team is messaged instead. */
  controlled: boolean;
}

export interface Pharmacy {
  pharmacyId: PharmacyId;
  /** Spoken name, e.g. "Main Street Pharmacy". */
  name: string;
}

/** What a refill call needs to know: the active medications, the pharmacy on file, and the pharmacies a caller may name. */
export interface MedicationList {
  medications: Medication[];
  /** The patient's preferred pharmacy, if one is on file. */
  pharmacyOnFile?: Pharmacy;
  /** Every pharmacy the clinic can send a refill to. */
  pharmacies: Pharmacy[];
}

/** A refill request waiting for the care team's sign-off. */
export interface RefillRequest {
  refillRequestId: string;
  confirmationCode: ConfirmationCode;
  medicationId: MedicationId;
  pharmacyId: PharmacyId;
  status: 'requested';
}

/** A message left for the care team (a controlled substance's refill is theirs to handle). */
export interface CareTeamMessage {
  messageId: string;
  medicationId: MedicationId;
  topic: 'controlled-refill';
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
  /**
   * The verified patient's active medications, pharmacy on file and the pharmacies a refill can go to. Optional: a
   * backend without it makes the refill tools fail with EHR_UNAVAILABLE naming what is missing.
   */
  getMedications?(session: VerifiedSession): Promise<MedicationList>;
  /** Writes a refill request for the care team. Throws EHR_INVALID_REQUEST for a controlled substance (never by phone). */
  requestRefill?(session: VerifiedSession, request: { medicationId: MedicationId; pharmacyId: PharmacyId }): Promise<RefillRequest>;
  /** Records a message for the patient's care team about one of their medications. */
  messageCareTeam?(session: VerifiedSession, request: { medicationId: MedicationId; topic: CareTeamMessage['topic'] }): Promise<CareTeamMessage>;
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
  | 'reschedule_appointment'
  | 'get_medications'
  | 'request_refill'
  | 'message_care_team';
