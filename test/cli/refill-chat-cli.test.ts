// A refill by text on the default line (`frontdesk chat --jsonl`, no --flow: the clinic line) as a user runs it: a real process, real files, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/frontdesk.js');

function frontdesk(args: string[], input = '') {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn', FRONTDESK_FLOW: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function chat(callFile: string) {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-refill-cli-'));
  const database = join(directory, 'ehr.db');
  const audit = join(directory, 'audit.jsonl');
  const run = frontdesk(['chat', '--jsonl', '--db', database, '--audit', audit, '--now', '2026-12-01T09:00:00-05:00'], readFileSync(join(root, 'fixtures/calls', callFile), 'utf8'));
  const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
  const rows = (sql: string) => {
    const sqlite = new BetterSqlite3(database, { readonly: true });
    try {
      return sqlite.prepare(sql).all();
    } finally {
      sqlite.close();
    }
  };
  return { run, events, rows, audit };
}

describe('frontdesk chat --jsonl on the clinic line', () => {
  it('requests a refill of John Smith\'s lisinopril at Main Street Pharmacy: the request is in the SQLite file and the audit chain verifies', () => {
    const { run, events, rows, audit } = chat('john-smith-refills.txt');
    expect(run.code, run.stderr).toBe(0);
    expect(events[0]).toMatchObject({ type: 'agent', text: expect.stringMatching(/book, check, cancel or reschedule appointments, or request a prescription refill/) });
    expect(events.at(-1)).toEqual({ type: 'end', reason: 'completed' });
    expect(events.filter((event) => event.type === 'tool').map((event) => [event.name, event.ok])).toEqual([
      ['verify_patient', true],
      ['get_medications', true],
      ['request_refill', true],
    ]);
    const code = /confirmation code is ((?:[A-Z0-9], ){5}[A-Z0-9])\./.exec(events.map((event) => String(event.text ?? '')).join('\n'))?.[1]?.replace(/, /g, '');
    expect(rows('SELECT patient_id, medication_id, pharmacy_id, status, confirmation_code FROM refill_requests')).toEqual([
      { patient_id: 'P1001', medication_id: 'M-P1001-1', pharmacy_id: 'RX01', status: 'requested', confirmation_code: code },
    ]);
    const verified = frontdesk(['audit', 'verify', audit]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(readFileSync(audit, 'utf8')).not.toMatch(/Smith|1985-01-15|555-010|5550101234|lisinopril/i);
  });

  it('refuses Maria Garcia\'s oxycodone by phone and records a message for her care team instead', () => {
    const { run, events, rows } = chat('maria-garcia-refills-oxycodone.txt');
    expect(run.code, run.stderr).toBe(0);
    expect(events.some((event) => event.type === 'agent' && /controlled medication, so I can't request it by phone/.test(String(event.text)))).toBe(true);
    expect(events.filter((event) => event.type === 'tool').map((event) => event.name)).toEqual(['verify_patient', 'get_medications', 'message_care_team']);
    expect(rows('SELECT COUNT(*) AS count FROM refill_requests')).toEqual([{ count: 0 }]);
    expect(rows('SELECT patient_id, medication_id, topic FROM care_team_messages')).toEqual([{ patient_id: 'P1002', medication_id: 'M-P1002-2', topic: 'controlled-refill' }]);
  });
});
