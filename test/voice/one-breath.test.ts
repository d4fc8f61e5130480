// Callers who give every identity field in one breath, with politeness and thanks, on wideband and phone audio: verified by voice from one answer, nothing misheard as a hand-off.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerWav } from '../helpers/caller-wav.ts';

const root = join(import.meta.dirname, '../..');

const callers = [
  {
    voice: 'en-us+klatt',
    sampleRate: 16000,
    lines: [
      "Hello, I'd like to make an appointment",
      'My last name is Smith, my date of birth is January fifteenth nineteen eighty five, and my phone number is five five five, zero one zero, one two three four',
    ],
  },
  {
    voice: 'en-us+klatt',
    sampleRate: 8000,
    lines: [
      "Hello, I'd like to book an appointment please",
      "my last name is Smith, my date of birth is January fifteenth nineteen eighty five, and my phone number is five five five zero one zero one two three four, thank you",
    ],
  },
];

describe('several identity fields in one breath, by voice', () => {
  for (const caller of callers) {
    it(`verifies John Smith from one utterance (${caller.voice}, ${caller.sampleRate} Hz)`, async () => {
      const directory = mkdtempSync(join(tmpdir(), 'frontdesk-one-breath-'));
      const input = join(directory, 'caller.wav');
      writeFileSync(input, (await callerWav(caller.lines, { sampleRate: caller.sampleRate, voice: caller.voice })).wav);
      const run = spawnSync(
        process.execPath,
        [join(root, 'bin/frontdesk.js'), 'call', '--in', input, '--out', join(directory, 'agent.wav'), '--jsonl',
          '--db', join(directory, 'ehr.db'), '--audit', join(directory, 'audit.jsonl'), '--now', '2026-12-01T09:00:00-05:00'],
        { cwd: root, encoding: 'utf8', timeout: 180_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const transcript = events.filter((event) => event.type === 'agent' || (event.type === 'transcript' && event.final)).map((event) => `${event.type}: ${event.text}`).join('\n');
      expect(events.filter((event) => event.type === 'tool' && event.name === 'verify_patient'), transcript).toEqual([
        { type: 'tool', name: 'verify_patient', ok: true, durationMs: expect.any(Number) },
      ]);
      // One question for the identity, one answer holding all three fields: nothing asked again.
      const asked = events.filter((event) => event.type === 'agent').map((event) => String(event.text));
      expect(asked.filter((line) => /last name|date of birth|phone number/i.test(line)), transcript).toEqual(['What is your last name?']);
      expect(events.map((event) => event.type === 'end' && event.reason), transcript).not.toContain('handoff');
    }, 180_000);
  }
});
