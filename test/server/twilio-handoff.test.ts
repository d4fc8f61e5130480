// Twilio calls against a listening server: the Media Streams upgrade is refused unless Twilio signed it, and a call that ends in hand-off is transferred to staff by the <Connect> action.
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig, type ConfigOverrides } from '../../src/config.ts';
import type { CallSession } from '../../src/dialog/session.ts';
import type { FrontdeskRoutePlugin } from '../../src/server/app.ts';
import { createHandoffCalls, endsInTransfer } from '../../src/server/handoff-calls.ts';
import { handoffCallsOf } from '../../src/server/server-handoff-calls.ts';
import { twilioMediaRoute } from '../../src/server/routes/twilio-media.ts';
import { dialTwiml, hangupTwiml } from '../../src/server/routes/twilio-voice.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import type { SpeechToText } from '../../src/stt/types.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import type { TextToSpeech } from '../../src/tts/types.ts';
import { rms } from '../recording/read-wav.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { telephoneVoice } from '../transports/media-server.ts';
import { startTestServer, webSocketUrl, type TestServer } from './server-support.ts';

const authToken = 'test-auth-token-0123456789';
const handoffNumber = '+15550123456';
const publicUrl = 'https://clinic.example.org';
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const sign = (url: string, params: Record<string, string> = {}) =>
  createHmac('sha1', authToken)
    .update(url + Object.keys(params).sort().map((name) => name + params[name]).join(''))
    .digest('base64');

interface OpenedCall {
  session: CallSession;
  /** The prompt keys the agent said, in order. */
  replies: string[];
}

interface CallServer extends TestServer {
  calls: OpenedCall[];
  logLines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

let stt: SpeechToText;
let tts: TextToSpeech;

/** A server as `frontdesk serve` builds it (buildApp, core routes, /twilio/media bound to the offline speech), listening on 127.0.0.1. */
async function startCallServer(overrides: ConfigOverrides): Promise<CallServer> {
  const calls: OpenedCall[] = [];
  const logLines: Array<Record<string, unknown>> = [];
  const logTo = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const mediaRoute: FrontdeskRoutePlugin = async (app, context) => {
    const runtime = Object.create(context.runtime, {
      openSession: {
        value: (options?: Parameters<typeof context.runtime.openSession>[0]) => {
          const session = context.runtime.openSession(options);
          const call: OpenedCall = { session, replies: [] };
          session.subscribe((event) => {
            if (event.type === 'agent') call.replies.push(event.key);
          });
          calls.push(call);
          return session;
        },
      },
    }) as typeof context.runtime;
    await twilioMediaRoute(app, { runtime, stt, tts, logger: context.logger, metrics: context.metrics, calls: context.calls, voice: telephoneVoice });
  };
  const server = await startTestServer({ overrides, logTo, listen: true, dependencies: { routes: [mediaRoute] } });
  return {
    ...server,
    calls,
    logLines,
    async close() {
      await server.app.close();
      await server.runtime.close();
      rmSync(server.directory, { recursive: true, force: true });
    },
  };
}

/** Opens a WebSocket upgrade the way Twilio does; resolves with the HTTP status (101 when it became a socket). */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (request, response) => {
      response.resume();
      request.destroy();
      resolve({ status: response.statusCode ?? 0 });
    });
    socket.on('error', reject);
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(() => {
  stt = createPocketSphinxStt();
  tts = createEspeakTts();
});

afterAll(async () => {
  await Promise.all([stt?.close?.(), tts?.close?.()]);
});

