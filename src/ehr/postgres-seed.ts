// The embedded EHR's first seeding in PostgreSQL from the same fixtures as SQLite, and keeping generated slots a horizon ahead of now.
import type { PoolClient } from 'pg';
import { addDays, wallDateOf, type WallDate, type WallTime } from '../clock.ts';
import type { EhrFixtures, Schedule } from './fixtures.ts';
import { lastNameKey, normalisePhone } from './identity.ts';
import { isBlockedAtSeed, nextDateWithSlotAt, slotIdOf, slotStartsOn } from './schedule.ts';

/** Held (pg_advisory_xact_lock) while seeding or extending slots, so instances starting together seed once. */
export const seedLockKey = 0x66_72_6f_6e_74_02;

async function readMeta(client: PoolClient, key: string): Promise<string | undefined> {
  const { rows } = await client.query<{ value: string }>('SELECT value FROM ehr_meta WHERE key = $1', [key]);
  return rows[0]?.value;
}

async function writeMeta(client: PoolClient, key: string, value: string): Promise<void> {
  await client.query('INSERT INTO ehr_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}

export async function isSeeded(client: PoolClient): Promise<boolean> {
  return (await readMeta(client, 'seeded_at')) !== undefined;
}

/** Seeds an empty EHR; inside the caller's transaction, under `seedLockKey`. `now` is the clinic wall time. */
export async function seedEhr(client: PoolClient, fixtures: EhrFixtures, now: WallTime, seededAt: Date): Promise<void> {
  for (const patient of fixtures.patients) {
    await client.query(
      'INSERT INTO patients (patient_id, first_name, last_name, last_name_key, date_of_birth, phone) VALUES ($1, $2, $3, $4, $5, $6)',
      [patient.patientId, patient.firstName, patient.lastName, lastNameKey(patient.lastName), patient.dateOfBirth, normalisePhone(patient.phone)],
    );
  }
  for (const location of fixtures.locations) await client.query('INSERT INTO locations (name) VALUES ($1)', [location]);
  for (const provider of fixtures.providers) {
    await client.query('INSERT INTO providers (provider_id, name, specialty, location, schedule_json) VALUES ($1, $2, $3, $4, $5)', [
      provider.providerId,
      provider.name,
      provider.specialty,
      provider.location,
      JSON.stringify(provider.schedule),
    ]);
  }
  await writeMeta(client, 'horizon_days', String(fixtures.seed.horizonDays));
  await writeMeta(client, 'blocked_share', String(fixtures.seed.blockedShare));
  await extendSlots(client, now);
  const schedules = new Map(fixtures.providers.map((provider) => [provider.providerId, provider.schedule]));
  for (const [index, appointment] of fixtures.appointments.entries()) {
    const schedule = schedules.get(appointment.providerId) as Schedule;
    const date = nextDateWithSlotAt(schedule, addDays(wallDateOf(now), appointment.daysFromNow), appointment.time);
    if (!date) throw new Error(`EHR fixture appointment ${index} is not on its provider's schedule`);
    const start = `${date}T${appointment.time}`;
    const slotId = slotIdOf(appointment.providerId, start);
    await client.query(
      `INSERT INTO slots (slot_id, provider_id, start, duration_minutes, status) VALUES ($1, $2, $3, $4, 'booked')
       ON CONFLICT (slot_id) DO UPDATE SET status = 'booked'`,
      [slotId, appointment.providerId, start, schedule.slotMinutes],
    );
    await client.query(
      `INSERT INTO appointments (appointment_id, confirmation_code, patient_id, slot_id, reason, status, booked_at)
       VALUES ($1, $2, $3, $4, $5, 'booked', $6)`,
      [`A-seed-${index + 1}`, appointment.confirmationCode, appointment.patientId, slotId, appointment.reason, seededAt.toISOString()],
    );
  }
  await writeMeta(client, 'seeded_at', seededAt.toISOString());
}

/** Generates slots from every provider's weekly schedule up to `horizon_days` after now; ids are deterministic, so a range made twice adds nothing. */
export async function extendSlots(client: PoolClient, now: WallTime): Promise<void> {
  const horizonDays = Number((await readMeta(client, 'horizon_days')) ?? 60);
  const blockedShare = Number((await readMeta(client, 'blocked_share')) ?? 0);
  const today = wallDateOf(now);
  const lastDate = addDays(today, horizonDays);
  const generatedThrough = await readMeta(client, 'slots_generated_through');
  let firstDate: WallDate = today;
  if (generatedThrough && generatedThrough >= today) firstDate = addDays(generatedThrough, 1);
  if (firstDate > lastDate) return;
  const { rows: providers } = await client.query<{ provider_id: string; schedule_json: string }>('SELECT provider_id, schedule_json FROM providers');
  const columns = { slotId: [] as string[], providerId: [] as string[], start: [] as string[], minutes: [] as number[], status: [] as string[] };
  for (const provider of providers) {
    const schedule = JSON.parse(provider.schedule_json) as Schedule;
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
      for (const start of slotStartsOn(schedule, date)) {
        if (start <= now) continue;
        const slotId = slotIdOf(provider.provider_id, start);
        columns.slotId.push(slotId);
        columns.providerId.push(provider.provider_id);
        columns.start.push(start);
        columns.minutes.push(schedule.slotMinutes);
        columns.status.push(isBlockedAtSeed(slotId, blockedShare) ? 'blocked' : 'free');
      }
    }
  }
  // One statement for the whole range: thousands of slots in one round trip.
  await client.query(
    `INSERT INTO slots (slot_id, provider_id, start, duration_minutes, status)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[])
     ON CONFLICT (slot_id) DO NOTHING`,
    [columns.slotId, columns.providerId, columns.start, columns.minutes, columns.status],
  );
  await writeMeta(client, 'slots_generated_through', lastDate);
}

/**
 * Seeds pharmacies and medications from fixtures, once (a database seeded before refills existed gets them on its next
 * start); fixture rows of patients the database does not have are skipped. Inside the caller's transaction, under the lock.
 */
export async function seedMedicationsOnce(client: PoolClient, fixtures: EhrFixtures, seededAt: Date): Promise<void> {
  if ((await readMeta(client, 'medications_seeded_at')) !== undefined) return;
  const { pharmacies, pharmaciesOnFile, medications } = fixtures.medications;
  for (const pharmacy of pharmacies) {
    await client.query('INSERT INTO pharmacies (pharmacy_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [pharmacy.pharmacyId, pharmacy.name]);
  }
  for (const entry of pharmaciesOnFile) {
    await client.query(
      'INSERT INTO pharmacies_on_file (patient_id, pharmacy_id) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM patients WHERE patient_id = $1) ON CONFLICT DO NOTHING',
      [entry.patientId, entry.pharmacyId],
    );
  }
  for (const medication of medications) {
    await client.query(
      `INSERT INTO medications (medication_id, patient_id, name, strength, purpose, controlled, status)
       SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM patients WHERE patient_id = $2) ON CONFLICT DO NOTHING`,
      [medication.medicationId, medication.patientId, medication.name, medication.strength, medication.purpose ?? null, medication.controlled, medication.status],
    );
  }
  await writeMeta(client, 'medications_seeded_at', seededAt.toISOString());
}
