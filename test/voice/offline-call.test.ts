// The offline voice loop end to end: a generated caller WAV through `frontdesk call`, judged by the EHR row, the audit chain and the agent's audio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav.ts';
import { callerWav, johnSmithBooksByVoice } from '../helpers/caller-wav.ts';

const root = join(import.meta.dirname, '../..');

describe('frontdesk call (offline voice)', () => {
  it('books for John Smith from an 8 kHz caller WAV and writes a complete agent WAV', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'frontdesk-voice-'));
    const input = join(directory, 'caller.wav');
    writeFileSync(input, (await callerWav(johnSmithBooksByVoice, { sampleRate: 8000 })).wav);
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin/frontdesk.js'), 'call', '--in', input, '--out', join(directory, 'agent.wav'), '--stereo', join(directory, 'call.wav'), '--jsonl',
        '--db', join(directory, 'ehr.db'), '--audit', join(directory, 'audit.jsonl'), '--now', '2026-12-01T09:00:00-05:00'],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const transcript = events.filter((event) => event.type === 'agent' || (event.type === 'transcript' && event.final)).map((event) => `${event.type}: ${event.text}`).join('\n');
    expect(events.at(-1), transcript).toEqual({ type: 'end', reason: 'completed' });
    expect(events.filter((event) => event.type === 'tool' && event.name === 'book_appointment')).toEqual([{ type: 'tool', name: 'book_appointment', ok: true, durationMs: expect.any(Number) }]);
    const latencies = events.filter((event) => event.type === 'latency');
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    for (const latency of latencies) expect(latency.voiceToVoiceMs).toBeGreaterThan(0);

    const sqlite = new BetterSqlite3(join(directory, 'ehr.db'), { readonly: true });
    const rows = sqlite.prepare("SELECT s.provider_id, s.start, a.status, a.reason FROM appointments a JOIN slots s ON s.slot_id = a.slot_id WHERE a.patient_id = 'P1001'").all();
    sqlite.close();
    expect(rows).toEqual([{ provider_id: 'D03', start: '2026-12-09T09:30', status: 'booked', reason: 'annual checkup' }]);

    const verify = spawnSync(process.execPath, [join(root, 'bin/frontdesk.js'), 'audit', 'verify', join(directory, 'audit.jsonl')], { encoding: 'utf8' });
    expect(verify.status).toBe(0);

    // The agent's channel holds every reply: about as long as the words spoken, and not silent.
    const agent = readWav(readFileSync(join(directory, 'agent.wav')));
    expect(agent.sampleRate).toBe(16000);
    const samples = agent.channels[0]!;
    const voiced = samples.reduce((count, sample) => count + (Math.abs(sample) > 500 ? 1 : 0), 0) / agent.sampleRate;
    const words = events.filter((event) => event.type === 'agent').map((event) => String(event.text).split(/\s+/).length).reduce((a, b) => a + b, 0);
    expect(voiced).toBeGreaterThan(words * 0.15);
    const stereo = readWav(readFileSync(join(directory, 'call.wav')));
    expect(stereo.channels).toHaveLength(2);
  }, 240_000);
});
