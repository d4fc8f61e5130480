// Phone calls over Twilio Media Streams against a real server: a spoken booking in real time, recordings in an S3-compatible store with SSE-KMS, dropped lines, bad frames, barge-in.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import type { PatientId } from '../../src/ehr/types.ts';
import { createS3RecordingStore } from '../../src/recording/s3-store.ts';
import { createCallRecordings, type CallRecordings } from '../../src/transports/call-recording.ts';
import { readStereoWav, rms } from '../recording/read-wav.ts';
import { startS3Server, type S3Server } from '../helpers/s3-server.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { johnSmithBookingLines, speakLines } from '../transports/caller-lines.ts';
import { startMediaTestServer, telephoneVoice, type MediaTestServer } from '../transports/media-server.ts';

const bucket = 'clinic-recordings';
let s3: S3Server;
let server: MediaTestServer;
let recordings: CallRecordings;
let lines: Int16Array[];

beforeAll(async () => {
  s3 = await startS3Server({ buckets: [bucket] });
  server = await startMediaTestServer({
    voice: telephoneVoice,
    recording: (runtime, directory) => {
      recordings = createCallRecordings({
        store: createS3RecordingStore({ bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials }),
        spool: { spoolDirectory: join(directory, 'spool'), key: randomBytes(32) },
        auditTrail: runtime.auditTrail,
      });
      return recordings;
    },
  });
  lines = await speakLines(johnSmithBookingLines);
});

afterAll(async () => {
  await server?.close();
  await s3?.close();
});

function line(text: (typeof johnSmithBookingLines)[number]): Int16Array {
  return lines[johnSmithBookingLines.indexOf(text)]!;
}

async function openCall(): Promise<TwilioTestClient> {
  const client = new TwilioTestClient({ url: `${server.baseUrl}/twilio/media`, customParameters: { from: '+15555550100' } });
  await client.start();
  return client;
}

/** The session the server opens for the next call (once its `start` has been handled). */
async function sessionNumber(index: number) {
  for (let attempt = 0; attempt < 500 && server.sessions.length <= index; attempt += 1) await sleep(10);
  const session = server.sessions[index];
  if (!session) throw new Error('the server opened no session for the call');
  return session;
}

