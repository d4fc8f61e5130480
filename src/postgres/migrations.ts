// The shared-state schema as numbered migrations, applied once each at start under an advisory lock so instances starting together do not race.
import type { PoolClient } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Lock key (pg_advisory_xact_lock) held while migrating; any 64-bit number no other code uses. */
export const migrationLockKey = 0x66_72_6f_6e_74_01;

/**
 * Append only: a released migration is never edited, a change is a new version. Wall times stay TEXT with the "C"
 * collation, so "2026-12-01T09:00" compares byte for byte as it does in SQLite.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'embedded EHR',
    sql: `
CREATE TABLE ehr_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE patients (
  patient_id TEXT PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  last_name_key TEXT NOT NULL,
  date_of_birth TEXT COLLATE "C" NOT NULL,
  phone TEXT NOT NULL
);
CREATE INDEX patients_by_last_name ON patients (last_name_key);
CREATE TABLE locations (name TEXT PRIMARY KEY);
CREATE TABLE providers (
  provider_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  specialty TEXT NOT NULL,
  location TEXT NOT NULL REFERENCES locations (name),
  schedule_json TEXT NOT NULL
);
CREATE TABLE slots (
  slot_id TEXT PRIMARY KEY,
  provider_id TEXT NOT NULL REFERENCES providers (provider_id),
  start TEXT COLLATE "C" NOT NULL,
  duration_minutes INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('free', 'booked', 'blocked'))
);
CREATE INDEX slots_by_provider ON slots (provider_id, status, start);
CREATE TABLE appointments (
  appointment_id TEXT PRIMARY KEY,
  confirmation_code TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  slot_id TEXT NOT NULL REFERENCES slots (slot_id),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
  booked_at TEXT NOT NULL,
  cancelled_at TEXT
);
-- Second line of defence behind the slot's row lock: one live appointment per slot.
CREATE UNIQUE INDEX appointments_one_booked_per_slot ON appointments (slot_id) WHERE status = 'booked';
CREATE INDEX appointments_by_patient ON appointments (patient_id, status);`,
  },
  {
    version: 2,
    name: 'verification lockouts',
    sql: `
CREATE TABLE lockout_failures (lock_key TEXT NOT NULL, failed_at_ms BIGINT NOT NULL);
CREATE INDEX lockout_failures_by_key ON lockout_failures (lock_key, failed_at_ms);
CREATE TABLE lockout_locks (lock_key TEXT PRIMARY KEY, locked_until_ms BIGINT NOT NULL);`,
  },
  {
    version: 3,
    name: 'audit chain',
    sql: `
CREATE TABLE audit_records (
  sequence BIGINT PRIMARY KEY,
  record JSONB NOT NULL,
  -- The record exactly as sealed (canonical JSON), so export and verification see the bytes that were MACed.
  line TEXT NOT NULL
);
-- Calls in progress per instance: an instance that restarts after a crash closes its calls left here in the audit.
CREATE TABLE audit_open_calls (
  session_id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_open_calls_by_instance ON audit_open_calls (instance_id);
-- Signed checkpoints (records, head MAC): rows removed from the end of the chain show as truncation.
CREATE TABLE audit_checkpoints (id BIGSERIAL PRIMARY KEY, checkpoint JSONB NOT NULL);
-- Used only when FRONTDESK_AUDIT_KEY is unset: one key every instance shares (weaker: whoever can write here can forge).
CREATE TABLE audit_key (id INTEGER PRIMARY KEY CHECK (id = 1), key_hex TEXT NOT NULL);`,
  },
  {
    version: 4,
    name: 'Twilio hand-offs',
    sql: `
CREATE TABLE handoff_calls (call_sid TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL);
CREATE INDEX handoff_calls_by_expiry ON handoff_calls (expires_at);`,
  },
  {
    version: 5,
    name: 'medications, pharmacies and refill requests',
    sql: `
CREATE TABLE pharmacies (pharmacy_id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE pharmacies_on_file (
  patient_id TEXT PRIMARY KEY REFERENCES patients (patient_id),
  pharmacy_id TEXT NOT NULL REFERENCES pharmacies (pharmacy_id)
);
CREATE TABLE medications (
  medication_id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  name TEXT NOT NULL,
  strength TEXT NOT NULL,
  purpose TEXT,
  controlled BOOLEAN NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'stopped'))
);
CREATE INDEX medications_by_patient ON medications (patient_id, status);
CREATE TABLE refill_requests (
  refill_request_id TEXT PRIMARY KEY,
  confirmation_code TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  medication_id TEXT NOT NULL REFERENCES medications (medication_id),
  pharmacy_id TEXT NOT NULL REFERENCES pharmacies (pharmacy_id),
  status TEXT NOT NULL CHECK (status IN ('requested')),
  requested_at TEXT NOT NULL
);
CREATE TABLE care_team_messages (
  message_id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  medication_id TEXT NOT NULL REFERENCES medications (medication_id),
  topic TEXT NOT NULL CHECK (topic IN ('controlled-refill')),
  created_at TEXT NOT NULL
);`,
  },
];

/** Applies every migration not yet recorded, in one transaction under the migration lock; returns the versions applied now. */
export async function applyMigrations(client: PoolClient, list: readonly Migration[] = migrations): Promise<number[]> {
  await client.query('BEGIN');
  try {
    // The lock comes first: two instances must not both see an empty table and both create the schema.
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...list.map((migration) => migration.version));
    if (newest > known) throw new Error(`the database is at schema version ${newest}, newer than this frontdesk (${known}); upgrade frontdesk`);
    const done: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
