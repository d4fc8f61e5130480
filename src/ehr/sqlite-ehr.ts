// The embedded EHR: an `Ehr` over one SQLite file (or memory), seeded from fixtures, safe to share between processes.
import { randomUUID } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { toWallTime, wallDateOf, wallNow, type Clock, type WallDate, type WallTime } from '../clock.ts';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { AuditTrail } from '../audit/types.ts';
import { newConfirmationCode } from './confirmation-code.ts';
import { appointmentSelect, slotColumns, toAppointment, toMedication, toPharmacy, toSlot, type AppointmentRow, type MedicationRow, type PharmacyRow, type SlotRow } from './ehr-rows.ts';
import { cleanReason, requireDate } from './requests.ts';
import { defaultFixturesDir, loadEhrFixtures } from './fixtures.ts';
import { isKeyedLastName, lastNameKey, lastNameLockKey, lastNameMatches, normalisePhone } from './identity.ts';
import { createSchema, extendSlots, hasMedications, isSeeded, seedDatabase, seedMedications } from './sqlite-schema.ts';
import {
  callerLockoutKey,
  claimLockoutKeys,
  createLockoutStore,
  decideVerification,
  defaultCallerLockoutPolicy,
  defaultLockoutPolicy,
  type LockoutPolicy,
} from './verification-lockout.ts';
import type {
  Appointment,
  AppointmentId,
  CallContext,
  CareTeamMessage,
  ConfirmationCode,
  Ehr,
  Medication,
  MedicationId,
  PatientId,
  Pharmacy,
  PharmacyId,
  Provider,
  ProviderId,
  RefillRequest,
  Slot,
  SlotId,
  Specialty,
  VerificationClaim,
  VerifyResult,
} from './types.ts';

/** Names the EHR knows, for the extractor's vocabulary and STT hints. */
export interface EhrVocabulary {
  /** e.g. ["Downtown", "Riverside"] */
  locations: string[];
  /** Display names, e.g. ["Dr. Amara Okafor", …] */
  providerNames: string[];
}

export interface SqliteEhr extends Ehr {
  listVocabulary(): Promise<EhrVocabulary>;
  /** Distinct last names on file, for the offline recogniser's name grammar; in-process only, never logged. */
  listPatientLastNames(): Promise<string[]>;
}

export interface SqliteEhrOptions {
  /** A file path, or ':memory:' for a private database. */
  path: string;
  clock: Clock;
  /** Seed data for a new database; defaults to fixtures/ehr of this checkout. */
  fixturesDir?: string;
  /** Receives 'verification_locked' when a failed attempt starts a lock (only the store knows that moment). */
  auditTrail?: AuditTrail;
  /** Per claim (last name + phone, last name + birth date); defaults to 3 failures in 15 minutes. */
  lockoutPolicy?: LockoutPolicy;
  /** Per caller number, when the call has one; defaults to 6 failures in an hour. */
  callerLockoutPolicy?: LockoutPolicy;
  /** How long a write waits for another process's transaction, ms. */
  busyTimeoutMs?: number;
  /** Country used to read national phone numbers into E.164. */
  defaultCountry?: 'US' | 'CA' | 'GB';
}


/**
 * Opens (creating and seeding when new) the embedded EHR. WAL mode and a busy timeout let several processes share
 * one file; every write runs in an IMMEDIATE transaction so the check and the write see the same state.
 */
