import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { createSqliteEhr, type SqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import { claims, databasePath, minute, newClock, temporaryDirectory } from './ehr-test-support.ts';

const context = { sessionId: 'verification-test' };
const wrongBirthDate = (claim: typeof claims.johnSmith) => ({ ...claim, dateOfBirth: '2000-01-01' });

describe('verifying a caller', () => {
  const opened: SqliteEhr[] = [];
  let cleanup = () => {};
  afterEach(async () => {
    for (const ehr of opened.splice(0)) await ehr.close();
    cleanup();
  });

  function sharedFile() {
    const temporary = temporaryDirectory();
    cleanup = temporary.cleanup;
    return databasePath(temporary.directory);
  }

  function open(path: string, clock = newClock(), auditTrail?: ReturnType<typeof createMemoryAuditTrail>) {
    const ehr = createSqliteEhr({ path, clock, ...(auditTrail ? { auditTrail } : {}) });
    opened.push(ehr);
    return ehr;
  }

  it('accepts any letter case of the last name and a national phone format', async () => {
    const ehr = open(':memory:');
    const result = await ehr.verifyPatient({ lastName: '  sMiTh ', dateOfBirth: '1985-01-15', phone: '(555) 010-1234' }, context);
    expect(result).toEqual({ outcome: 'verified', patientId: 'P1001' });
    expect(await ehr.verifyPatient(claims.janeSmith, context)).toEqual({ outcome: 'verified', patientId: 'P1004' });
  });

  it('answers mismatch, without saying which field, for a wrong birth date, phone or unknown name', async () => {
    const ehr = open(':memory:');
    expect(await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)).toEqual({ outcome: 'mismatch' });
    expect(await ehr.verifyPatient({ ...claims.mariaGarcia, phone: '+15550109999' }, context)).toEqual({ outcome: 'mismatch' });
    expect(await ehr.verifyPatient({ ...claims.mariaGarcia, lastName: 'Garcia-Lopez' }, context)).toEqual({ outcome: 'mismatch' });
  });

  it('locks a record after three failures made through two store instances, even for the right answer, until the window passes', async () => {
    const path = sharedFile();
    const clock = newClock();
    const trail = createMemoryAuditTrail({ clock });
    const first = open(path, clock, trail);
    const second = open(path, clock, trail);

    expect((await first.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('mismatch');
    clock.advance(minute);
    expect((await second.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('mismatch');
    clock.advance(minute);
    // 10:02 New York: the third failure starts a 15-minute lock.
    expect(await first.verifyPatient(wrongBirthDate(claims.weiChen), context)).toEqual({ outcome: 'locked', until: '2025-03-05T10:17' });
    expect(await second.verifyPatient(claims.weiChen, context)).toEqual({ outcome: 'locked', until: '2025-03-05T10:17' });

    const locks = trail.records().filter((record) => record.action === 'verification_locked');
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ patientId: 'P1003', outcome: 'locked', sessionId: context.sessionId });

    // Other records are untouched by Wei Chen's lock.
    expect((await second.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('verified');

    clock.advance(14 * minute);
    expect((await second.verifyPatient(claims.weiChen, context)).outcome).toBe('locked');
    clock.advance(minute);
    expect(await first.verifyPatient(claims.weiChen, context)).toEqual({ outcome: 'verified', patientId: 'P1003' });
  });

  it('holds the lock in the file: a store opened after the failures still refuses', async () => {
    const path = sharedFile();
    const clock = newClock();
    const first = open(path, clock);
    for (let attempt = 0; attempt < 3; attempt += 1) await first.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    await first.close();
    const reopened = open(path, clock);
    expect((await reopened.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('locked');
  });

  it('counts only failures within 15 minutes', async () => {
    const clock = newClock();
    const ehr = open(':memory:', clock);
    await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    clock.advance(16 * minute);
    expect((await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)).outcome).toBe('locked');
  });

  it('forgets earlier failures after a successful verification', async () => {
    const ehr = open(':memory:');
    await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    expect((await ehr.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('verified');
    await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context);
    expect((await ehr.verifyPatient(wrongBirthDate(claims.mariaGarcia), context)).outcome).toBe('mismatch');
  });

  it('counts a failure against every record with the claimed last name', async () => {
    const ehr = open(':memory:');
    const wrong = { lastName: 'SMITH', dateOfBirth: '1970-01-01', phone: '+15550100000' };
    await ehr.verifyPatient(wrong, context);
    await ehr.verifyPatient(wrong, context);
    expect((await ehr.verifyPatient(wrong, context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.johnSmith, context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.janeSmith, context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.weiChen, context)).outcome).toBe('verified');
  });
});
