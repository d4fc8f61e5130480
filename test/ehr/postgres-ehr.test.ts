// The embedded EHR on a real PostgreSQL: seeded once by instances starting together, the SQLite EHR's answers, one winner per slot among many connections, lockouts shared between instances.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { wallDateOf } from '../../src/clock.ts';
import { createPostgresEhr, type PostgresEhr } from '../../src/ehr/postgres-ehr.ts';
import { createSqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import type { PatientId, Slot, VerifiedSession } from '../../src/ehr/types.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { openDatabase, type Database } from '../../src/postgres/database.ts';
import { migrations } from '../../src/postgres/migrations.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';
import { claims, minute, newClock } from './ehr-test-support.ts';

const context = { sessionId: 'postgres-ehr-test' };
const wrongBirthDate = (claim: typeof claims.johnSmith) => ({ ...claim, dateOfBirth: '2000-01-01' });

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.destroy());

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isFrontdeskError(error) ? error.code : error).toBe(code);
}

describe('the embedded EHR on PostgreSQL', () => {
  const databases: Database[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.close();
  });

  /** `count` instances (a pool and an EHR each) opened at once on one fresh database. */
  async function instances(count: number, clock = newClock(), auditTrail = createMemoryAuditTrail({ clock })): Promise<PostgresEhr[]> {
    const url = await server.createDatabase();
    const opened = await Promise.all(Array.from({ length: count }, () => openDatabase({ url, maxConnections: 20 })));
    databases.push(...opened);
    return Promise.all(opened.map((database) => createPostgresEhr({ database, clock, auditTrail })));
  }

  async function sessionFor(ehr: PostgresEhr, claim: (typeof claims)[keyof typeof claims]): Promise<VerifiedSession> {
    const result = await ehr.verifyPatient(claim, context);
    if (result.outcome !== 'verified') throw new Error('fixture patient did not verify');
    return { ...context, patientId: result.patientId };
  }

  async function freeSlots(ehr: PostgresEhr, count: number): Promise<Slot[]> {
    const [provider] = await ehr.searchProviders({ specialty: 'cardiology', location: 'Downtown' }, context);
    const dates = await ehr.getAvailableDates({ providerId: provider!.providerId, after: '2025-03-05', limit: 10 }, context);
    const slots: Slot[] = [];
    for (const date of dates) slots.push(...(await ehr.getAvailableSlots({ providerId: provider!.providerId, date }, context)));
    return slots.slice(0, count);
  }

  it('migrates and seeds once when three instances start together, and records every migration', async () => {
    const [first] = await instances(3);
    const database = databases[0]!;
    const { rows } = await database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version));
    const patients = await database.query<{ count: string }>('SELECT count(*) FROM patients');
    const seeded = await database.query<{ count: string }>("SELECT count(*) FROM appointments WHERE appointment_id LIKE 'A-seed-%'");
    expect(Number(patients.rows[0]!.count)).toBeGreaterThan(0);
    expect(Number(seeded.rows[0]!.count)).toBeGreaterThan(0);
    const wei = await sessionFor(first!, claims.weiChen);
    expect(await first!.getPatientAppointments(wei)).toHaveLength(2);
  });

  it('answers like the SQLite EHR seeded from the same fixtures at the same time', async () => {
    const clock = newClock();
    const [postgres] = await instances(1, clock);
    const sqlite = createSqliteEhr({ path: ':memory:', clock });
    try {
      for (const specialty of ['cardiology', 'dermatology', 'family medicine', 'pediatrics'] as const) {
        const providers = await postgres!.searchProviders({ specialty }, context);
        expect(providers).toEqual(await sqlite.searchProviders({ specialty }, context));
        for (const provider of providers) {
          const dates = await postgres!.getAvailableDates({ providerId: provider.providerId, after: '2025-03-05', limit: 5 }, context);
          expect(dates).toEqual(await sqlite.getAvailableDates({ providerId: provider.providerId, after: '2025-03-05', limit: 5 }, context));
          const slots = await postgres!.getAvailableSlots({ providerId: provider.providerId, date: dates[0]! }, context);
          expect(slots).toEqual(await sqlite.getAvailableSlots({ providerId: provider.providerId, date: dates[0]! }, context));
        }
      }
      const wei = await sessionFor(postgres!, claims.weiChen);
      const strip = (list: Array<{ appointmentId: string }>) => list.map(({ appointmentId: _id, ...rest }) => rest);
      expect(strip(await postgres!.getPatientAppointments(wei))).toEqual(strip(await sqlite.getPatientAppointments(wei)));
      expect(await postgres!.listVocabulary()).toEqual(await sqlite.listVocabulary());
      expect(await postgres!.listPatientLastNames()).toEqual(await sqlite.listPatientLastNames());
      // A last name typed on the keypad (CHEN is 2436) verifies the same record on both.
      const keyed = { ...claims.weiChen, lastName: '2436' };
      expect(await postgres!.verifyPatient(keyed, context)).toEqual(await sqlite.verifyPatient(keyed, context));
      expect(await postgres!.verifyPatient(keyed, context)).toEqual({ outcome: 'verified', patientId: 'P1003' });
    } finally {
      await sqlite.close();
    }
  });

  it('books a slot exactly once when 60 attempts race through three instances', async () => {
    const ehrs = await instances(3);
    const [slot] = await freeSlots(ehrs[0]!, 1);
    const patients = ['P1001', 'P1002', 'P1003'] as PatientId[];
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        ehrs[index % 3]!
          .bookAppointment({ sessionId: `race-${index}`, patientId: patients[index % 3]! }, { slotId: slot!.slotId, reason: 'race' })
          .then(
            () => 'booked',
            (error: unknown) => (isFrontdeskError(error) ? error.code : String(error)),
          ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'booked')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'EHR_SLOT_TAKEN')).toHaveLength(59);
    const { rows } = await databases[0]!.query<{ count: string }>("SELECT count(*) FROM appointments WHERE slot_id = $1 AND status = 'booked'", [slot!.slotId]);
    expect(Number(rows[0]!.count)).toBe(1);
  });

  it('cancels, frees and reschedules in one transaction; a taken new slot leaves the old appointment as it was', async () => {
    const [first, second] = await instances(2);
    const wei = await sessionFor(first!, claims.weiChen);
    const john = await sessionFor(second!, claims.johnSmith);
    const before = await first!.getPatientAppointments(wei);
    const [taken, free] = await freeSlots(first!, 2);
    await second!.bookAppointment(john, { slotId: taken!.slotId, reason: 'checkup' });
    await expectCode(first!.rescheduleAppointment(wei, { appointmentId: before[1]!.appointmentId, newSlotId: taken!.slotId }), 'EHR_SLOT_TAKEN');
    expect(await first!.getPatientAppointments(wei)).toEqual(before);
    const { cancelled, booked } = await first!.rescheduleAppointment(wei, { appointmentId: before[1]!.appointmentId, newSlotId: free!.slotId });
    expect(cancelled).toMatchObject({ appointmentId: before[1]!.appointmentId, status: 'cancelled' });
    expect(booked).toMatchObject({ start: free!.start, status: 'booked' });
    const oldDay = await second!.getAvailableSlots({ providerId: before[1]!.providerId, date: wallDateOf(before[1]!.start) }, context);
    expect(oldDay.map((slot) => slot.start)).toContain(before[1]!.start);
    await expectCode(second!.cancelAppointment(john, booked.appointmentId), 'EHR_NOT_FOUND');
  });

  it('locks a claim after three failures spread over three instances, audited once per key, until the window passes', async () => {
    const clock = newClock();
    const trail = createMemoryAuditTrail({ clock });
    const ehrs = await instances(3, clock, trail);
    expect((await ehrs[0]!.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('mismatch');
    expect((await ehrs[1]!.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('mismatch');
    expect((await ehrs[2]!.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('locked');
    expect((await ehrs[0]!.verifyPatient(claims.weiChen, context)).outcome).toBe('locked');
    // As in SQLite: the same wrong claim three times locks both of its keys, each audited once.
    const locks = trail.records().filter((record) => record.action === 'verification_locked');
    expect(locks.map((record) => record.detail?.scope)).toEqual(['name-and-phone', 'name-and-birth-date']);
    expect(locks[0]).toMatchObject({ patientId: 'P1003', outcome: 'locked' });
    expect((await ehrs[1]!.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('verified');
    clock.advance(15 * minute);
    expect(await ehrs[2]!.verifyPatient(claims.weiChen, context)).toEqual({ outcome: 'verified', patientId: 'P1003' });
  });

  it('counts every failure when 12 wrong claims arrive at once through three instances', async () => {
    const clock = newClock();
    const trail = createMemoryAuditTrail({ clock });
    const ehrs = await instances(3, clock, trail);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) => ehrs[index % 3]!.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)));
    // Without the per-key advisory lock, concurrent counts miss each other and more than two answer mismatch.
    expect(outcomes.filter((outcome) => outcome.outcome === 'mismatch')).toHaveLength(2);
    expect(trail.records().filter((record) => record.action === 'verification_locked')).toHaveLength(2);
  });

  it('reports a database that is down as unavailable, and serves again once it is back', async () => {
    const [ehr] = await instances(1);
    await ehr!.ping();
    server.stop();
    try {
      await expectCode(ehr!.searchProviders({ specialty: 'cardiology' }, context), 'EHR_UNAVAILABLE');
      await expectCode(ehr!.ping(), 'EHR_UNAVAILABLE');
    } finally {
      server.start();
    }
    expect((await ehr!.searchProviders({ specialty: 'cardiology' }, context)).length).toBeGreaterThan(0);
  });
});
