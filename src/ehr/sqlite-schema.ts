// The embedded EHR's SQLite schema, first-run seeding from fixtures, and keeping generated slots a horizon ahead of now.
import type { Database } from 'better-sqlite3';
import { addDays, wallDateOf, type WallDate, type WallTime } from '../clock.ts';
import type { EhrFixtures, Schedule } from './fixtures.ts';
import { lastNameKey, normalisePhone } from './identity.ts';
import { isBlockedAtSeed, nextDateWithSlotAt, slotIdOf, slotStartsOn } from './schedule.ts';

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patients (
  patient_id TEXT PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  last_name_key TEXT NOT NULL,
  date_of_birth TEXT NOT NULL,
  phone TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patients_by_last_name ON patients (last_name_key);
CREATE TABLE IF NOT EXISTS locations (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS providers (
  provider_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  specialty TEXT NOT NULL,
  location TEXT NOT NULL REFERENCES locations (name),
  schedule_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS slots (
  slot_id TEXT PRIMARY KEY,
  provider_id TEXT NOT NULL REFERENCES providers (provider_id),
  start TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('free', 'booked', 'blocked'))
);
CREATE INDEX IF NOT EXISTS slots_by_provider ON slots (provider_id, status, start);
CREATE TABLE IF NOT EXISTS appointments (
  appointment_id TEXT PRIMARY KEY,
  confirmation_code TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  slot_id TEXT NOT NULL REFERENCES slots (slot_id),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
  booked_at TEXT NOT NULL,
  cancelled_at TEXT
);
-- Second line of defence behind the conditional slot update: one live appointment per slot.
CREATE UNIQUE INDEX IF NOT EXISTS appointments_one_booked_per_slot ON appointments (slot_id) WHERE status = 'booked';
CREATE INDEX IF NOT EXISTS appointments_by_patient ON appointments (patient_id, status);
CREATE TABLE IF NOT EXISTS verification_failures (patient_id TEXT NOT NULL, failed_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS verification_failures_by_patient ON verification_failures (patient_id, failed_at_ms);
CREATE TABLE IF NOT EXISTS verification_locks (patient_id TEXT PRIMARY KEY, locked_until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pharmacies (pharmacy_id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pharmacies_on_file (
  patient_id TEXT PRIMARY KEY REFERENCES patients (patient_id),
  pharmacy_id TEXT NOT NULL REFERENCES pharmacies (pharmacy_id)
);
CREATE TABLE IF NOT EXISTS medications (
  medication_id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  name TEXT NOT NULL,
  strength TEXT NOT NULL,
  purpose TEXT,
  controlled INTEGER NOT NULL CHECK (controlled IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('active', 'stopped'))
);
CREATE INDEX IF NOT EXISTS medications_by_patient ON medications (patient_id, status);
CREATE TABLE IF NOT EXISTS refill_requests (
  refill_request_id TEXT PRIMARY KEY,
  confirmation_code TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  medication_id TEXT NOT NULL REFERENCES medications (medication_id),
  pharmacy_id TEXT NOT NULL REFERENCES pharmacies (pharmacy_id),
  status TEXT NOT NULL CHECK (status IN ('requested')),
  requested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS care_team_messages (
  message_id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  medication_id TEXT NOT NULL REFERENCES medications (medication_id),
  topic TEXT NOT NULL CHECK (topic IN ('controlled-refill')),
  created_at TEXT NOT NULL
);
`;

export function createSchema(database: Database): void {
  database.exec(schema);
}

function readMeta(database: Database, key: string): string | undefined {
  const row = database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

function writeMeta(database: Database, key: string, value: string): void {
  database.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function isSeeded(database: Database): boolean {
  return readMeta(database, 'seeded_at') !== undefined;
}

/** Whether medications and pharmacies have been seeded (databases made before refills existed have not). */
export function hasMedications(database: Database): boolean {
  return readMeta(database, 'medications_seeded_at') !== undefined;
}

/**
 * Seeds pharmacies and medications from fixtures: with a new database, and once as the migration of a database made
 * before refills existed (fixture rows of patients that database does not have are skipped).
 */
export function seedMedications(database: Database, fixtures: EhrFixtures, seededAt: Date): void {
  const patientExists = database.prepare('SELECT 1 FROM patients WHERE patient_id = ?');
  const insertPharmacy = database.prepare('INSERT OR IGNORE INTO pharmacies (pharmacy_id, name) VALUES (?, ?)');
  for (const pharmacy of fixtures.medications.pharmacies) insertPharmacy.run(pharmacy.pharmacyId, pharmacy.name);
  const insertOnFile = database.prepare('INSERT OR IGNORE INTO pharmacies_on_file (patient_id, pharmacy_id) VALUES (?, ?)');
  for (const entry of fixtures.medications.pharmaciesOnFile) {
    if (patientExists.get(entry.patientId)) insertOnFile.run(entry.patientId, entry.pharmacyId);
  }
  const insertMedication = database.prepare(
    'INSERT OR IGNORE INTO medications (medication_id, patient_id, name, strength, purpose, controlled, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const medication of fixtures.medications.medications) {
    if (!patientExists.get(medication.patientId)) continue;
    insertMedication.run(
      medication.medicationId,
      medication.patientId,
      medication.name,
      medication.strength,
      medication.purpose ?? null,
      medication.controlled ? 1 : 0,
      medication.status,
    );
  }
  writeMeta(database, 'medications_seeded_at', seededAt.toISOString());
}

/** Seeds a new database from fixtures. Runs inside the caller's transaction; `now` is the clinic wall time. */
export function seedDatabase(database: Database, fixtures: EhrFixtures, now: WallTime, seededAt: Date): void {
  const insertPatient = database.prepare(
    'INSERT INTO patients (patient_id, first_name, last_name, last_name_key, date_of_birth, phone) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const patient of fixtures.patients) {
    insertPatient.run(
      patient.patientId,
      patient.firstName,
      patient.lastName,
      lastNameKey(patient.lastName),
      patient.dateOfBirth,
      normalisePhone(patient.phone),
    );
  }
  const insertLocation = database.prepare('INSERT INTO locations (name) VALUES (?)');
  for (const location of fixtures.locations) insertLocation.run(location);
  const insertProvider = database.prepare(
    'INSERT INTO providers (provider_id, name, specialty, location, schedule_json) VALUES (?, ?, ?, ?, ?)',
  );
  for (const provider of fixtures.providers) {
    insertProvider.run(provider.providerId, provider.name, provider.specialty, provider.location, JSON.stringify(provider.schedule));
  }
  writeMeta(database, 'horizon_days', String(fixtures.seed.horizonDays));
  writeMeta(database, 'blocked_share', String(fixtures.seed.blockedShare));
  extendSlots(database, now);
  seedAppointments(database, fixtures, now, seededAt);
  writeMeta(database, 'seeded_at', seededAt.toISOString());
}

function seedAppointments(database: Database, fixtures: EhrFixtures, now: WallTime, seededAt: Date): void {
  const schedules = new Map(fixtures.providers.map((provider) => [provider.providerId, provider.schedule]));
  const upsertSlot = database.prepare(
    `INSERT INTO slots (slot_id, provider_id, start, duration_minutes, status) VALUES (?, ?, ?, ?, 'booked')
     ON CONFLICT (slot_id) DO UPDATE SET status = 'booked'`,
  );
  const insertAppointment = database.prepare(
    `INSERT INTO appointments (appointment_id, confirmation_code, patient_id, slot_id, reason, status, booked_at)
     VALUES (?, ?, ?, ?, ?, 'booked', ?)`,
  );
  for (const [index, appointment] of fixtures.appointments.entries()) {
    const schedule = schedules.get(appointment.providerId) as Schedule;
    const date = nextDateWithSlotAt(schedule, addDays(wallDateOf(now), appointment.daysFromNow), appointment.time);
    if (!date) throw new Error(`EHR fixture appointment ${index} is not on its provider's schedule`);
    const start = `${date}T${appointment.time}`;
    const slotId = slotIdOf(appointment.providerId, start);
    upsertSlot.run(slotId, appointment.providerId, start, schedule.slotMinutes);
    insertAppointment.run(
      `A-seed-${index + 1}`,
      appointment.confirmationCode,
      appointment.patientId,
      slotId,
      appointment.reason,
      seededAt.toISOString(),
    );
  }
}

/**
 * Generates slots from every provider's weekly schedule so that free slots always reach `horizon_days` after now.
 * Slot ids are deterministic, so a range generated twice (two processes, a reopened file) adds nothing.
 */
export function extendSlots(database: Database, now: WallTime): void {
  const horizonDays = Number(readMeta(database, 'horizon_days') ?? 60);
  const blockedShare = Number(readMeta(database, 'blocked_share') ?? 0);
  const today = wallDateOf(now);
  const lastDate = addDays(today, horizonDays);
  const generatedThrough = readMeta(database, 'slots_generated_through');
  let firstDate: WallDate = today;
  if (generatedThrough && generatedThrough >= today) firstDate = addDays(generatedThrough, 1);
  if (firstDate > lastDate) return;
  const providers = database.prepare('SELECT provider_id, schedule_json FROM providers').all() as Array<{
    provider_id: string;
    schedule_json: string;
  }>;
  const insertSlot = database.prepare(
    'INSERT OR IGNORE INTO slots (slot_id, provider_id, start, duration_minutes, status) VALUES (?, ?, ?, ?, ?)',
  );
  for (const provider of providers) {
    const schedule = JSON.parse(provider.schedule_json) as Schedule;
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
      for (const start of slotStartsOn(schedule, date)) {
        if (start <= now) continue;
        const slotId = slotIdOf(provider.provider_id, start);
        const status = isBlockedAtSeed(slotId, blockedShare) ? 'blocked' : 'free';
        insertSlot.run(slotId, provider.provider_id, start, schedule.slotMinutes, status);
      }
    }
  }
  writeMeta(database, 'slots_generated_through', lastDate);
}
