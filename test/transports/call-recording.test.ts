// Recording live calls: caller left and agent right on the call's timeline, cuts where the caller barged in or the line dropped, stored, audited, spooled when the store fails.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail, type MemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import type { Interruption } from '../../src/dialog/agent-voice.ts';
import type { EndReason } from '../../src/flow/types.ts';
import type { VoiceCall, VoiceCallEvent } from '../../src/dialog/voice-call.ts';
import { createLocalRecordingStore, readLocalRecording } from '../../src/recording/local-store.ts';
import type { RecordingStore } from '../../src/recording/types.ts';
import { createCallRecordings, type CallRecordings } from '../../src/transports/call-recording.ts';
import { readStereoWav, rms, tone } from '../recording/read-wav.ts';

const startedAtMs = Date.UTC(2026, 11, 1, 14, 0, 0);
const sampleRate = 8000;
let directory: string;
let key: Uint8Array;
let auditTrail: MemoryAuditTrail;

/** The part of a VoiceCall a recording listens to, driven by the test: events in, `idle` when the agent is done. */
function scriptedCall() {
  const listeners = new Set<(event: VoiceCallEvent) => void>();
  let now = 0;
  const call = {
    subscribe(listener: (event: VoiceCallEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: async () => {},
  } as unknown as VoiceCall;
  const emit = (event: VoiceCallEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  return {
    call,
    timelineMs: () => now,
    at(ms: number) {
      now = ms;
    },
    caller(samples: Int16Array, atMs: number) {
      emit({ type: 'caller-audio', frame: { samples, sampleRate }, atMs });
    },
    agent(samples: Int16Array, atMs: number) {
      emit({ type: 'agent-audio', frame: { samples, sampleRate }, atMs });
    },
    bargeIn(atMs: number) {
      const interruption: Interruption = { atMs, heardMs: atMs, spokenMs: atMs, sentencesHeard: 0, sentencesTotal: 1 };
      emit({ type: 'barge-in', interruption });
    },
    end(reason: EndReason) {
      emit({ type: 'end', reason });
    },
  };
}

function localStore(): RecordingStore {
  return createLocalRecordingStore({ directory: join(directory, 'recordings'), key });
}

async function storedWav(storedKey: string) {
  return readStereoWav(await readLocalRecording({ directory: join(directory, 'recordings'), key }, storedKey));
}

/** Caller speech in 20 ms frames from `fromMs` for `durationMs`, as a transport pushes it. */
function speakFrames(script: ReturnType<typeof scriptedCall>, fromMs: number, durationMs: number): void {
  for (let atMs = fromMs; atMs < fromMs + durationMs; atMs += 20) script.caller(tone(300, sampleRate, 160, 8000, (atMs / 1000) * sampleRate), atMs);
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'frontdesk-call-recording-'));
  key = randomBytes(32);
  auditTrail = createMemoryAuditTrail();
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function record(recordings: CallRecordings, sessionId = 'call-1') {
  const script = scriptedCall();
  recordings.record(script.call, { sessionId, sampleRate, startedAtMs, timelineMs: script.timelineMs });
  return script;
}

describe('call recordings', () => {
  it('puts the caller left and the agent right where each was heard, stores the WAV at the end and audits its key', async () => {
    const recordings = createCallRecordings({ store: localStore(), auditTrail });
    const script = record(recordings);
    script.agent(tone(600, sampleRate, 8000, 8000), 0);
    speakFrames(script, 1500, 1000);
    script.at(3000);
    script.end('completed');
    await recordings.whenIdle();

    const storedKey = 'recordings/2026/12/01/call-1.wav';
    expect(auditTrail.records().map(({ sessionId, action, outcome, detail }) => ({ sessionId, action, outcome, detail }))).toEqual([
      { sessionId: 'call-1', action: 'recording_stored', outcome: 'ok', detail: { key: storedKey } },
    ]);
    const wav = await storedWav(storedKey);
    expect({ channels: wav.channels, sampleRate: wav.sampleRate }).toEqual({ channels: 2, sampleRate });
    expect(wav.left.length).toBe(2.5 * sampleRate);
    // Agent first second, caller from 1.5 s to 2.5 s; each side silent where it did not speak.
    expect(rms(wav.right, 0, sampleRate)).toBeGreaterThan(4000);
    expect(rms(wav.right, sampleRate, 2.5 * sampleRate)).toBe(0);
    expect(rms(wav.left, 0, 1.5 * sampleRate)).toBe(0);
    expect(rms(wav.left, 1.5 * sampleRate, 2.5 * sampleRate)).toBeGreaterThan(4000);
  });

  it('drops the agent audio the caller cut off by barging in', async () => {
    const recordings = createCallRecordings({ store: localStore(), auditTrail });
    const script = record(recordings);
    // Three seconds of reply synthesized at once, queued on the line; the caller comes in at 1.2 s.
    script.agent(tone(600, sampleRate, 3 * sampleRate, 8000), 0);
    speakFrames(script, 1000, 1500);
    script.bargeIn(1200);
    script.agent(tone(600, sampleRate, sampleRate, 8000), 3500);
    script.at(4500);
    script.end('completed');
    await recordings.whenIdle();

    const wav = await storedWav('recordings/2026/12/01/call-1.wav');
    expect(rms(wav.right, 0, 1.2 * sampleRate)).toBeGreaterThan(4000);
    expect(rms(wav.right, 1.2 * sampleRate, 3.5 * sampleRate)).toBe(0);
    expect(rms(wav.right, 3.5 * sampleRate, 4.5 * sampleRate)).toBeGreaterThan(4000);
  });

  it('keeps what was said up to a dropped line and none of the reply still queued behind it', async () => {
    const recordings = createCallRecordings({ store: localStore(), auditTrail });
    const script = record(recordings);
    script.agent(tone(600, sampleRate, 5 * sampleRate, 8000), 0);
    script.at(2000);
    script.end('hangup');
    await recordings.whenIdle();

    const wav = await storedWav('recordings/2026/12/01/call-1.wav');
    expect(wav.right.length).toBe(2 * sampleRate);
    expect(rms(wav.right)).toBeGreaterThan(4000);
    expect(auditTrail.records().at(-1)).toMatchObject({ action: 'recording_stored', outcome: 'ok' });
  });

  it('spools a recording the store refuses, audits it as spooled, and audits it again once it lands', async () => {
    const local = localStore();
    let storeUp = false;
    const flaky: RecordingStore = {
      name: 'flaky',
      put: (recording) => (storeUp ? local.put(recording) : Promise.reject(new Error('connection refused'))),
      ping: () => local.ping(),
    };
    const recordings = createCallRecordings({ store: flaky, spool: { spoolDirectory: join(directory, 'spool'), key, retryDelaysMs: [60_000] }, auditTrail });
    const script = record(recordings);
    speakFrames(script, 0, 500);
    script.at(500);
    script.end('completed');
    await recordings.whenIdle();
    const storedKey = 'recordings/2026/12/01/call-1.wav';
    expect(auditTrail.records().map(({ outcome, detail }) => ({ outcome, detail }))).toEqual([{ outcome: 'spooled', detail: { key: storedKey } }]);

    storeUp = true;
    const drained = await (recordings.store as unknown as { drain(): Promise<{ uploaded: number }> }).drain();
    expect(drained.uploaded).toBe(1);
    expect(auditTrail.records().map(({ outcome, detail }) => ({ outcome, detail }))).toEqual([
      { outcome: 'spooled', detail: { key: storedKey } },
      { outcome: 'ok', detail: { key: storedKey } },
    ]);
    expect(rms((await storedWav(storedKey)).left)).toBeGreaterThan(4000);
    (recordings.store as unknown as { close(): void }).close();
  });

  it('lets shutdown wait for a recording still being stored', async () => {
    const local = localStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: RecordingStore = { name: 'slow', put: async (recording) => (await gate, local.put(recording)), ping: () => local.ping() };
    const recordings = createCallRecordings({ store: slow, auditTrail });
    const script = record(recordings);
    speakFrames(script, 0, 200);
    script.end('completed');
    expect(recordings.pending()).toBe(1);

    let idle = false;
    const waiting = recordings.whenIdle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(recordings.pending()).toBe(0);
    expect(auditTrail.records()).toHaveLength(1);
  });
});