/** Seconds into an 8 kHz channel where the first full second of nothing (RMS under 1 in every 100 ms) begins. */
function firstSilentSecond(samples: Int16Array): number {
  const block = 800;
  const silent = (index: number) => rms(samples, index * block, (index + 1) * block) < 1;
  for (let start = 0; (start + 10) * block <= samples.length; start += 1) {
    let quiet = 0;
    while (quiet < 10 && silent(start + quiet)) quiet += 1;
    if (quiet === 10 && start * block > 8000) return (start * block) / 8000;
  }
  return Number.POSITIVE_INFINITY;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The audit records of one session, and the stored recording's key, once the recording is stored. */
async function recordingOf(sessionId: string) {
  await recordings.whenIdle();
  const key = `recordings/2026/12/01/${sessionId}.wav`;
  const audit = (await server.audit()).filter((record) => record.sessionId === sessionId);
  return { key, audit, wav: readStereoWav((await s3.readObject(bucket, key)).bytes) };
}

describe('Twilio Media Streams calls', () => {
  it('books John Smith a cardiology check-up spoken in real time, sends μ-law in whole 20 ms frames (up to 100 ms a message) with marks, and stores the recording in S3 with SSE-KMS', async () => {
    const sessionCount = server.sessions.length;
    const client = await openCall();
    await client.waitForAgentToFinish({ sinceMs: 0 });
    const spokenLines = [...johnSmithBookingLines];
    const lastLine = spokenLines.pop()!;
    for (const text of spokenLines) {
      let spoken = await client.say(line(text));
      await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs });
      // A value heard with low confidence is read back before it is used (the marks name the prompt): the caller confirms it.
      if (client.marksReceived.at(-1)?.endsWith(':confirmHeardValues')) {
        spoken = await client.say(line('yes that is right'));
        await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs });
      }
    }
    await client.say(line(lastLine));
    const closed = await client.closed;
    const session = server.sessions[sessionCount]!;
    expect(await session.ended).toBe('completed');
    expect(closed).toEqual({ code: 1000, reason: 'call ended' });

    const appointments = await server.runtime.store.getPatientAppointments({ sessionId: 'test-check', patientId: 'P1001' as PatientId });
    expect(appointments.filter((appointment) => appointment.status === 'booked').map(({ providerId, start }) => ({ providerId, start }))).toContainEqual({
      providerId: 'D03',
      start: '2026-12-09T09:30',
    });

    // Every outbound message: whole 20 ms frames (160 μ-law bytes each at 8 kHz), at most 100 ms, on this stream; together they carry the agent's voice.
    expect(client.agentAudio().length / 8000).toBeGreaterThan(20);
    expect(client.badFrames).toEqual([]);
    expect(Math.max(...client.mediaPayloads.map((payload) => payload.length))).toBeLessThanOrEqual(800);
    expect(rms(client.agentAudio())).toBeGreaterThan(300);
    // A mark after each reply, the last after the goodbye; each came back once its audio had played.
    expect(client.marksReceived[0]).toMatch(/^reply-\d+:greeting$/);
    expect(client.marksReceived.at(-1)).toBe('call-end');
    expect(client.marksEchoed).toEqual(client.marksReceived);
    expect(client.clearsReceived).toBe(0);
    // Paced in real time, at most 400 ms ahead: no 1 s stretch brings more than 1.4 s of agent audio (1.6 s with timer slack), whole replies never arrive in a burst.
    const arrivals = client.received
      .filter((message) => message.event === 'media')
      .map((message, order) => ({ atMs: message.arrivedAtMs, audioMs: ((client.mediaPayloads[order] as Uint8Array).length / 8000) * 1000 }));
    let busiestSecondMs = 0;
    for (let first = 0, last = 0, windowMs = 0; last < arrivals.length; last += 1) {
      windowMs += (arrivals[last] as { audioMs: number }).audioMs;
      while ((arrivals[last] as { atMs: number }).atMs - (arrivals[first] as { atMs: number }).atMs > 1000) {
        windowMs -= (arrivals[first] as { audioMs: number }).audioMs;
        first += 1;
      }
      busiestSecondMs = Math.max(busiestSecondMs, windowMs);
    }
    expect(busiestSecondMs).toBeLessThanOrEqual(1600);

    const { key, audit, wav } = await recordingOf(session.sessionId);
    expect({ channels: wav.channels, sampleRate: wav.sampleRate, bitsPerSample: wav.bitsPerSample }).toEqual({ channels: 2, sampleRate: 8000, bitsPerSample: 16 });
    // Caller left, agent right, on one timeline as long as the call.
    expect(wav.left.length / 8000).toBeGreaterThan(40);
    expect(rms(wav.left)).toBeGreaterThan(100);
    expect(rms(wav.right)).toBeGreaterThan(300);
    const upload = s3.requests.find((request) => request.method === 'PUT' && request.url.startsWith(`/${bucket}/${key}`));
    expect(upload?.headers['x-amz-server-side-encryption']).toBe('aws:kms');

    expect(audit.map((record) => record.action)).toEqual(expect.arrayContaining(['call_started', 'verify_patient', 'book_appointment', 'call_ended', 'recording_stored']));
    expect(audit.find((record) => record.action === 'call_ended')?.detail).toEqual({ reason: 'completed' });
    expect(audit.at(-1)).toMatchObject({ action: 'recording_stored', outcome: 'ok', detail: { key } });
    expect(verifyAuditFile(server.auditFile)).toMatchObject({ ok: true });
  }, 240_000);

  it('ends the call as a hang-up when the line drops mid-greeting, and still stores and audits the recording', async () => {
    const sessionIndex = server.sessions.length;
    const client = await openCall();
    const session = await sessionNumber(sessionIndex);
    await client.firstMediaAfter(0);
    await client.say(line('I want to book an appointment'));
    client.terminate();
    expect(await session.ended).toBe('hangup');

    const { key, audit, wav } = await recordingOf(session.sessionId);
    expect({ channels: wav.channels, sampleRate: wav.sampleRate }).toEqual({ channels: 2, sampleRate: 8000 });
    expect(rms(wav.left)).toBeGreaterThan(100);
    expect(rms(wav.right)).toBeGreaterThan(100);
    expect(audit.map((record) => record.action)).toEqual(['call_started', 'call_ended', 'recording_stored']);
    expect(audit[1]).toMatchObject({ outcome: 'ok', detail: { reason: 'hangup' } });
    expect(audit[2]).toMatchObject({ outcome: 'ok', detail: { key } });
    expect(verifyAuditFile(server.auditFile)).toMatchObject({ ok: true });
  }, 60_000);

  it('ignores malformed, unknown, oversized, binary and early messages, and the call goes on', async () => {
    const sessionIndex = server.sessions.length;
    const client = new TwilioTestClient({ url: `${server.baseUrl}/twilio/media` });
    await client.connect();
    const silence = Buffer.alloc(160, 0xff).toString('base64');
    client.sendRaw(JSON.stringify({ event: 'media', streamSid: client.streamSid, media: { track: 'inbound', timestamp: '0', payload: silence } }));
    await client.start();
    const session = await sessionNumber(sessionIndex);
    client.sendRaw('this is not JSON');
    client.sendRaw(JSON.stringify({ event: 'transcription', streamSid: client.streamSid }));
    client.sendRaw(JSON.stringify({ event: 'media', streamSid: client.streamSid, media: { timestamp: '20', payload: 'not*base64' } }));
    client.sendRaw(JSON.stringify({ event: 'media', streamSid: client.streamSid, media: { timestamp: '40', payload: 'A'.repeat(70 * 1024) } }));
    client.sendRaw(Buffer.from([1, 2, 3, 4]), { binary: true });
    client.sendRaw(JSON.stringify({ event: 'start', streamSid: client.streamSid }));
    client.sendRaw('[]');

    await client.waitForAgentToFinish({ sinceMs: 0 });
    const spoken = await client.say(line('I want to book an appointment'));
    await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs });
    expect(session.isEnded()).toBe(false);
    expect(session.state()).toBe('verification.collecting');
    expect(client.badFrames).toEqual([]);

    await client.hangUp();
    expect(await session.ended).toBe('hangup');
  }, 60_000);

  it('sends clear when the caller talks over the agent, returns the marks Twilio held, and answers the caller', async () => {
    const sessionIndex = server.sessions.length;
    const client = await openCall();
    const session = await sessionNumber(sessionIndex);
    const greetingStarted = await client.firstMediaAfter(0);
    await until(() => client.marksReceived.length > 0 && performance.now() > greetingStarted + 1500, 'the greeting to be under way');
    expect(client.marksEchoed).toEqual([]);
    const spoken = await client.say(line('I want to book an appointment'));
    await until(() => client.clearsReceived > 0, 'a clear message');
    // Twilio answers a clear with the marks still in its buffer: the greeting's mark comes back unplayed.
    expect(client.marksEchoed).toEqual([client.marksReceived[0]]);
    await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs });
    expect(session.state()).toBe('verification.collecting');

    await client.hangUp();
    expect(await session.ended).toBe('hangup');
    const { wav } = await recordingOf(session.sessionId);
    // The greeting (~12 s) was cut where the caller came in: the agent's channel holds its start and the next reply only.
    const cutAtSeconds = firstSilentSecond(wav.right);
    expect(cutAtSeconds).toBeGreaterThan(1);
    expect(cutAtSeconds).toBeLessThan((spoken.endedAtMs - greetingStarted) / 1000 + 0.5);
  }, 60_000);
});
