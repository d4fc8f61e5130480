import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { wallDateOf, wallNow } from '../../src/clock.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { createSqliteEhr, type SqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import type { PatientId, Slot, VerifiedSession } from '../../src/ehr/types.ts';
import { claims, clinicTimeZone, databasePath, minute, newClock, startInstant, temporaryDirectory } from './ehr-test-support.ts';

const context = { sessionId: 'booking-test' };
const runFile = promisify(execFile);

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isFrontdeskError(error) ? error.code : error).toBe(code);
}

describe('booking, cancelling and rescheduling', () => {
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

  function sharedFile() {
    const temporary = temporaryDirectory();
    cleanup = temporary.cleanup;
    return databasePath(temporary.directory);
  }

  async function sessionFor(ehr: SqliteEhr, claim: (typeof claims)[keyof typeof claims]): Promise<VerifiedSession> {
    const result = await ehr.verifyPatient(claim, context);
    if (result.outcome !== 'verified') throw new Error('fixture patient did not verify');
    return { ...context, patientId: result.patientId };
  }

  async function freeSlots(ehr: SqliteEhr, count: number, specialty: 'cardiology' | 'dermatology' = 'cardiology'): Promise<Slot[]> {
    const [provider] = await ehr.searchProviders({ specialty, location: 'Downtown' }, context);
    const dates = await ehr.getAvailableDates({ providerId: provider!.providerId, after: '2025-03-05', limit: 10 }, context);
    const slots: Slot[] = [];
    for (const date of dates) slots.push(...(await ehr.getAvailableSlots({ providerId: provider!.providerId, date }, context)));
    return slots.slice(0, count);
  }

  it('books a free slot once, with a readable confirmation code, and takes it off the free list', async () => {
    const ehr = open(':memory:');
    const john = await sessionFor(ehr, claims.johnSmith);
    const [slot] = await freeSlots(ehr, 1);
    const appointment = await ehr.bookAppointment(john, { slotId: slot!.slotId, reason: 'palpitations' });
    expect(appointment).toMatchObject({ start: slot!.start, providerId: slot!.providerId, status: 'booked', reason: 'palpitations' });
    expect(appointment.confirmationCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const sameDay = await ehr.getAvailableSlots({ providerId: slot!.providerId, date: wallDateOf(slot!.start) }, context);
    expect(sameDay.map((free) => free.slotId)).not.toContain(slot!.slotId);
    expect((await ehr.getPatientAppointments(john)).map((listed) => listed.appointmentId)).toEqual([appointment.appointmentId]);
  });

  it('refuses the second booking of a slot made through another connection to the same file', async () => {
    const path = sharedFile();
    const first = open(path);
    const second = open(path);
    const john = await sessionFor(first, claims.johnSmith);
    const maria = await sessionFor(second, claims.mariaGarcia);
    const [slot] = await freeSlots(first, 1);
    await first.bookAppointment(john, { slotId: slot!.slotId, reason: 'checkup' });
    await expectCode(second.bookAppointment(maria, { slotId: slot!.slotId, reason: 'checkup' }), 'EHR_SLOT_TAKEN');
    expect(await second.getPatientAppointments(maria)).toEqual([]);
    expect(await second.getPatientAppointments(john)).toHaveLength(1);
  });

  it('books each slot exactly once when two processes race for the same slots', async () => {
    const path = sharedFile();
    const setup = open(path);
    const slotIds = (await freeSlots(setup, 24)).map((slot) => slot.slotId);
    expect(slotIds).toHaveLength(24);
    const worker = fileURLToPath(new URL('./booking-worker.ts', import.meta.url));
    const race = (patientId: string, order: string[]) =>
      runFile(process.execPath, ['--import', 'tsx', worker, path, startInstant.toISOString(), clinicTimeZone, patientId, JSON.stringify(order)], {
        timeout: 30_000,
      }).then(({ stdout }) => JSON.parse(stdout) as Record<string, string>);
    const [johnOutcomes, mariaOutcomes] = await Promise.all([race('P1001', slotIds), race('P1002', [...slotIds].reverse())]);
    for (const slotId of slotIds) {
      expect([johnOutcomes[slotId], mariaOutcomes[slotId]].sort()).toEqual(['EHR_SLOT_TAKEN', 'booked']);
    }
    const john = { ...context, patientId: 'P1001' as PatientId };
    const maria = { ...context, patientId: 'P1002' as PatientId };
    const booked = [...(await setup.getPatientAppointments(john)), ...(await setup.getPatientAppointments(maria))];
    expect(booked).toHaveLength(24);
  });

  it('frees the slot when an appointment is cancelled, and only the patient who owns it can cancel it', async () => {
    const ehr = open(':memory:');
    const john = await sessionFor(ehr, claims.johnSmith);
    const maria = await sessionFor(ehr, claims.mariaGarcia);
    const [slot] = await freeSlots(ehr, 1);
    const appointment = await ehr.bookAppointment(john, { slotId: slot!.slotId, reason: 'checkup' });
    await expectCode(ehr.cancelAppointment(maria, appointment.appointmentId), 'EHR_NOT_FOUND');

    const cancelled = await ehr.cancelAppointment(john, appointment.appointmentId);
    expect(cancelled).toMatchObject({ appointmentId: appointment.appointmentId, status: 'cancelled' });
    expect(await ehr.getPatientAppointments(john)).toEqual([]);
    const sameDay = await ehr.getAvailableSlots({ providerId: slot!.providerId, date: wallDateOf(slot!.start) }, context);
    expect(sameDay.map((free) => free.slotId)).toContain(slot!.slotId);
    await expectCode(ehr.cancelAppointment(john, appointment.appointmentId), 'EHR_NOT_FOUND');
    // Freed means bookable again, by anyone.
    await ehr.bookAppointment(maria, { slotId: slot!.slotId, reason: 'checkup' });
  });

  it('reschedules in one step: the new slot is booked, the old one cancelled and freed', async () => {
    const ehr = open(':memory:');
    const wei = await sessionFor(ehr, claims.weiChen);
    const [heartCheck] = (await ehr.getPatientAppointments(wei)).filter((appointment) => appointment.specialty === 'cardiology');
    const [newSlot] = await freeSlots(ehr, 1);
    const { cancelled, booked } = await ehr.rescheduleAppointment(wei, { appointmentId: heartCheck!.appointmentId, newSlotId: newSlot!.slotId });
    expect(cancelled).toMatchObject({ appointmentId: heartCheck!.appointmentId, status: 'cancelled' });
    expect(booked).toMatchObject({ start: newSlot!.start, status: 'booked', reason: heartCheck!.reason });
    const upcoming = await ehr.getPatientAppointments(wei);
    expect(upcoming.map((appointment) => appointment.appointmentId)).toContain(booked.appointmentId);
    expect(upcoming.map((appointment) => appointment.appointmentId)).not.toContain(heartCheck!.appointmentId);
    const oldDay = await ehr.getAvailableSlots({ providerId: heartCheck!.providerId, date: wallDateOf(heartCheck!.start) }, context);
    expect(oldDay.map((slot) => slot.start)).toContain(heartCheck!.start);
  });

  it('leaves the old appointment in place when the new slot was taken first', async () => {
    const path = sharedFile();
    const first = open(path);
    const second = open(path);
    const wei = await sessionFor(first, claims.weiChen);
    const john = await sessionFor(second, claims.johnSmith);
    const before = await first.getPatientAppointments(wei);
    const [newSlot] = await freeSlots(first, 1);
    await second.bookAppointment(john, { slotId: newSlot!.slotId, reason: 'checkup' });
    await expectCode(
      first.rescheduleAppointment(wei, { appointmentId: before[1]!.appointmentId, newSlotId: newSlot!.slotId }),
      'EHR_SLOT_TAKEN',
    );
    expect(await first.getPatientAppointments(wei)).toEqual(before);
    const oldDay = await first.getAvailableSlots({ providerId: before[1]!.providerId, date: wallDateOf(before[1]!.start) }, context);
    expect(oldDay.map((slot) => slot.start)).not.toContain(before[1]!.start);
  });

  it('lists only upcoming appointments and refuses slots that have started', async () => {
    const clock = newClock();
    const ehr = open(':memory:', clock);
    const wei = await sessionFor(ehr, claims.weiChen);
    const [first, second] = await ehr.getPatientAppointments(wei);
    const [slot] = await freeSlots(ehr, 1, 'dermatology');
    clock.advance(new Date(`${first!.start}:00-05:00`).getTime() - clock.now().getTime() + minute);
    expect(wallNow(clock) > first!.start).toBe(true);
    expect((await ehr.getPatientAppointments(wei)).map((appointment) => appointment.appointmentId)).toEqual([second!.appointmentId]);
    await expectCode(ehr.cancelAppointment(wei, first!.appointmentId), 'EHR_NOT_FOUND');
    // The first free Downtown dermatology slot lies before Wei Chen's first appointment, so it has passed by now.
    expect(slot!.start < wallNow(clock)).toBe(true);
    await expectCode(ehr.bookAppointment(wei, { slotId: slot!.slotId, reason: 'late' }), 'EHR_INVALID_REQUEST');
    await expectCode(ehr.bookAppointment(wei, { slotId: 'D01-209901011000' as never, reason: 'x' }), 'EHR_NOT_FOUND');
  });

  it('reports a closed database as unavailable', async () => {
    const ehr = open(':memory:');
    await ehr.close();
    await expectCode(ehr.searchProviders({ specialty: 'cardiology' }, context), 'EHR_UNAVAILABLE');
    await expectCode(ehr.ping(), 'EHR_UNAVAILABLE');
  });
});