describe('the /twilio/media upgrade with TWILIO_AUTH_TOKEN set and FRONTDESK_PUBLIC_URL', () => {
  let server: CallServer;
  beforeAll(async () => {
    server = await startCallServer({ TWILIO_AUTH_TOKEN: authToken, FRONTDESK_PUBLIC_URL: publicUrl });
  });
  afterAll(() => server?.close());

  it('accepts an upgrade signed over the public wss:// URL with no parameters, and the call starts', async () => {
    const url = webSocketUrl(server.app, '/twilio/media');
    const { status, socket } = await upgrade(url, { 'x-twilio-signature': sign('wss://clinic.example.org/twilio/media') });
    expect(status).toBe(101);
    // The accepted socket carries a call: Twilio's start opens a session.
    const opened = server.calls.length;
    socket!.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    socket!.send(
      JSON.stringify({
        event: 'start',
        streamSid: 'MZ0001',
        start: { streamSid: 'MZ0001', callSid: 'CA0001', tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
      }),
    );
    await until(() => server.calls.length > opened, 'the session of the signed call');
    socket!.close(1000);
    expect(await server.calls[opened]!.session.ended).toBe('hangup');
  });

  it('answers 403 before any socket or session exists when the signature is wrong, missing, or made for another URL', async () => {
    const url = webSocketUrl(server.app, '/twilio/media');
    const opened = server.calls.length;
    const wrongToken = createHmac('sha1', 'another-token').update('wss://clinic.example.org/twilio/media').digest('base64');
    expect((await upgrade(url, { 'x-twilio-signature': wrongToken })).status).toBe(403);
    expect((await upgrade(url, {})).status).toBe(403);
    // Signed as an https webhook, or for another path: not this upgrade.
    expect((await upgrade(url, { 'x-twilio-signature': sign('https://clinic.example.org/twilio/media') })).status).toBe(403);
    expect((await upgrade(`${url}?From=%2B15550100000`, { 'x-twilio-signature': sign('wss://clinic.example.org/twilio/media') })).status).toBe(403);
    expect(server.calls.length).toBe(opened);
  });

  it('logs each refusal as a warning with the route, never the URL or its query', async () => {
    const before = server.logLines.length;
    expect((await upgrade(`${webSocketUrl(server.app, '/twilio/media')}?From=%2B15550100000`, { 'x-twilio-signature': 'forged' })).status).toBe(403);
    await until(() => server.logLines.slice(before).some((line) => line.msg === 'Twilio signature did not match'), 'the warning');
    const warning = server.logLines.slice(before).find((line) => line.msg === 'Twilio signature did not match')!;
    expect(warning).toMatchObject({ level: 40, route: '/twilio/media', signaturePresent: true });
    expect(JSON.stringify(server.logLines.slice(before))).not.toContain('15550100000');
  });

  it('checks the after-stream action the same way, over its https URL and form parameters', async () => {
    const params = { CallSid: 'CA0002', AccountSid: 'AC0123', CallStatus: 'in-progress', StreamSid: 'MZ0002' };
    const post = (signature: string | undefined) =>
      server.app.inject({ method: 'POST', url: '/twilio/after-stream', headers: { ...formHeaders, ...(signature ? { 'x-twilio-signature': signature } : {}) }, payload: form(params) });
    const signed = await post(sign('https://clinic.example.org/twilio/after-stream', params));
    expect(signed.statusCode).toBe(200);
    expect(signed.body).toBe(hangupTwiml());
    expect((await post(undefined)).statusCode).toBe(403);
    expect((await post(sign('https://clinic.example.org/twilio/after-stream', { ...params, CallSid: 'CA9999' }))).statusCode).toBe(403);
  });

  it('without FRONTDESK_HANDOFF_NUMBER, warns once at start and hangs up even a handed-off call', async () => {
    const warnings = server.logLines.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('FRONTDESK_HANDOFF_NUMBER is unset'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40 });
    handoffCallsOf(server.app.frontdesk).remember('CA0003');
    const params = { CallSid: 'CA0003', AccountSid: 'AC0123' };
    const response = await server.app.inject({
      method: 'POST',
      url: '/twilio/after-stream',
      headers: { ...formHeaders, 'x-twilio-signature': sign('https://clinic.example.org/twilio/after-stream', params) },
      payload: form(params),
    });
    expect(response.body).toBe(hangupTwiml());
  });
});

describe('the /twilio/media upgrade with TWILIO_AUTH_TOKEN set and no public URL', () => {
  let server: CallServer;
  beforeAll(async () => {
    server = await startCallServer({ TWILIO_AUTH_TOKEN: authToken });
  });
  afterAll(() => server?.close());

  it('takes the signed URL from the Host header: wss:// behind a TLS proxy, ws:// without one', async () => {
    const url = webSocketUrl(server.app, '/twilio/media');
    const { port } = new URL(url);
    const proxied = await upgrade(url, { host: 'abc123.ngrok.app', 'x-forwarded-proto': 'https', 'x-twilio-signature': sign('wss://abc123.ngrok.app/twilio/media') });
    expect(proxied.status).toBe(101);
    proxied.socket!.close(1000);
    const direct = await upgrade(url, { 'x-twilio-signature': sign(`ws://127.0.0.1:${port}/twilio/media`) });
    expect(direct.status).toBe(101);
    direct.socket!.close(1000);
    expect((await upgrade(url, { host: 'abc123.ngrok.app', 'x-twilio-signature': sign('wss://abc123.ngrok.app/twilio/media') })).status).toBe(403);
  });
});

