// A prescription refill by voice on the default clinic line: a generated caller WAV through `frontdesk call`, judged by the refill request row and the audit chain.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { callerWav } from '../helpers/caller-wav.ts';

const root = join(import.meta.dirname, '../..');

/** John Smith has his blood pressure medication (lisinopril) refilled at the pharmacy on file. */
const johnSmithRefillsByVoice = [
  'I need a prescription refill',
  'Smith',
  'January fifteenth nineteen eighty five',
  'five five five zero one zero one two three four',
  'the blood pressure one',
  'yes',
  'yes',
  'no thank you',
];

describe('frontdesk call (offline voice) on the clinic line', () => {
  it('requests a refill of John Smith\'s lisinopril at Main Street Pharmacy from an 8 kHz caller WAV', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'frontdesk-refill-voice-'));
    const input = join(directory, 'caller.wav');
    writeFileSync(input, (await callerWav(johnSmithRefillsByVoice, { sampleRate: 8000 })).wav);
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin/frontdesk.js'), 'call', '--in', input, '--out', join(directory, 'agent.wav'), '--jsonl',
        '--db', join(directory, 'ehr.db'), '--audit', join(directory, 'audit.jsonl'), '--now', '2026-12-01T09:00:00-05:00'],
      { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...process.env, FRONTDESK_FLOW: '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const transcript = events.filter((event) => event.type === 'agent' || (event.type === 'transcript' && event.final)).map((event) => `${event.type}: ${event.text}`).join('\n');
    expect(events.at(-1), transcript).toEqual({ type: 'end', reason: 'completed' });
    expect(events.filter((event) => event.type === 'tool').map((event) => [event.name, event.ok]), transcript).toEqual([
      ['verify_patient', true],
      ['get_medications', true],
      ['request_refill', true],
    ]);

    const sqlite = new BetterSqlite3(join(directory, 'ehr.db'), { readonly: true });
    const rows = sqlite.prepare('SELECT patient_id, medication_id, pharmacy_id, status FROM refill_requests').all();
    sqlite.close();
    expect(rows).toEqual([{ patient_id: 'P1001', medication_id: 'M-P1001-1', pharmacy_id: 'RX01', status: 'requested' }]);

    const verify = spawnSync(process.execPath, [join(root, 'bin/frontdesk.js'), 'audit', 'verify', join(directory, 'audit.jsonl')], { encoding: 'utf8' });
    expect(verify.status, verify.stdout).toBe(0);
  }, 240_000);
});
