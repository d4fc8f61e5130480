// /ws/watch against a server wired as `frontdesk serve` wires it: a Twilio phone call is listed by id and transport, and a watcher following it gets its call-machine and turn-taking states, never what the caller said or keyed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WatchMessage } from '../../src/server/call-watch.ts';
import { offlineSpeechAvailable } from '../../src/stt/offline-speech.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { startVoiceServer, type VoiceServer } from '../helpers/voice-server.ts';
import { callerUtterance } from '../stt/caller-audio.ts';
import { FrameClient } from './server-support.ts';

const speech = offlineSpeechAvailable();
if (!speech.stt || !speech.tts) console.warn(`call watch test skipped: apt install ${speech.missing.join(' ')}`);

/** The only fields a watch message may carry. */
const allowedFields = new Set(['type', 'calls', 'callId', 'transport', 'flow', 'startedAtMs', 'value', 'atMs', 'message']);

function fieldsOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) fieldsOf(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      fieldsOf(inner, into);
    }
  }
  return into;
}

describe.skipIf(!speech.stt || !speech.tts)('/ws/watch', () => {
  let server: VoiceServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startVoiceServer('frontdesk-watch-');
    baseUrl = `ws://127.0.0.1:${server.port}`;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it("lists a Twilio call and streams its states while the caller speaks and keys a birth date and number, without a word, digit or name of them", async () => {
    const watcher = await FrameClient.connect(`${baseUrl}/ws/watch`);
    expect(watcher.frames[0]).toEqual({ type: 'calls', calls: [] });

    const client = new TwilioTestClient({ url: `${baseUrl}/twilio/media`, customParameters: { from: '+15555550100' } });
    await client.start();
    const listed = (await watcher.next((frame) => frame.type === 'calls' && (frame.calls as unknown[]).length === 1)) as Extract<WatchMessage, { type: 'calls' }>;
    const [summary] = listed.calls;
    expect(summary).toEqual({ callId: expect.stringMatching(/^[0-9a-f-]{36}$/), transport: 'twilio', flow: server.runtime.flow.name, startedAtMs: expect.any(Number) });
    const callId = summary!.callId;

    const from = watcher.frames.length;
    watcher.socket.send(JSON.stringify({ watch: callId }));
    await watcher.next((frame) => frame.type === 'turn-state' && String(frame.value).includes('live.agent.speaking'), from);
    await client.waitForAgentToFinish({ sinceMs: 0 });
    for (const text of ['I want to book an appointment', 'my last name is Smith']) {
      const spoken = await client.say((await callerUtterance(text, { voice: 'en-us+klatt', sampleRate: 8000 })).samples);
      await client.waitForAgentToFinish({ sinceMs: spoken.endedAtMs });
    }
    // A birth date and a phone number on the keypad: digits the call log keeps, the watch must not.
    for (const digit of '01151985#') client.pressDigit(digit);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const digit of '5550101234#') client.pressDigit(digit);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await client.hangUp();
    await watcher.next((frame) => frame.type === 'ended' && frame.callId === callId, from);
    await watcher.next((frame) => frame.type === 'calls' && (frame.calls as unknown[]).length === 0, from);

    const followed = watcher.frames.slice(from);
    const states = followed.filter((frame) => frame.type === 'state').map((frame) => frame.value);
    const turnStates = followed.filter((frame) => frame.type === 'turn-state').map((frame) => String(frame.value));
    expect(states[0]).toBe('greeting');
    expect(states).toContain('verification.collecting');
    expect(turnStates.some((value) => value.includes('live.caller.speaking'))).toBe(true);
    expect(turnStates.some((value) => value.includes('live.keypad.entry'))).toBe(true);
    // Ids, transports, flow names, state paths and times: nothing else, and no state path carries a digit.
    expect([...fieldsOf(watcher.frames)].filter((field) => !allowedFields.has(field))).toEqual([]);
    for (const frame of followed.filter((frame) => frame.type === 'state' || frame.type === 'turn-state')) {
      expect(frame.callId).toBe(callId);
      expect(frame.value).toMatch(/^[A-Za-z.+]+$/);
    }
    const text = JSON.stringify(watcher.frames.map(({ callId: _id, atMs: _at, startedAtMs: _started, calls: _calls, ...rest }) => rest)).toLowerCase();
    for (const secret of ['smith', 'appointment', '0115', '1985', '555', '0101234', '+1']) expect(text).not.toContain(secret);
    watcher.socket.close();
  }, 120_000);

  it('answers a message it cannot use with an error and goes on', async () => {
    const watcher = await FrameClient.connect(`${baseUrl}/ws/watch`);
    watcher.socket.send('not json');
    expect(await watcher.next((frame) => frame.type === 'error')).toMatchObject({ message: expect.stringContaining('{"watch"') });
    const from = watcher.frames.length;
    watcher.socket.send(JSON.stringify({ watch: 'no-such-call' }));
    expect(await watcher.next((frame) => frame.type === 'error', from)).toEqual({ type: 'error', message: 'no such live call' });
    expect(watcher.socket.readyState).toBe(WebSocket.OPEN);
    watcher.socket.close();
  });
});
