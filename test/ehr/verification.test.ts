import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteEhr, type SqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import { purgeEveryFailures } from '../../src/ehr/verification-lockout.ts';
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

  it('verifies a last name typed on the keypad by its letters\' keys (SMITH is 76484), among the records with that birth date and phone', async () => {
    const ehr = open(':memory:');
    expect(await ehr.verifyPatient({ ...claims.johnSmith, lastName: '76484' }, context)).toEqual({ outcome: 'verified', patientId: 'P1001' });
    expect(await ehr.verifyPatient({ ...claims.weiChen, lastName: '2436' }, context)).toEqual({ outcome: 'verified', patientId: 'P1003' });
    // One key wrong, or the right keys with another patient's birth date: no record.
    expect(await ehr.verifyPatient({ ...claims.johnSmith, lastName: '76485' }, context)).toEqual({ outcome: 'mismatch' });
    expect(await ehr.verifyPatient({ ...claims.janeSmith, lastName: '76484', dateOfBirth: claims.mariaGarcia.dateOfBirth }, context)).toEqual({ outcome: 'mismatch' });
  });

  it('counts a name said and the same name typed on the keypad against one lock', async () => {
    const ehr = open(':memory:');
    expect((await ehr.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient({ ...wrongBirthDate(claims.weiChen), lastName: '2436' }, context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient(wrongBirthDate(claims.weiChen), context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient({ ...claims.weiChen, lastName: '2436' }, context)).outcome).toBe('locked');
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

    // The same wrong claim three times: both of its keys (name + phone, name + birth date) lock, each audited.
    const locks = trail.records().filter((record) => record.action === 'verification_locked');
    expect(locks.map((record) => record.detail?.scope)).toEqual(['name-and-phone', 'name-and-birth-date']);
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
    const misremembered = (day: number) => ({ ...claims.mariaGarcia, dateOfBirth: `1972-03-0${day}` });
    await ehr.verifyPatient(misremembered(1), context);
    await ehr.verifyPatient(misremembered(2), context);
    expect((await ehr.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('verified');
    await ehr.verifyPatient(misremembered(3), context);
    expect((await ehr.verifyPatient(misremembered(4), context)).outcome).toBe('mismatch');
  });

  it('a targeted brute force on one patient does not lock another patient with the same last name', async () => {
    const trail = createMemoryAuditTrail();
    const ehr = open(':memory:', newClock(), trail);
    // Guessing John Smith's birth date with his last name and phone: three guesses, then his claim is locked.
    for (const dateOfBirth of ['1980-01-01', '1980-01-02']) expect((await ehr.verifyPatient({ ...claims.johnSmith, dateOfBirth }, context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient({ ...claims.johnSmith, dateOfBirth: '1980-01-03' }, context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.johnSmith, context)).outcome).toBe('locked');
    // Jane Smith shares only the last name: never locked by it.
    expect(await ehr.verifyPatient(claims.janeSmith, context)).toEqual({ outcome: 'verified', patientId: 'P1004' });
    expect(trail.records().filter((record) => record.action === 'verification_locked').map((record) => [record.patientId, record.detail?.scope])).toEqual([
      ['P1001', 'name-and-phone'],
    ]);
  });

  it('bounds guessing the phone too: last name + birth date is a key of its own', async () => {
    const ehr = open(':memory:');
    for (const phone of ['+15550100001', '+15550100002']) expect((await ehr.verifyPatient({ ...claims.mariaGarcia, phone }, context)).outcome).toBe('mismatch');
    expect((await ehr.verifyPatient({ ...claims.mariaGarcia, phone: '+15550100003' }, context)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.mariaGarcia, context)).outcome).toBe('locked');
  });

  it('answers a known and an unknown last name identically over five calls (no oracle)', async () => {
    const outcomes = async (lastName: string) => {
      const ehr = open(':memory:', newClock());
      const seen: string[] = [];
      // Five calls of one wrong claim each (the per-call limit ends a call after 3; across calls the claim key counts).
      for (let call = 0; call < 5; call += 1) {
        seen.push(JSON.stringify(await ehr.verifyPatient({ lastName, dateOfBirth: '1960-02-02', phone: '+15550100000' }, { sessionId: `call-${call}` })));
      }
      return seen;
    };
    const known = await outcomes('Garcia');
    const unknown = await outcomes('Zorblatt');
    expect(known).toEqual(unknown);
    expect(known.map((text) => JSON.parse(text).outcome)).toEqual(['mismatch', 'mismatch', 'locked', 'locked', 'locked']);
  });

  it('does not keep failures no window counts any more: claims sprayed once each are purged', async () => {
    const path = sharedFile();
    const clock = newClock();
    const ehr = open(path, clock);
    const spray = async (count: number, offset: number) => {
      for (let index = 0; index < count; index += 1) {
        await ehr.verifyPatient({ lastName: `Name${offset + index}`, dateOfBirth: '1960-02-02', phone: '+15550100000' }, context);
      }
    };
    await spray(purgeEveryFailures / 2, 0);
    clock.advance(16 * minute);
    await spray(purgeEveryFailures / 2, 100_000);
    const database = new BetterSqlite3(path, { readonly: true });
    const { rows } = database.prepare('SELECT COUNT(*) AS rows FROM lockout_failures').get() as { rows: number };
    database.close();
    // Each failure counts against two claim keys; the first half fell out of the window and was purged.
    expect(rows).toBeLessThanOrEqual(purgeEveryFailures + 2);
    expect(rows).toBeGreaterThan(0);
  });

  it('throttles a caller number that keeps failing, whatever it claims', async () => {
    const ehr = open(':memory:');
    const from = { sessionId: 'twilio-call', callerNumber: '+15550199999' };
    // Six different claims, none repeated enough to lock a claim: the number is throttled at the sixth failure.
    const names = ['Garcia', 'Chen', 'Khan', 'Johnson', 'Zorblatt', 'Quill'];
    const seen = [];
    for (const lastName of names) seen.push((await ehr.verifyPatient({ lastName, dateOfBirth: '1960-02-02', phone: '+15550100000' }, from)).outcome);
    expect(seen).toEqual(['mismatch', 'mismatch', 'mismatch', 'mismatch', 'mismatch', 'locked']);
    // Even the right details are refused from that number for the hour; from another number they verify.
    expect((await ehr.verifyPatient(claims.weiChen, from)).outcome).toBe('locked');
    expect((await ehr.verifyPatient(claims.weiChen, { sessionId: 'other', callerNumber: '+15550188888' })).outcome).toBe('verified');
  });
});
