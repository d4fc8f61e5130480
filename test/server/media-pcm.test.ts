// Calls over the raw PCM WebSocket against a real server: the rate handshake, events and binary audio both ways, refused frames, hang-up, the recording at the call's rate.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import { createLocalRecordingStore, readLocalRecording } from '../../src/recording/local-store.ts';
import { createCallRegistry } from '../../src/server/call-registry.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';
import { createCallRecordings, type CallRecordings } from '../../src/transports/call-recording.ts';
import { readStereoWav, rms } from '../recording/read-wav.ts';
import { callerUtterance } from '../stt/caller-audio.ts';
import { startMediaTestServer, telephoneVoice, type MediaTestServer } from '../transports/media-server.ts';
import { PcmTestClient } from '../transports/pcm-client.ts';
import { closeOf } from './server-support.ts';

let server: MediaTestServer;
let recordings: CallRecordings;
const key = randomBytes(32);
let recordingsDirectory: string;
const metrics = createServerMetrics({ processMetrics: false });
const calls = createCallRegistry();

beforeAll(async () => {
  server = await startMediaTestServer({
    voice: telephoneVoice,
    metrics,
    calls,
    recording: (runtime, directory) => {
      recordingsDirectory = join(directory, 'recordings');
      recordings = createCallRecordings({ store: createLocalRecordingStore({ directory: recordingsDirectory, key }), auditTrail: runtime.auditTrail });
      return recordings;
    },
  });
});

afterAll(async () => {
  await server?.close();
});

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function storedRecording(sessionId: string) {
  await recordings.whenIdle();
  const storedKey = `recordings/2026/12/01/${sessionId}.wav`;
  return { storedKey, wav: readStereoWav(await readLocalRecording({ directory: recordingsDirectory, key }, storedKey)) };
}

describe('raw PCM WebSocket calls', () => {
  it.each(['11025', '16000.5', 'fast'])('refuses sampleRate=%s with close code 1008 and the rates it takes, opening no call', async (rate) => {
    const sessions = server.sessions.length;
    expect(await closeOf(`${server.baseUrl}/ws/call?sampleRate=${rate}`)).toEqual({ code: 1008, reason: 'sampleRate must be one of 8000, 16000, 24000, 48000' });
    expect(server.sessions.length).toBe(sessions);
  });

  it('talks PCM16 at 16 kHz: format first, the greeting as events and audio, the caller heard, refused frames answered with errors, hang-up recorded', async () => {
    const line = await callerUtterance('I want to book an appointment', { voice: 'en-us+klatt', sampleRate: 16000, paddingMs: 0 });
    const client = new PcmTestClient(`${server.baseUrl}/ws/call?sampleRate=16000`, 16000);
    await client.start();
    await client.waitForEvent((event) => event.type === 'agent');
    expect(client.events[0]).toEqual({ type: 'audio-format', sampleRate: 16000 });
    expect(client.events).toContainEqual({ type: 'state', value: 'greeting' });

    client.send(Buffer.from([1, 2, 3]), true);
    client.send('{"dtmf":"12x"}');
    client.send('not json');
    await client.waitForEvent((event) => event.type === 'error' && client.events.filter((each) => each.type === 'error').length === 3);
    expect(client.events.filter((event) => event.type === 'error').map((event) => event.message)).toEqual([
      'binary frames are PCM16: an even number of bytes',
      'expected {"dtmf":"<digits>"} or {"type":"hangup"}',
      'text frames must be JSON: {"dtmf":"1"} or {"type":"hangup"}',
    ]);

    await client.say(line.samples);
    expect(await client.waitForEvent((event) => event.type === 'transcript' && event.final === true)).toMatchObject({ text: 'i want to book an appointment' });
    await client.waitForEvent((event) => event.type === 'state' && event.value === 'verification.collecting');
    const latency = await client.waitForEvent((event) => event.type === 'latency');
    expect(latency.voiceToVoiceMs).toEqual(expect.any(Number));
    // The same turn reached the server's metrics: one call in progress, its latency stages observed.
    const exposition = await metrics.text();
    expect(exposition).toMatch(/^frontdesk_active_calls 1$/m);
    expect(exposition).toMatch(/^frontdesk_stage_latency_seconds_count\{stage="end_of_speech_to_first_audio"\} [1-9]/m);
    expect(calls.size()).toBe(1);
    // The greeting was interrupted or not depending on its length; either way only whole PCM16 samples came back.
    expect(client.audioFrames.length).toBeGreaterThan(0);
    expect(client.audioFrames.every((frame) => frame.length % 2 === 0)).toBe(true);

    client.send(JSON.stringify({ type: 'hangup' }));
    expect(await client.waitForEvent((event) => event.type === 'end')).toEqual({ type: 'end', reason: 'hangup' });
    expect(await client.closed).toEqual({ code: 1000, reason: 'call ended' });

    const session = server.sessions.at(-1)!;
    await until(() => calls.size() === 0, 'the call to leave the open-call registry');
    const { storedKey, wav } = await storedRecording(session.sessionId);
    expect({ channels: wav.channels, sampleRate: wav.sampleRate }).toEqual({ channels: 2, sampleRate: 16000 });
    expect(rms(wav.left)).toBeGreaterThan(100);
    expect(rms(wav.right)).toBeGreaterThan(100);
    const audit = (await server.audit()).filter((record) => record.sessionId === session.sessionId);
    expect(audit.at(-1)).toMatchObject({ action: 'recording_stored', outcome: 'ok', detail: { key: storedKey } });
    expect(verifyAuditFile(server.auditFile)).toMatchObject({ ok: true });
  }, 60_000);

  it('sends the agent at 24 kHz when asked, and records the call at 24 kHz', async () => {
    const client = new PcmTestClient(`${server.baseUrl}/ws/call?sampleRate=24000`, 24000);
    await client.start();
    await client.waitForEvent((event) => event.type === 'agent');
    expect(client.events[0]).toEqual({ type: 'audio-format', sampleRate: 24000 });
    while (client.audioFrames.reduce((sum, frame) => sum + frame.length, 0) < 2 * 24000 * 2) await new Promise((resolve) => setTimeout(resolve, 50));
    client.send(JSON.stringify({ type: 'hangup' }));
    await client.closed;

    const { wav } = await storedRecording(server.sessions.at(-1)!.sessionId);
    expect({ channels: wav.channels, sampleRate: wav.sampleRate }).toEqual({ channels: 2, sampleRate: 24000 });
    expect(rms(wav.right)).toBeGreaterThan(100);
  }, 30_000);

  it('hangs up every open call when the server shuts down, storing each recording', async () => {
    const first = new PcmTestClient(`${server.baseUrl}/ws/call`, 16000);
    const second = new PcmTestClient(`${server.baseUrl}/ws/call?sampleRate=8000`, 8000);
    await Promise.all([first.start(), second.start()]);
    await Promise.all([first.waitForEvent((event) => event.type === 'agent'), second.waitForEvent((event) => event.type === 'agent')]);
    const sessions = server.sessions.slice(-2);
    expect(calls.size()).toBe(2);

    calls.hangUpAll();
    expect(await first.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await second.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await Promise.all(sessions.map((session) => session.ended))).toEqual(['hangup', 'hangup']);
    await recordings.whenIdle();
    await until(() => calls.size() === 0, 'the calls to leave the open-call registry');
    const audit = await server.audit();
    for (const session of sessions) {
      expect(audit.filter((record) => record.sessionId === session.sessionId).map((record) => record.action)).toEqual(['call_started', 'call_ended', 'recording_stored']);
    }
  }, 30_000);
});
