// `frontdesk chat --jsonl` and `frontdesk audit verify` as a user runs them: a real process, real files, exit codes.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/frontdesk.js');

function frontdesk(args: string[], input = '') {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('frontdesk chat --jsonl', () => {
  it('books for John Smith end to end: the row is in the SQLite file and the audit chain verifies', () => {
    const directory = mkdtempSync(join(tmpdir(), 'frontdesk-cli-'));
    const database = join(directory, 'ehr.db');
    const audit = join(directory, 'audit.jsonl');
    // The file the README's example uses.
    const input = readFileSync(join(root, 'fixtures/calls/john-smith-books.txt'), 'utf8');
    const run = frontdesk(['chat', '--jsonl', '--db', database, '--audit', audit, '--now', '2026-12-01T09:00:00-05:00'], input);
    expect(run.code, run.stderr).toBe(0);

    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(events.every((event) => ['agent', 'state', 'tool', 'end'].includes(event.type))).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'end', reason: 'completed' });
    expect(events.filter((event) => event.type === 'tool').map((event) => [event.name, event.ok])).toEqual([
      ['verify_patient', true],
      ['search_providers', true],
      ['get_available_slots', true],
      ['book_appointment', true],
    ]);
    expect(events.some((event) => event.type === 'state' && event.value === 'verified.booking.confirming')).toBe(true);

    const sqlite = new BetterSqlite3(database, { readonly: true });
    const rows = sqlite
      .prepare("SELECT a.patient_id, s.provider_id, s.start, a.status FROM appointments a JOIN slots s ON s.slot_id = a.slot_id WHERE a.patient_id = 'P1001'")
      .all();
    sqlite.close();
    expect(rows).toEqual([{ patient_id: 'P1001', provider_id: 'D03', start: '2026-12-09T09:30', status: 'booked' }]);

    const verified = frontdesk(['audit', 'verify', audit]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/intact: \d+ records/);
    // PHI values, not bare digit runs: hashes and ids are hex and can hold "555" by chance.
    expect(readFileSync(audit, 'utf8')).not.toMatch(/Smith|1985-01-15|01151985|555-010|5550101234/i);

    // One changed character in the middle of the chain is found, by line.
    const lines = readFileSync(audit, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"ok"', '"OK"');
    writeFileSync(audit, lines.join('\n'));
    const tampered = frontdesk(['audit', 'verify', audit]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/line 3: mac-mismatch/);
  });

  it('seeds a new database once and keeps bookings across runs', () => {
    const directory = mkdtempSync(join(tmpdir(), 'frontdesk-cli-'));
    const args = ['chat', '--jsonl', '--db', join(directory, 'ehr.db'), '--audit', join(directory, 'audit.jsonl'), '--now', '2026-12-01T09:00:00-05:00'];
    const cancel = ['cancel my appointment', 'Chen', 'November second nineteen ninety', '555 010 9012', 'the first one', 'yes', 'no'].join('\n');
    expect(frontdesk(args, cancel).code).toBe(0);
    const list = frontdesk(args, ['what appointments do I have', 'Chen', '11/2/1990', '5550109012', 'no'].join('\n'));
    expect(list.stdout).toMatch(/You have one upcoming appointment: Monday, December fourteenth/);
    expect(frontdesk(['audit', 'verify', join(directory, 'audit.jsonl')]).code).toBe(0);
  });
});

describe('frontdesk usage errors exit 2 with a message', () => {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-cli-'));
  const audit = join(directory, 'audit.jsonl');
  mkdirSync(join(directory, 'a-directory'));
  const notSqlite = join(directory, 'not-a-database.db');
  writeFileSync(notSqlite, 'this is not SQLite, just text that is long enough to look like a header\n'.repeat(20));

  it.each([
    [['chat', '--jsonl', '--bogus'], /Unknown option '--bogus'/],
    [['chat', '--jsonl', '--now', 'next tuesday', '--audit', audit], /--now must be an ISO-8601/],
    [['chat', '--jsonl', '--timezone', 'Mars/Olympus', '--audit', audit], /--timezone must be an IANA time zone/],
    [['chat', '--jsonl', '--db', join(directory, 'a-directory'), '--audit', audit], /EHR database could not be opened/],
    [['chat', '--jsonl', '--db', notSqlite, '--audit', audit], /EHR|database/i],
    [['chat', '--jsonl', '--db', ':memory:', '--audit', join(directory, 'a-directory')], /cannot open the audit file/],
    [['audit', 'verify', join(directory, 'missing.jsonl')], /cannot read/],
    [['audit', 'check'], /usage: frontdesk audit verify FILE/],
    [['dance'], /unknown command "dance"/],
  ])('%j', (args, message) => {
    const run = frontdesk(args, '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('says so when the audit file cannot be read for permissions', () => {
    if (process.getuid?.() === 0) return; // root reads everything; the missing-file case above covers the path
    const locked = join(directory, 'locked.jsonl');
    writeFileSync(locked, '');
    chmodSync(locked, 0o000);
    expect(frontdesk(['audit', 'verify', locked]).code).toBe(2);
  });
});
