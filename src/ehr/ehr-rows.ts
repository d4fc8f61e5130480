// Rows of the embedded EHR's slot and appointment queries, the same in SQLite and PostgreSQL, and the domain values they become.
import type { Appointment, AppointmentId, ConfirmationCode, Medication, MedicationId, Pharmacy, PharmacyId, ProviderId, Slot, SlotId, Specialty } from './types.ts';

export interface SlotRow {
  slot_id: string;
  provider_id: string;
  provider_name: string;
  specialty: string;
  location: string;
  start: string;
  duration_minutes: number;
  status: string;
}

export interface AppointmentRow extends SlotRow {
  appointment_id: string;
  confirmation_code: string;
  patient_id: string;
  reason: string;
  appointment_status: 'booked' | 'cancelled';
}

export const slotColumns = `s.slot_id, s.provider_id, p.name AS provider_name, p.specialty, p.location, s.start, s.duration_minutes, s.status`;
export const appointmentSelect = `SELECT a.appointment_id, a.confirmation_code, a.patient_id, a.reason, a.status AS appointment_status, ${slotColumns}
  FROM appointments a JOIN slots s ON s.slot_id = a.slot_id JOIN providers p ON p.provider_id = s.provider_id`;

export function toSlot(row: SlotRow): Slot {
  return {
    slotId: row.slot_id as SlotId,
    providerId: row.provider_id as ProviderId,
    providerName: row.provider_name,
    specialty: row.specialty as Specialty,
    location: row.location,
    start: row.start,
    durationMinutes: row.duration_minutes,
  };
}

export function toAppointment(row: AppointmentRow): Appointment {
  return {
    appointmentId: row.appointment_id as AppointmentId,
    confirmationCode: row.confirmation_code as ConfirmationCode,
    providerId: row.provider_id as ProviderId,
    providerName: row.provider_name,
    specialty: row.specialty as Specialty,
    location: row.location,
    start: row.start,
    durationMinutes: row.duration_minutes,
    reason: row.reason,
    status: row.appointment_status,
  };
}

export interface MedicationRow {
  medication_id: string;
  name: string;
  strength: string;
  purpose: string | null;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  controlled: number | boolean;
}

export interface PharmacyRow {
  pharmacy_id: string;
  name: string;
}

export function toMedication(row: MedicationRow): Medication {
  return {
    medicationId: row.medication_id as MedicationId,
    name: row.name,
    strength: row.strength,
    ...(row.purpose ? { purpose: row.purpose } : {}),
    controlled: row.controlled === true || row.controlled === 1,
  };
}

export function toPharmacy(row: PharmacyRow): Pharmacy {
  return { pharmacyId: row.pharmacy_id as PharmacyId, name: row.name };
}