export function createSqliteEhr(options: SqliteEhrOptions): SqliteEhr {
  const { clock } = options;
  const policy = options.lockoutPolicy ?? defaultLockoutPolicy;
  let database: Database;
  try {
    database = new BetterSqlite3(options.path);
    database.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database
      .transaction(() => {
        createSchema(database);
        const fixtures = () => loadEhrFixtures(options.fixturesDir ?? defaultFixturesDir);
        if (!isSeeded(database)) {
          seedDatabase(database, fixtures(), wallNow(clock), clock.now());
        } else {
          extendSlots(database, wallNow(clock));
        }
        // New databases and the migration of ones made before refills existed.
        if (!hasMedications(database)) seedMedications(database, fixtures(), clock.now());
      })
      .immediate();
  } catch (error) {
    if (isFrontdeskError(error)) throw error;
    throw new FrontdeskError('EHR_UNAVAILABLE', 'the EHR database could not be opened', { cause: error });
  }

  const lockouts = {
    claims: createLockoutStore(database, policy),
    callers: createLockoutStore(database, options.callerLockoutPolicy ?? defaultCallerLockoutPolicy),
  };
  let horizonExtendedOn = wallDateOf(wallNow(clock));

  /** A long-running process keeps the slot horizon moving: once per clinic day, generate the days that came into range. */
  function ensureHorizon(): void {
    const today = wallDateOf(wallNow(clock));
    if (today === horizonExtendedOn) return;
    database.transaction(() => extendSlots(database, wallNow(clock))).immediate();
    horizonExtendedOn = today;
  }
  const statements = {
    patientsByLastName: database.prepare('SELECT patient_id, date_of_birth, phone FROM patients WHERE last_name_key = ?'),
    patientsByBirthDate: database.prepare('SELECT patient_id, last_name, date_of_birth, phone FROM patients WHERE date_of_birth = ?'),
    patientExists: database.prepare('SELECT 1 FROM patients WHERE patient_id = ?'),
    providers: database.prepare(
      `SELECT provider_id, name, specialty, location FROM providers
       WHERE specialty = ? AND (? IS NULL OR lower(location) = lower(?)) ORDER BY location, name`,
    ),
    providerExists: database.prepare('SELECT 1 FROM providers WHERE provider_id = ?'),
    freeSlotsOnDate: database.prepare(
      `SELECT ${slotColumns} FROM slots s JOIN providers p ON p.provider_id = s.provider_id
       WHERE s.provider_id = ? AND s.status = 'free' AND s.start > ? AND s.start >= ? AND s.start < ? ORDER BY s.start`,
    ),
    freeDates: database.prepare(
      `SELECT DISTINCT substr(start, 1, 10) AS date FROM slots
       WHERE provider_id = ? AND status = 'free' AND start > ? AND start >= ? ORDER BY date LIMIT ?`,
    ),
    slot: database.prepare(`SELECT ${slotColumns} FROM slots s JOIN providers p ON p.provider_id = s.provider_id WHERE s.slot_id = ?`),
    takeSlot: database.prepare(`UPDATE slots SET status = 'booked' WHERE slot_id = ? AND status = 'free' AND start > ?`),
    freeSlot: database.prepare(`UPDATE slots SET status = 'free' WHERE slot_id = ? AND status = 'booked'`),
    codeExists: database.prepare(
      'SELECT 1 FROM appointments WHERE confirmation_code = ? UNION ALL SELECT 1 FROM refill_requests WHERE confirmation_code = ?',
    ),
    activeMedications: database.prepare(
      `SELECT medication_id, name, strength, purpose, controlled FROM medications WHERE patient_id = ? AND status = 'active' ORDER BY name`,
    ),
    activeMedication: database.prepare(
      `SELECT medication_id, name, strength, purpose, controlled FROM medications WHERE medication_id = ? AND patient_id = ? AND status = 'active'`,
    ),
    pharmacyOnFile: database.prepare(
      'SELECT p.pharmacy_id, p.name FROM pharmacies_on_file f JOIN pharmacies p ON p.pharmacy_id = f.pharmacy_id WHERE f.patient_id = ?',
    ),
    pharmacies: database.prepare('SELECT pharmacy_id, name FROM pharmacies ORDER BY name'),
    pharmacy: database.prepare('SELECT pharmacy_id, name FROM pharmacies WHERE pharmacy_id = ?'),
    insertRefillRequest: database.prepare(
      `INSERT INTO refill_requests (refill_request_id, confirmation_code, patient_id, medication_id, pharmacy_id, status, requested_at)
       VALUES (?, ?, ?, ?, ?, 'requested', ?)`,
    ),
    insertCareTeamMessage: database.prepare(
      'INSERT INTO care_team_messages (message_id, patient_id, medication_id, topic, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertAppointment: database.prepare(
      `INSERT INTO appointments (appointment_id, confirmation_code, patient_id, slot_id, reason, status, booked_at)
       VALUES (?, ?, ?, ?, ?, 'booked', ?)`,
    ),
    appointment: database.prepare(`${appointmentSelect} WHERE a.appointment_id = ?`),
    upcoming: database.prepare(
      `${appointmentSelect} WHERE a.patient_id = ? AND a.status = 'booked' AND s.start > ? ORDER BY s.start`,
    ),
    cancelAppointment: database.prepare(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = ? WHERE appointment_id = ? AND status = 'booked'`,
    ),
    locations: database.prepare('SELECT name FROM locations ORDER BY name'),
    providerNames: database.prepare('SELECT name FROM providers ORDER BY name'),
    patientLastNames: database.prepare('SELECT DISTINCT last_name FROM patients ORDER BY last_name'),
    ping: database.prepare('SELECT 1'),
  };

  function verify(claim: VerificationClaim, context: CallContext): VerifyResult {
    const nowMs = clock.now().getTime();
    const phone = normalisePhone(claim.phone, options.defaultCountry);
    // Keyed on the claim, not on the records it names: a known and an unknown last name count and answer alike.
    const claimKeys = claimLockoutKeys({ lastNameKey: lastNameLockKey(claim.lastName), phone: phone ?? claim.phone, dateOfBirth: claim.dateOfBirth });
    const callerKey = context.callerNumber ? callerLockoutKey(context.callerNumber) : undefined;
    const { decision, lockStarts, targeted } = database
      .transaction(() => {
        // A name typed on the keypad is compared by its letters' keys among the records with the claimed birth date.
        const claimed = isKeyedLastName(claim.lastName)
          ? (statements.patientsByBirthDate.all(claim.dateOfBirth) as Array<{ patient_id: string; last_name: string; date_of_birth: string; phone: string }>).filter(
              (row) => lastNameMatches(claim.lastName, row.last_name),
            )
          : (statements.patientsByLastName.all(lastNameKey(claim.lastName)) as Array<{ patient_id: string; date_of_birth: string; phone: string }>);
        const match = claimed.find((row) => row.date_of_birth === claim.dateOfBirth && row.phone === phone);
        const outcome = decideVerification(lockouts, { claimKeys, ...(callerKey ? { callerKey } : {}), match: match?.patient_id, nowMs });
        // For the audit only (never told to the caller): the record a name + phone lock protects, when one has both.
        const byPhone = claimed.filter((row) => row.phone === phone);
        return { ...outcome, targeted: byPhone.length === 1 ? byPhone[0]!.patient_id : undefined };
      })
      .immediate();
    for (const lock of lockStarts) {
      options.auditTrail?.append({
        sessionId: context.sessionId,
        action: 'verification_locked',
        outcome: 'locked',
        ...(lock.scope === 'name-and-phone' && targeted !== undefined ? { patientId: targeted } : {}),
        detail: { until: wallTimeCeiling(lock.untilMs), scope: lock.scope },
      });
    }
    if (decision.outcome === 'verified') return { outcome: 'verified', patientId: decision.patientId as PatientId };
    if (decision.outcome === 'locked') return { outcome: 'locked', until: wallTimeCeiling(decision.untilMs) };
    return { outcome: 'mismatch' };
  }

  /** Minute-resolution wall times round up, so "locked until 10:15" is never earlier than the real end. */
  function wallTimeCeiling(epochMs: number): WallTime {
    return toWallTime(new Date(Math.ceil(epochMs / 60_000) * 60_000), clock.timeZone);
  }

  function requirePatient(patientId: PatientId): void {
    if (!statements.patientExists.get(patientId)) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown patient');
  }

  /** Inside a transaction: marks the slot booked and writes the appointment. */
  function bookSlot(patientId: PatientId, slotId: SlotId, reason: string, now: WallTime): Appointment {
    const taken = statements.takeSlot.run(slotId, now);
    if (taken.changes === 0) {
      const slot = statements.slot.get(slotId) as SlotRow | undefined;
      if (!slot) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown slot');
      if (slot.start <= now) throw new FrontdeskError('EHR_INVALID_REQUEST', 'the slot has already started');
      throw new FrontdeskError('EHR_SLOT_TAKEN');
    }
    let code: ConfirmationCode;
    do code = newConfirmationCode();
    while (statements.codeExists.get(code, code));
    const appointmentId = `A-${randomUUID()}`;
    statements.insertAppointment.run(appointmentId, code, patientId, slotId, reason, clock.now().toISOString());
    return toAppointment(statements.appointment.get(appointmentId) as AppointmentRow);
  }

  /** Inside a transaction: the patient's own booked, upcoming appointment, or EHR_NOT_FOUND. */
  function upcomingAppointmentOf(patientId: PatientId, appointmentId: AppointmentId, now: WallTime): AppointmentRow {
    const row = statements.appointment.get(appointmentId) as AppointmentRow | undefined;
    // Someone else's appointment reads exactly like a missing one.
    if (!row || row.patient_id !== patientId || row.appointment_status !== 'booked' || row.start <= now) {
      throw new FrontdeskError('EHR_NOT_FOUND', 'no such upcoming appointment');
    }
    return row;
  }

  /** The patient's own active medication, or EHR_NOT_FOUND (someone else's reads like a missing one). */
  function activeMedicationOf(patientId: PatientId, medicationId: MedicationId): Medication {
    const row = statements.activeMedication.get(medicationId, patientId) as MedicationRow | undefined;
    if (!row) throw new FrontdeskError('EHR_NOT_FOUND', 'no such active medication');
    return toMedication(row);
  }

  function cancelRow(row: AppointmentRow): Appointment {
    statements.cancelAppointment.run(clock.now().toISOString(), row.appointment_id);
    statements.freeSlot.run(row.slot_id);
    return toAppointment(statements.appointment.get(row.appointment_id) as AppointmentRow);
  }

  const ehr: SqliteEhr = {
    verifyPatient: async (claim, context) => guarded(() => verify(claim, context)),

    searchProviders: async (query) =>
      guarded(() => {
        const location = query.location?.trim() || null;
        const rows = statements.providers.all(query.specialty, location, location) as Array<{
          provider_id: string;
          name: string;
          specialty: Specialty;
          location: string;
        }>;
        return rows.map(
          (row): Provider => ({ providerId: row.provider_id as ProviderId, name: row.name, specialty: row.specialty, location: row.location }),
        );
      }),

    getAvailableSlots: async (query) =>
      guarded(() => {
        requireDate(query.date);
        ensureHorizon();
        // "T99" sorts after every "THH:mm" of that date: the range covers the whole clinic day.
        const rows = statements.freeSlotsOnDate.all(query.providerId, wallNow(clock), `${query.date}T00:00`, `${query.date}T99`) as SlotRow[];
        return rows.map(toSlot);
      }),

    getAvailableDates: async (query) =>
      guarded(() => {
        requireDate(query.after);
        ensureHorizon();
        const limit = Math.max(0, Math.floor(query.limit));
        // Strictly after `after`: the date is compared from the start of the following day.
        const rows = statements.freeDates.all(query.providerId, wallNow(clock), `${query.after}T99`, limit) as Array<{ date: WallDate }>;
        return rows.map((row) => row.date);
      }),

    bookAppointment: async (session, request) =>
      guarded(() =>
        database
          .transaction(() => {
            requirePatient(session.patientId);
            return bookSlot(session.patientId, request.slotId, cleanReason(request.reason), wallNow(clock));
          })
          .immediate(),
      ),

    getPatientAppointments: async (session) =>
      guarded(() => (statements.upcoming.all(session.patientId, wallNow(clock)) as AppointmentRow[]).map(toAppointment)),

    cancelAppointment: async (session, appointmentId) =>
      guarded(() =>
        database
          .transaction(() => cancelRow(upcomingAppointmentOf(session.patientId, appointmentId, wallNow(clock))))
          .immediate(),
      ),

    rescheduleAppointment: async (session, request) =>
      guarded(() =>
        database
          .transaction(() => {
            const now = wallNow(clock);
            const old = upcomingAppointmentOf(session.patientId, request.appointmentId, now);
            if (old.slot_id === request.newSlotId) {
              throw new FrontdeskError('EHR_INVALID_REQUEST', 'the new slot is the current one');
            }
            // Book first: if the new slot is taken this throws and the transaction leaves the old appointment as it was.
            const booked = bookSlot(session.patientId, request.newSlotId, old.reason, now);
            const cancelled = cancelRow(old);
            return { cancelled, booked };
          })
          .immediate(),
      ),

    getMedications: async (session) =>
      guarded(() => {
        requirePatient(session.patientId);
        const onFile = statements.pharmacyOnFile.get(session.patientId) as PharmacyRow | undefined;
        return {
          medications: (statements.activeMedications.all(session.patientId) as MedicationRow[]).map(toMedication),
          ...(onFile ? { pharmacyOnFile: toPharmacy(onFile) } : {}),
          pharmacies: (statements.pharmacies.all() as PharmacyRow[]).map(toPharmacy),
        };
      }),

    requestRefill: async (session, request) =>
      guarded(() =>
        database
          .transaction((): RefillRequest => {
            const medication = activeMedicationOf(session.patientId, request.medicationId);
            if (medication.controlled) throw new FrontdeskError('EHR_INVALID_REQUEST', 'a controlled substance is not refilled by phone');
            if (!statements.pharmacy.get(request.pharmacyId)) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown pharmacy');
            let code: ConfirmationCode;
            do code = newConfirmationCode();
            while (statements.codeExists.get(code, code));
            const refillRequestId = `R-${randomUUID()}`;
            statements.insertRefillRequest.run(refillRequestId, code, session.patientId, medication.medicationId, request.pharmacyId, clock.now().toISOString());
            return { refillRequestId, confirmationCode: code, medicationId: medication.medicationId, pharmacyId: request.pharmacyId, status: 'requested' };
          })
          .immediate(),
      ),

    messageCareTeam: async (session, request) =>
      guarded(() =>
        database
          .transaction((): CareTeamMessage => {
            const medication = activeMedicationOf(session.patientId, request.medicationId);
            const messageId = `MSG-${randomUUID()}`;
            statements.insertCareTeamMessage.run(messageId, session.patientId, medication.medicationId, request.topic, clock.now().toISOString());
            return { messageId, medicationId: medication.medicationId, topic: request.topic };
          })
          .immediate(),
      ),

    listVocabulary: async () =>
      guarded(() => ({
        locations: (statements.locations.all() as Array<{ name: string }>).map((row) => row.name),
        providerNames: (statements.providerNames.all() as Array<{ name: string }>).map((row) => row.name),
      })),

    listPatientLastNames: async () =>
      guarded(() => (statements.patientLastNames.all() as Array<{ last_name: string }>).map((row) => row.last_name)),

    ping: async () => guarded(() => void statements.ping.get()),

    close: async () => {
      if (database.open) database.close();
    },
  };
  return ehr;
}

/** Errors we raise pass through; anything else (closed handle, SQLITE_BUSY past the timeout, I/O) means the EHR is unavailable. */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isFrontdeskError(error)) throw error;
    throw new FrontdeskError('EHR_UNAVAILABLE', undefined, { cause: error });
  }
}