describe('hand-off over Twilio with FRONTDESK_HANDOFF_NUMBER set (no auth token)', () => {
  let server: CallServer;
  beforeAll(async () => {
    server = await startCallServer({ FRONTDESK_HANDOFF_NUMBER: handoffNumber, FRONTDESK_PUBLIC_URL: publicUrl });
  });
  afterAll(() => server?.close());

  const afterStream = (callSid: string) =>
    server.app.inject({ method: 'POST', url: '/twilio/after-stream', headers: formHeaders, payload: form({ CallSid: callSid, AccountSid: 'AC0123', CallStatus: 'in-progress' }) });

  it('accepts an unsigned upgrade, as before', async () => {
    const { status, socket } = await upgrade(webSocketUrl(server.app, '/twilio/media'), {});
    expect(status).toBe(101);
    socket!.close(1000);
  });

  it('streams with a <Connect> action that comes back to /twilio/after-stream', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/twilio/voice', headers: formHeaders, payload: form({ CallSid: 'CA0004' }) });
    expect(response.body).toContain('<Connect action="https://clinic.example.org/twilio/after-stream"><Stream url="wss://clinic.example.org/twilio/media"/></Connect>');
  });

  it('plays the hand-off line to its end, closes the stream, then answers the action with <Dial> to the staff number', async () => {
    const opened = server.calls.length;
    const client = new TwilioTestClient({ url: webSocketUrl(server.app, '/twilio/media') });
    await client.start();
    await client.firstMediaAfter(0);
    // 0 asks for the operator; # sends the digits at once.
    const pressedAt = performance.now();
    client.pressDigit('0');
    client.pressDigit('#');
    const closed = await client.closed;
    const call = server.calls[opened]!;
    expect(await call.session.ended).toBe('handoff');
    expect(call.replies.at(-1)).toBe('handoff');
    expect(closed).toEqual({ code: 1000, reason: 'call ended' });

    // The hand-off line reached the caller: spoken audio after the key press, and the final mark sent after it came back
    // (the simulated line returns a mark only once everything before it has played) before the stream closed.
    const mediaBeforePress = client.received.filter((message) => message.event === 'media' && message.arrivedAtMs <= pressedAt).length;
    const samplesAfterPress = client.mediaPayloads.slice(mediaBeforePress).reduce((sum, payload) => sum + payload.length, 0);
    expect((samplesAfterPress / 8000) * 1000).toBeGreaterThan(1500);
    const lineAudio = client.agentAudio().subarray(-samplesAfterPress);
    expect(rms(lineAudio)).toBeGreaterThan(300);
    expect(client.marksReceived.at(-1)).toBe('call-end');
    expect(client.marksEchoed.at(-1)).toBe('call-end');

    const response = await afterStream(client.callSid);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/xml');
    expect(response.body).toBe(dialTwiml(handoffNumber));
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Dial><Number>+15550123456</Number></Dial></Response>\n');
  }, 30_000);

  it('answers <Hangup/> for a call that ended any other way, and for a call it never saw', async () => {
    const opened = server.calls.length;
    const client = new TwilioTestClient({ url: webSocketUrl(server.app, '/twilio/media') });
    await client.start();
    await client.firstMediaAfter(0);
    await client.hangUp();
    expect(await server.calls[opened]!.session.ended).toBe('hangup');
    expect((await afterStream(client.callSid)).body).toBe(hangupTwiml());
    expect((await afterStream('CA-never-streamed')).body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Hangup/></Response>\n');
  }, 30_000);
});

describe('the hand-off memory', () => {
  it('transfers the end reasons whose last line promises staff, and no other', () => {
    const reasons = ['completed', 'handoff', 'lockout', 'emergency', 'hangup', 'no-input'];
    expect(reasons.filter(endsInTransfer)).toEqual(['handoff', 'lockout']);
  });

  it('forgets a call after the memory time', () => {
    let now = 0;
    const handoffs = createHandoffCalls({ memoryMs: 5 * 60_000, nowMs: () => now });
    handoffs.remember('CA1');
    now = 5 * 60_000 - 1;
    expect(handoffs.isHandoff('CA1')).toBe(true);
    now = 5 * 60_000;
    expect(handoffs.isHandoff('CA1')).toBe(false);
    handoffs.remember('CA2');
    expect(handoffs.size).toBe(1);
  });

  it('holds at most maxEntries calls, forgetting the oldest first', () => {
    const handoffs = createHandoffCalls({ maxEntries: 2 });
    for (const callSid of ['CA1', 'CA2', 'CA3']) handoffs.remember(callSid);
    expect(handoffs.size).toBe(2);
    expect(['CA1', 'CA2', 'CA3'].map((callSid) => handoffs.isHandoff(callSid))).toEqual([false, true, true]);
  });
});

describe('FRONTDESK_HANDOFF_NUMBER', () => {
  it('accepts an E.164 number and refuses anything else, naming the variable', () => {
    expect(loadConfig({}, { FRONTDESK_RECORDINGS: 'none', FRONTDESK_HANDOFF_NUMBER: '+15550123456' }).twilio.handoffNumber).toBe('+15550123456');
    expect(loadConfig({}, { FRONTDESK_RECORDINGS: 'none' }).twilio.handoffNumber).toBeUndefined();
    for (const wrong of ['5550123456', '+1 555 012 3456', '+05550123456', '+1234567890123456', 'sip:staff@example.org']) {
      expect(() => loadConfig({}, { FRONTDESK_RECORDINGS: 'none', FRONTDESK_HANDOFF_NUMBER: wrong })).toThrow(/FRONTDESK_HANDOFF_NUMBER must be an E\.164 phone number/);
    }
  });
});
