import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileAuditTrail } from '../../src/audit/file-audit-trail.ts';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { auditEhr } from '../../src/ehr/audited.ts';
import { guardEhr } from '../../src/ehr/guard.ts';
import { protectEhr } from '../../src/ehr/protected.ts';
import { createSqliteEhr, type SqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import type { Ehr, PatientId, Slot, VerifiedSession } from '../../src/ehr/types.ts';
import { claims, newClock, temporaryDirectory } from './ehr-test-support.ts';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function firstFreeSlot(ehr: Ehr, sessionId: string): Promise<Slot> {
  const [provider] = await ehr.searchProviders({ specialty: 'family medicine' }, { sessionId });
  const [date] = await ehr.getAvailableDates({ providerId: provider!.providerId, after: '2025-03-05', limit: 1 }, { sessionId });
  const [slot] = await ehr.getAvailableSlots({ providerId: provider!.providerId, date: date! }, { sessionId });
  return slot!;
}

describe('the EHR guard and audit wrappers', () => {
  const opened: SqliteEhr[] = [];
  let cleanup = () => {};
  afterEach(async () => {
    for (const ehr of opened.splice(0)) await ehr.close();
    cleanup();
  });

  function setup() {
    const clock = newClock();
    const auditTrail = createMemoryAuditTrail({ clock });
    const store = createSqliteEhr({ path: ':memory:', clock, auditTrail });
    opened.push(store);
    return { store, auditTrail, ehr: protectEhr(store, { auditTrail }) };
  }

  it('refuses a PHI call from a session that never verified, audits the refusal and leaves the EHR untouched', async () => {
    const { store, auditTrail, ehr } = setup();
    const slot = await firstFreeSlot(ehr, 'call-1');
    const forged = { sessionId: 'call-1', patientId: 'P1001' as PatientId };
    const error = await caught(ehr.bookAppointment(forged, { slotId: slot.slotId, reason: 'checkup' }));
    expect(isFrontdeskError(error, 'EHR_NOT_VERIFIED')).toBe(true);
    expect(await store.getPatientAppointments(forged)).toEqual([]);
    expect(auditTrail.records().at(-1)).toMatchObject({
      sessionId: 'call-1',
      action: 'book_appointment',
      outcome: 'refused',
      detail: { refusal: 'session-not-verified', slotId: slot.slotId },
    });
  });

  it('refuses a PHI call that names a different patient than the one this session verified', async () => {
    const { auditTrail, ehr } = setup();
    const verified = await ehr.verifyPatient(claims.johnSmith, { sessionId: 'call-2' });
    expect(verified.outcome).toBe('verified');
    const wrongPatient = { sessionId: 'call-2', patientId: 'P1003' as PatientId };
    expect(isFrontdeskError(await caught(ehr.getPatientAppointments(wrongPatient)), 'EHR_NOT_VERIFIED')).toBe(true);
    expect(isFrontdeskError(await caught(ehr.cancelAppointment(wrongPatient, 'A-seed-1' as never)), 'EHR_NOT_VERIFIED')).toBe(true);
    // Another call may not ride on call-2's verification either.
    const otherCall = { sessionId: 'call-3', patientId: 'P1001' as PatientId };
    expect(isFrontdeskError(await caught(ehr.getPatientAppointments(otherCall)), 'EHR_NOT_VERIFIED')).toBe(true);
    const refusals = auditTrail.records().filter((record) => record.outcome === 'refused');
    expect(refusals.map((record) => [record.sessionId, record.action, record.detail?.refusal])).toEqual([
      ['call-2', 'get_patient_appointments', 'patient-mismatch'],
      ['call-2', 'cancel_appointment', 'patient-mismatch'],
      ['call-3', 'get_patient_appointments', 'session-not-verified'],
    ]);
  });

  it('lets the verified patient through until the session ends or a new verification fails', async () => {
    const { ehr } = setup();
    const result = await ehr.verifyPatient(claims.weiChen, { sessionId: 'call-4' });
    const session: VerifiedSession = { sessionId: 'call-4', patientId: (result as { patientId: PatientId }).patientId };
    expect(await ehr.getPatientAppointments(session)).toHaveLength(2);
    expect(ehr.verifiedPatientOf('call-4')).toBe('P1003');
    ehr.endSession('call-4');
    expect(isFrontdeskError(await caught(ehr.getPatientAppointments(session)), 'EHR_NOT_VERIFIED')).toBe(true);

    await ehr.verifyPatient(claims.weiChen, { sessionId: 'call-5' });
    const again = { ...session, sessionId: 'call-5' };
    expect(await ehr.getPatientAppointments(again)).toHaveLength(2);
    await ehr.verifyPatient({ ...claims.mariaGarcia, dateOfBirth: '1999-09-09' }, { sessionId: 'call-5' });
    expect(isFrontdeskError(await caught(ehr.getPatientAppointments(again)), 'EHR_NOT_VERIFIED')).toBe(true);
  });

  it('audits every call with its outcome and ids', async () => {
    const { auditTrail, ehr } = setup();
    const sessionId = 'call-6';
    await ehr.verifyPatient({ ...claims.mariaGarcia, phone: '+15550100000' }, { sessionId });
    const verified = await ehr.verifyPatient(claims.mariaGarcia, { sessionId });
    const session = { sessionId, patientId: (verified as { patientId: PatientId }).patientId };
    const slot = await firstFreeSlot(ehr, sessionId);
    const booked = await ehr.bookAppointment(session, { slotId: slot.slotId, reason: 'sore throat' });
    await ehr.getPatientAppointments(session);
    const [, other] = await ehr.getAvailableSlots({ providerId: slot.providerId, date: slot.start.slice(0, 10) }, { sessionId });
    const moved = await ehr.rescheduleAppointment(session, { appointmentId: booked.appointmentId, newSlotId: other!.slotId });
    await ehr.cancelAppointment(session, moved.booked.appointmentId);

    // A slot someone else holds: the wrapper records a conflict.
    const weiResult = await ehr.verifyPatient(claims.weiChen, { sessionId: 'call-7' });
    const wei = { sessionId: 'call-7', patientId: (weiResult as { patientId: PatientId }).patientId };
    await ehr.bookAppointment(wei, { slotId: slot.slotId, reason: 'x' });
    expect(isFrontdeskError(await caught(ehr.bookAppointment(session, { slotId: slot.slotId, reason: 'y' })), 'EHR_SLOT_TAKEN')).toBe(true);

    const summary = auditTrail.records().map((record) => `${record.sessionId} ${record.action} ${record.outcome} ${record.patientId ?? '-'}`);
    expect(summary).toEqual([
      'call-6 verify_patient mismatch -',
      'call-6 verify_patient verified P1002',
      'call-6 search_providers ok -',
      'call-6 get_available_dates ok -',
      'call-6 get_available_slots ok -',
      'call-6 book_appointment ok P1002',
      'call-6 get_patient_appointments ok P1002',
      'call-6 get_available_slots ok -',
      'call-6 reschedule_appointment ok P1002',
      'call-6 cancel_appointment ok P1002',
      'call-7 verify_patient verified P1003',
      'call-7 book_appointment ok P1003',
      'call-6 book_appointment conflict P1002',
    ]);
    const records = auditTrail.records();
    expect(records[5]!.detail).toEqual({ slotId: slot.slotId, appointmentId: booked.appointmentId });
    expect(records[8]!.detail).toEqual({
      appointmentId: booked.appointmentId,
      newSlotId: other!.slotId,
      newAppointmentId: moved.booked.appointmentId,
    });
  });

  it('records the start of a verification lock next to the locked attempt', async () => {
    const { auditTrail, ehr } = setup();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await ehr.verifyPatient({ ...claims.weiChen, dateOfBirth: '1991-11-02' }, { sessionId: 'call-8' });
    }
    // The same wrong claim three times locks both of its keys: name + phone (the record it names) and name + birth date.
    const tail = auditTrail.records().slice(-3);
    expect(tail.map((record) => [record.action, record.outcome, record.patientId, record.detail?.scope])).toEqual([
      ['verification_locked', 'locked', 'P1003', 'name-and-phone'],
      ['verification_locked', 'locked', undefined, 'name-and-birth-date'],
      ['verify_patient', 'locked', undefined, undefined],
    ]);
  });

  it('turns an EHR that throws into EHR_UNAVAILABLE and audits an error', async () => {
    const auditTrail = createMemoryAuditTrail();
    const failure = new Error('connection reset');
    const broken = new Proxy({} as Ehr, {
      get: () => async () => {
        throw failure;
      },
    });
    const ehr = guardEhr(auditEhr(broken, { auditTrail }), { auditTrail });
    const error = await caught(ehr.searchProviders({ specialty: 'cardiology' }, { sessionId: 'call-9' }));
    expect(isFrontdeskError(error, 'EHR_UNAVAILABLE')).toBe(true);
    expect((error as Error).cause).toBe(failure);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expect(isFrontdeskError(await caught(ehr.verifyPatient(claims.johnSmith, { sessionId: 'call-9' })), 'EHR_UNAVAILABLE')).toBe(true);
    expect(auditTrail.records().map((record) => [record.action, record.outcome, record.detail?.errorCode])).toEqual([
      ['search_providers', 'error', 'EHR_UNAVAILABLE'],
      ['verify_patient', 'error', 'EHR_UNAVAILABLE'],
    ]);
  });

  it('writes a verifiable audit file that holds no names, birth dates, phones or reasons', async () => {
    const temporary = temporaryDirectory();
    cleanup = temporary.cleanup;
    const path = join(temporary.directory, 'audit.jsonl');
    const clock = newClock();
    const auditTrail = createFileAuditTrail(path, { clock });
    const store = createSqliteEhr({ path: ':memory:', clock, auditTrail });
    opened.push(store);
    const ehr = protectEhr(store, { auditTrail });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await ehr.verifyPatient({ ...claims.johnSmith, phone: '+15550109999' }, { sessionId: 'call-10' });
    }
    const result = await ehr.verifyPatient(claims.weiChen, { sessionId: 'call-10' });
    const session = { sessionId: 'call-10', patientId: (result as { patientId: PatientId }).patientId };
    const slot = await firstFreeSlot(ehr, 'call-10');
    const appointment = await ehr.bookAppointment(session, { slotId: slot.slotId, reason: 'persistent migraine' });
    await ehr.getPatientAppointments(session);
    await ehr.cancelAppointment(session, appointment.appointmentId);
    await caught(ehr.getPatientAppointments({ sessionId: 'call-11', patientId: session.patientId }));
    await auditTrail.close();

    const text = readFileSync(path, 'utf8');
    expect(verifyAuditFile(path)).toMatchObject({ ok: true, records: text.trim().split('\n').length });
    expect(text).toContain('verification_locked');
    expect(text).toContain(appointment.appointmentId);
    for (const forbidden of ['Smith', 'smith', 'Chen', 'Wei', '1985-01-15', '1990-11-02', '5550101234', '5550109012', '555-010', 'migraine']) {
      expect(text).not.toContain(forbidden);
    }
  });
});
