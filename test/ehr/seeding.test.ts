import { afterEach, describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, wallDateOf, wallNow } from '../../src/clock.ts';
import { createSqliteEhr, type SqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import { specialties, type PatientId } from '../../src/ehr/types.ts';
import { claims, databasePath, minute, newClock, temporaryDirectory } from './ehr-test-support.ts';

const context = { sessionId: 'seeding-test' };

describe('seeding the embedded EHR', () => {
  const opened: SqliteEhr[] = [];
  let cleanup = () => {};
  afterEach(async () => {
    for (const ehr of opened.splice(0)) await ehr.close();
    cleanup();
  });

  function open(path: string, clock = newClock()) {
    const ehr = createSqliteEhr({ path, clock });
    opened.push(ehr);
    return ehr;
  }

  it('knows the named patients by last name, date of birth and phone', async () => {
    const ehr = open(':memory:');
    for (const claim of Object.values(claims)) {
      const result = await ehr.verifyPatient(claim, context);
      expect(result.outcome).toBe('verified');
    }
    const john = await ehr.verifyPatient(claims.johnSmith, context);
    const jane = await ehr.verifyPatient(claims.janeSmith, context);
    expect(john.outcome === 'verified' && jane.outcome === 'verified' && john.patientId !== jane.patientId).toBe(true);
  });

  it('has at least two providers per specialty across at least two locations', async () => {
    const ehr = open(':memory:');
    const locations = new Set<string>();
    for (const specialty of specialties) {
      const providers = await ehr.searchProviders({ specialty }, context);
      expect(providers.length).toBeGreaterThanOrEqual(2);
      for (const provider of providers) locations.add(provider.location);
      const downtown = await ehr.searchProviders({ specialty, location: 'downtown' }, context);
      expect(downtown.length).toBeGreaterThan(0);
      expect(downtown.every((provider) => provider.location === 'Downtown')).toBe(true);
    }
    expect(locations.size).toBeGreaterThanOrEqual(2);
    const vocabulary = await ehr.listVocabulary();
    expect(vocabulary.locations).toEqual(['Downtown', 'Riverside']);
    expect(vocabulary.providerNames).toContain('Dr. Amara Okafor');
    expect(vocabulary.providerNames.length).toBeGreaterThanOrEqual(8);
  });

  it('offers free slots on weekdays only, after now and within 60 days, with days that differ', async () => {
    const clock = newClock();
    const ehr = open(':memory:', clock);
    const now = wallNow(clock);
    const today = wallDateOf(now);
    const slotsPerDay = new Set<number>();
    for (const specialty of specialties) {
      for (const provider of await ehr.searchProviders({ specialty }, context)) {
        const dates = await ehr.getAvailableDates({ providerId: provider.providerId, after: addDays(today, -1), limit: 1000 }, context);
        expect(dates.length).toBeGreaterThan(10);
        for (const date of dates) {
          expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(date));
          expect(date >= today && date <= addDays(today, 60)).toBe(true);
        }
        // The horizon is filled to its end, not just the first weeks.
        expect(dates.at(-1)! >= addDays(today, 53)).toBe(true);
        for (const date of dates.slice(0, 8)) {
          const slots = await ehr.getAvailableSlots({ providerId: provider.providerId, date }, context);
          expect(slots.length).toBeGreaterThan(0);
          slotsPerDay.add(slots.length);
          for (const slot of slots) {
            expect(slot.start > now).toBe(true);
            expect(slot.durationMinutes).toBe(30);
            expect(slot.providerName).toBe(provider.name);
          }
        }
      }
    }
    expect(slotsPerDay.size).toBeGreaterThan(3);
  });

  it('gives Wei Chen two upcoming appointments, soonest first, whenever the clock starts', async () => {
    for (const startAt of ['2025-03-05T15:00:00Z', '2026-11-28T23:30:00Z', '2031-06-07T12:00:00Z']) {
      const clock = newClock();
      clock.advance(new Date(startAt).getTime() - clock.now().getTime());
      const ehr = open(':memory:', clock);
      const verified = await ehr.verifyPatient(claims.weiChen, context);
      if (verified.outcome !== 'verified') throw new Error('Wei Chen did not verify');
      const appointments = await ehr.getPatientAppointments({ ...context, patientId: verified.patientId });
      expect(appointments).toHaveLength(2);
      expect(appointments[0]!.start > wallNow(clock)).toBe(true);
      expect(appointments[0]!.start < appointments[1]!.start).toBe(true);
      expect(appointments.map((appointment) => appointment.specialty)).toEqual(['dermatology', 'cardiology']);
      expect(appointments.every((appointment) => appointment.status === 'booked')).toBe(true);
    }
  });

  it('seeds a file once: reopening keeps bookings and does not duplicate data', async () => {
    const temporary = temporaryDirectory();
    cleanup = temporary.cleanup;
    const path = databasePath(temporary.directory);
    const clock = newClock();
    const first = open(path, clock);
    const verified = await first.verifyPatient(claims.mariaGarcia, context);
    const session = { ...context, patientId: (verified as { patientId: PatientId }).patientId };
    const [provider] = await first.searchProviders({ specialty: 'pediatrics' }, context);
    const [date] = await first.getAvailableDates({ providerId: provider!.providerId, after: wallDateOf(wallNow(clock)), limit: 1 }, context);
    const [slot] = await first.getAvailableSlots({ providerId: provider!.providerId, date: date! }, context);
    await first.bookAppointment(session, { slotId: slot!.slotId, reason: 'checkup' });
    await first.close();

    const second = open(path, clock);
    expect(await second.getPatientAppointments(session)).toHaveLength(1);
    expect((await second.searchProviders({ specialty: 'pediatrics' }, context)).length).toBe(2);
    const weiChen = await second.verifyPatient(claims.weiChen, context);
    expect(await second.getPatientAppointments({ ...context, patientId: (weiChen as { patientId: PatientId }).patientId })).toHaveLength(2);
  });

  it('keeps free slots 60 days ahead in a process that stays open for weeks', async () => {
    const clock = newClock();
    const ehr = open(':memory:', clock);
    clock.advance(40 * 24 * 60 * minute);
    const today = wallDateOf(wallNow(clock));
    const [provider] = await ehr.searchProviders({ specialty: 'family medicine' }, context);
    const dates = await ehr.getAvailableDates({ providerId: provider!.providerId, after: today, limit: 1000 }, context);
    expect(dates.at(-1)! >= addDays(today, 53)).toBe(true);
  });

  it('extends free slots when a file is reopened weeks later', async () => {
    const temporary = temporaryDirectory();
    cleanup = temporary.cleanup;
    const path = databasePath(temporary.directory);
    const clock = newClock();
    await open(path, clock).close();
    clock.advance(30 * 24 * 60 * minute);
    const later = open(path, clock);
    const today = wallDateOf(wallNow(clock));
    const [provider] = await later.searchProviders({ specialty: 'dermatology' }, context);
    const dates = await later.getAvailableDates({ providerId: provider!.providerId, after: today, limit: 1000 }, context);
    expect(dates[0]! > today).toBe(true);
    expect(dates.at(-1)! >= addDays(today, 53)).toBe(true);
  });
});
