// The embedded EHR on the shared PostgreSQL: the SQLite EHR's behaviour and fixtures (refills too), with bookings and lockouts made race-free in the database for several instances.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { AuditTrail } from '../audit/types.ts';
import { toWallTime, wallDateOf, wallNow, type Clock, type WallDate, type WallTime } from '../clock.ts';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { Database } from '../postgres/database.ts';
import { newConfirmationCode } from './confirmation-code.ts';
import { appointmentSelect, slotColumns, toAppointment, toMedication, toPharmacy, toSlot, type AppointmentRow, type MedicationRow, type PharmacyRow, type SlotRow } from './ehr-rows.ts';
import { defaultFixturesDir, loadEhrFixtures } from './fixtures.ts';
import { isKeyedLastName, lastNameKey, lastNameLockKey, lastNameMatches, normalisePhone } from './identity.ts';
import { decideVerificationInPostgres } from './postgres-lockout.ts';
import { extendSlots, isSeeded, seedEhr, seedLockKey, seedMedicationsOnce } from './postgres-seed.ts';
import { cleanReason, requireDate } from './requests.ts';
import type { EhrVocabulary, SqliteEhr } from './sqlite-ehr.ts';
import type {
  Appointment,
  AppointmentId,
  CareTeamMessage,
  ConfirmationCode,
  Medication,
  MedicationId,
  MedicationList,
  PatientId,
  Pharmacy,
  PharmacyId,
  Provider,
  ProviderId,
  RefillRequest,
  Slot,
  SlotId,
  Specialty,
  VerifyResult,
} from './types.ts';
import { callerLockoutKey, claimLockoutKeys, defaultCallerLockoutPolicy, defaultLockoutPolicy, type LockoutPolicy } from './verification-lockout.ts';

export interface PostgresEhrOptions {
  database: Database;
  clock: Clock;
  /** Seed data for an empty database; defaults to fixtures/ehr of this checkout. */
  fixturesDir?: string;
  /** Receives 'verification_locked' when a failed attempt starts a lock. */
  auditTrail?: AuditTrail;
  /** Per claim key; defaults to 3 failures in 15 minutes. */
  lockoutPolicy?: LockoutPolicy;
  /** Per caller number; defaults to 6 failures in an hour. */
  callerLockoutPolicy?: LockoutPolicy;
  defaultCountry?: 'US' | 'CA' | 'GB';
  /** Receives how long each EHR call spent in the database, ms (bench:cluster). */
  onDatabaseTime?: (operation: string, durationMs: number) => void;
}

/** Same extras as the SQLite EHR: the vocabulary and last names the recogniser needs. */
export type PostgresEhr = SqliteEhr;


/** Opens the EHR on a migrated database, seeding it from fixtures once (the first instance to start does it, under a lock). */
export async function createPostgresEhr(options: PostgresEhrOptions): Promise<PostgresEhr> {
  const { clock, database } = options;
  const policies = { claims: options.lockoutPolicy ?? defaultLockoutPolicy, callers: options.callerLockoutPolicy ?? defaultCallerLockoutPolicy };

  await guarded('open', () =>
    database.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [seedLockKey]);
      const fixtures = () => loadEhrFixtures(options.fixturesDir ?? defaultFixturesDir);
      if (!(await isSeeded(client))) await seedEhr(client, fixtures(), wallNow(clock), clock.now());
      else await extendSlots(client, wallNow(clock));
      await seedMedicationsOnce(client, fixtures(), clock.now());
    }),
  );
  let horizonExtendedOn = wallDateOf(wallNow(clock));

  /** A long-running process keeps the slot horizon moving: once per clinic day. */
  async function ensureHorizon(): Promise<void> {
    const today = wallDateOf(wallNow(clock));
    if (today === horizonExtendedOn) return;
    await database.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [seedLockKey]);
      await extendSlots(client, wallNow(clock));
    });
    horizonExtendedOn = today;
  }

  /** Errors we raise pass through; anything else (connection refused, timeout, restart) means the EHR is unavailable. */
  async function guarded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      if (isFrontdeskError(error)) throw error;
      throw new FrontdeskError('EHR_UNAVAILABLE', undefined, { cause: error });
    } finally {
      options.onDatabaseTime?.(operation, performance.now() - started);
    }
  }

  function wallTimeCeiling(epochMs: number): WallTime {
    return toWallTime(new Date(Math.ceil(epochMs / 60_000) * 60_000), clock.timeZone);
  }

  async function requirePatient(client: PoolClient, patientId: PatientId): Promise<void> {
    const { rowCount } = await client.query('SELECT 1 FROM patients WHERE patient_id = $1', [patientId]);
    if (!rowCount) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown patient');
  }

  async function appointmentById(client: PoolClient, appointmentId: string): Promise<AppointmentRow | undefined> {
    return (await client.query<AppointmentRow>(`${appointmentSelect} WHERE a.appointment_id = $1`, [appointmentId])).rows[0];
  }

  /**
   * Inside a transaction: locks the slot's row (SELECT … FOR UPDATE), so of instances racing for one slot the first
   * holds it until commit and every other one then reads it booked; the partial unique index is the second line.
   */
  async function bookSlot(client: PoolClient, patientId: PatientId, slotId: SlotId, reason: string, now: WallTime): Promise<Appointment> {
    const { rows } = await client.query<{ status: string; start: string }>('SELECT status, start FROM slots WHERE slot_id = $1 FOR UPDATE', [slotId]);
    const slot = rows[0];
    if (!slot) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown slot');
    if (slot.start <= now) throw new FrontdeskError('EHR_INVALID_REQUEST', 'the slot has already started');
    if (slot.status !== 'free') throw new FrontdeskError('EHR_SLOT_TAKEN');
    await client.query(`UPDATE slots SET status = 'booked' WHERE slot_id = $1`, [slotId]);
    const appointmentId = `A-${randomUUID()}`;
    // Confirmation codes are unique in the table; a rare collision just draws again.
    for (let attempt = 0; ; attempt += 1) {
      const code = newConfirmationCode();
      const inserted = await client.query(
        `INSERT INTO appointments (appointment_id, confirmation_code, patient_id, slot_id, reason, status, booked_at)
         SELECT $1, $2, $3, $4, $5, 'booked', $6
         WHERE NOT EXISTS (SELECT 1 FROM appointments WHERE confirmation_code = $2) AND NOT EXISTS (SELECT 1 FROM refill_requests WHERE confirmation_code = $2)`,
        [appointmentId, code, patientId, slotId, reason, clock.now().toISOString()],
      );
      if (inserted.rowCount === 1) break;
      if (attempt > 20) throw new Error('no free confirmation code');
    }
    return toAppointment((await appointmentById(client, appointmentId)) as AppointmentRow);
  }

  async function upcomingAppointmentOf(client: PoolClient, patientId: PatientId, appointmentId: AppointmentId, now: WallTime): Promise<AppointmentRow> {
    const row = (await client.query<AppointmentRow>(`${appointmentSelect} WHERE a.appointment_id = $1 FOR UPDATE OF a`, [appointmentId])).rows[0];
    // Someone else's appointment reads exactly like a missing one.
    if (!row || row.patient_id !== patientId || row.appointment_status !== 'booked' || row.start <= now) {
      throw new FrontdeskError('EHR_NOT_FOUND', 'no such upcoming appointment');
    }
    return row;
  }

  /** The patient's own active medication, or EHR_NOT_FOUND (someone else's reads like a missing one). */
  async function activeMedicationOf(client: PoolClient, patientId: PatientId, medicationId: MedicationId): Promise<Medication> {
    const { rows } = await client.query<MedicationRow>(
      `SELECT medication_id, name, strength, purpose, controlled FROM medications WHERE medication_id = $1 AND patient_id = $2 AND status = 'active'`,
      [medicationId, patientId],
    );
    if (!rows[0]) throw new FrontdeskError('EHR_NOT_FOUND', 'no such active medication');
    return toMedication(rows[0]);
  }

  async function cancelRow(client: PoolClient, row: AppointmentRow): Promise<Appointment> {
    await client.query(`UPDATE appointments SET status = 'cancelled', cancelled_at = $1 WHERE appointment_id = $2 AND status = 'booked'`, [
      clock.now().toISOString(),
      row.appointment_id,
    ]);
    await client.query(`UPDATE slots SET status = 'free' WHERE slot_id = $1 AND status = 'booked'`, [row.slot_id]);
    return toAppointment((await appointmentById(client, row.appointment_id)) as AppointmentRow);
  }

  return {
    verifyPatient: (claim, context) =>
      guarded('verify_patient', async () => {
        const nowMs = clock.now().getTime();
        const phone = normalisePhone(claim.phone, options.defaultCountry);
        // Keyed on the claim, as in SQLite: a known and an unknown last name count and answer alike.
        const claimKeys = claimLockoutKeys({ lastNameKey: lastNameLockKey(claim.lastName), phone: phone ?? claim.phone, dateOfBirth: claim.dateOfBirth });
        const callerKey = context.callerNumber ? callerLockoutKey(context.callerNumber) : undefined;
        // A name typed on the keypad is compared by its letters' keys among the records with the claimed birth date.
        const claimed = isKeyedLastName(claim.lastName)
          ? (
              await database.query<{ patient_id: string; last_name: string; date_of_birth: string; phone: string }>(
                'SELECT patient_id, last_name, date_of_birth, phone FROM patients WHERE date_of_birth = $1 ORDER BY patient_id',
                [claim.dateOfBirth],
              )
            ).rows.filter((row) => lastNameMatches(claim.lastName, row.last_name))
          : (
              await database.query<{ patient_id: string; date_of_birth: string; phone: string }>(
                'SELECT patient_id, date_of_birth, phone FROM patients WHERE last_name_key = $1 ORDER BY patient_id',
                [lastNameKey(claim.lastName)],
              )
            ).rows;
        const match = claimed.find((row) => row.date_of_birth === claim.dateOfBirth && row.phone === phone);
        const input = { claimKeys, ...(callerKey ? { callerKey } : {}), match: match?.patient_id, nowMs };
        // A match needs no transaction (three round trips in all); a failure is counted in one, under the keys' locks.
        const { decision, lockStarts } = match
          ? await decideVerificationInPostgres(database.pool, policies, input)
          : await database.transaction((client) => decideVerificationInPostgres(client, policies, input));
        // For the audit only (never told to the caller): the record a name + phone lock protects, when one has both.
        const byPhone = claimed.filter((row) => row.phone === phone);
        const targeted = byPhone.length === 1 ? byPhone[0]!.patient_id : undefined;
        for (const lock of lockStarts) {
          options.auditTrail?.append({
            sessionId: context.sessionId,
            action: 'verification_locked',
            outcome: 'locked',
            ...(lock.scope === 'name-and-phone' && targeted !== undefined ? { patientId: targeted } : {}),
            detail: { until: wallTimeCeiling(lock.untilMs), scope: lock.scope },
          });
        }
        if (decision.outcome === 'verified') return { outcome: 'verified', patientId: decision.patientId as PatientId } satisfies VerifyResult;
        if (decision.outcome === 'locked') return { outcome: 'locked', until: wallTimeCeiling(decision.untilMs) } satisfies VerifyResult;
        return { outcome: 'mismatch' } satisfies VerifyResult;
      }),

    searchProviders: (query) =>
      guarded('search_providers', async () => {
        const location = query.location?.trim() || null;
        const { rows } = await database.query<{ provider_id: string; name: string; specialty: Specialty; location: string }>(
          `SELECT provider_id, name, specialty, location FROM providers
           WHERE specialty = $1 AND ($2::text IS NULL OR lower(location) = lower($2)) ORDER BY location COLLATE "C", name COLLATE "C"`,
          [query.specialty, location],
        );
        return rows.map((row): Provider => ({ providerId: row.provider_id as ProviderId, name: row.name, specialty: row.specialty, location: row.location }));
      }),

    getAvailableSlots: (query) =>
      guarded('get_available_slots', async () => {
        requireDate(query.date);
        await ensureHorizon();
        const { rows } = await database.query<SlotRow>(
          `SELECT ${slotColumns} FROM slots s JOIN providers p ON p.provider_id = s.provider_id
           WHERE s.provider_id = $1 AND s.status = 'free' AND s.start > $2 AND s.start >= $3 AND s.start < $4 ORDER BY s.start`,
          // "T99" sorts after every "THH:mm" of that date: the range covers the whole clinic day.
          [query.providerId, wallNow(clock), `${query.date}T00:00`, `${query.date}T99`],
        );
        return rows.map(toSlot);
      }),

    getAvailableDates: (query) =>
      guarded('get_available_dates', async () => {
        requireDate(query.after);
        await ensureHorizon();
        const limit = Math.max(0, Math.floor(query.limit));
        const { rows } = await database.query<{ date: WallDate }>(
          `SELECT DISTINCT substr(start, 1, 10) COLLATE "C" AS date FROM slots
           WHERE provider_id = $1 AND status = 'free' AND start > $2 AND start >= $3 ORDER BY date LIMIT $4`,
          [query.providerId, wallNow(clock), `${query.after}T99`, limit],
        );
        return rows.map((row) => row.date);
      }),

    bookAppointment: (session, request) =>
      guarded('book_appointment', () =>
        database.transaction(async (client) => {
          await requirePatient(client, session.patientId);
          return bookSlot(client, session.patientId, request.slotId, cleanReason(request.reason), wallNow(clock));
        }),
      ),

    getPatientAppointments: (session) =>
      guarded('get_patient_appointments', async () => {
        const { rows } = await database.query<AppointmentRow>(
          `${appointmentSelect} WHERE a.patient_id = $1 AND a.status = 'booked' AND s.start > $2 ORDER BY s.start`,
          [session.patientId, wallNow(clock)],
        );
        return rows.map(toAppointment);
      }),

    cancelAppointment: (session, appointmentId) =>
      guarded('cancel_appointment', () =>
        database.transaction(async (client) => cancelRow(client, await upcomingAppointmentOf(client, session.patientId, appointmentId, wallNow(clock)))),
      ),

    rescheduleAppointment: (session, request) =>
      guarded('reschedule_appointment', () =>
        database.transaction(async (client) => {
          const now = wallNow(clock);
          const old = await upcomingAppointmentOf(client, session.patientId, request.appointmentId, now);
          if (old.slot_id === request.newSlotId) throw new FrontdeskError('EHR_INVALID_REQUEST', 'the new slot is the current one');
          // Book first: if the new slot is taken this throws and the rollback leaves the old appointment as it was.
          const booked = await bookSlot(client, session.patientId, request.newSlotId, old.reason, now);
          const cancelled = await cancelRow(client, old);
          return { cancelled, booked };
        }),
      ),

    getMedications: (session) =>
      guarded('get_medications', async (): Promise<MedicationList> => {
        const { rows: patient } = await database.query('SELECT 1 FROM patients WHERE patient_id = $1', [session.patientId]);
        if (patient.length === 0) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown patient');
        const [medications, onFile, pharmacies] = await Promise.all([
          database.query<MedicationRow>(
            `SELECT medication_id, name, strength, purpose, controlled FROM medications WHERE patient_id = $1 AND status = 'active' ORDER BY name COLLATE "C"`,
            [session.patientId],
          ),
          database.query<PharmacyRow>('SELECT p.pharmacy_id, p.name FROM pharmacies_on_file f JOIN pharmacies p ON p.pharmacy_id = f.pharmacy_id WHERE f.patient_id = $1', [
            session.patientId,
          ]),
          database.query<PharmacyRow>('SELECT pharmacy_id, name FROM pharmacies ORDER BY name COLLATE "C"'),
        ]);
        return {
          medications: medications.rows.map(toMedication),
          ...(onFile.rows[0] ? { pharmacyOnFile: toPharmacy(onFile.rows[0]) } : {}),
          pharmacies: pharmacies.rows.map(toPharmacy),
        };
      }),

    requestRefill: (session, request) =>
      guarded('request_refill', () =>
        database.transaction(async (client): Promise<RefillRequest> => {
          const medication = await activeMedicationOf(client, session.patientId, request.medicationId);
          if (medication.controlled) throw new FrontdeskError('EHR_INVALID_REQUEST', 'a controlled substance is not refilled by phone');
          const { rowCount } = await client.query('SELECT 1 FROM pharmacies WHERE pharmacy_id = $1', [request.pharmacyId]);
          if (!rowCount) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown pharmacy');
          const refillRequestId = `R-${randomUUID()}`;
          for (let attempt = 0; ; attempt += 1) {
            const code = newConfirmationCode();
            const inserted = await client.query(
              `INSERT INTO refill_requests (refill_request_id, confirmation_code, patient_id, medication_id, pharmacy_id, status, requested_at)
               SELECT $1, $2, $3, $4, $5, 'requested', $6
               WHERE NOT EXISTS (SELECT 1 FROM appointments WHERE confirmation_code = $2) AND NOT EXISTS (SELECT 1 FROM refill_requests WHERE confirmation_code = $2)`,
              [refillRequestId, code, session.patientId, medication.medicationId, request.pharmacyId, clock.now().toISOString()],
            );
            if (inserted.rowCount === 1) return { refillRequestId, confirmationCode: code, medicationId: medication.medicationId, pharmacyId: request.pharmacyId, status: 'requested' };
            if (attempt > 20) throw new Error('no free confirmation code');
          }
        }),
      ),

    messageCareTeam: (session, request) =>
      guarded('message_care_team', () =>
        database.transaction(async (client): Promise<CareTeamMessage> => {
          const medication = await activeMedicationOf(client, session.patientId, request.medicationId);
          const messageId = `MSG-${randomUUID()}`;
          await client.query('INSERT INTO care_team_messages (message_id, patient_id, medication_id, topic, created_at) VALUES ($1, $2, $3, $4, $5)', [
            messageId,
            session.patientId,
            medication.medicationId,
            request.topic,
            clock.now().toISOString(),
          ]);
          return { messageId, medicationId: medication.medicationId, topic: request.topic };
        }),
      ),

    listVocabulary: () =>
      guarded('list_vocabulary', async (): Promise<EhrVocabulary> => {
        const locations = await database.query<{ name: string }>('SELECT name FROM locations ORDER BY name COLLATE "C"');
        const providers = await database.query<{ name: string }>('SELECT name FROM providers ORDER BY name COLLATE "C"');
        return { locations: locations.rows.map((row) => row.name), providerNames: providers.rows.map((row) => row.name) };
      }),

    listPatientLastNames: () =>
      guarded('list_patient_last_names', async () =>
        (await database.query<{ last_name: string }>('SELECT DISTINCT last_name COLLATE "C" AS last_name FROM patients ORDER BY 1')).rows.map((row) => row.last_name),
      ),

    ping: () => guarded('ping', () => database.ping()),

    // The pool belongs to the runtime, which closes it after everything that writes through it.
    close: async () => {},
  };
}



