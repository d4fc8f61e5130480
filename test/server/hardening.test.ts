// What a client cannot do to the server: flood the log with protocol errors, hold a line with an idle socket, or keep a text call open by saying nothing.
import { Writable } from 'node:stream';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';
import { twilioMediaRoute } from '../../src/server/routes/twilio-media.ts';
import { openVoiceTestRuntime } from '../voice/voice-runtime.ts';
import { FrameClient, startTestServer, webSocketUrl, type TestServer } from './server-support.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  await server?.runtime.close();
  server = undefined;
});

/** Collects the server's JSON log lines. */
function logSink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('protocol errors', () => {
  it('are counted in a metric and logged once per connection, at warn, without a stack', async () => {
    const log = logSink();
    server = await startTestServer({ listen: true, logTo: log.stream });
    const url = webSocketUrl(server.app, '/ws/text');
    // One connection sends many unusable messages; the call goes on.
    const client = await FrameClient.connect(url);
    await client.next((frame) => frame.type === 'agent', 0);
    for (let index = 0; index < 20; index += 1) {
      client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      client.socket.send('x'.repeat(5000));
      client.socket.send('{"dtmf": 12}');
    }
    await client.next((frame) => frame.type === 'error' && client.ofType('error').length >= 60, 0);
    // Three connections send a frame over the WebSocket limit (1 MiB) or invalid UTF-8: closed by ws (1009, 1007).
    const bad = [Buffer.alloc(1024 * 1024 + 1, 0x61), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.alloc(2 * 1024 * 1024, 0x61)];
    const codes = await Promise.all(
      bad.map(async (payload) => {
        const socket = new WebSocket(url);
        await new Promise((resolve) => socket.once('open', resolve));
        const code = closed(socket);
        socket.send(payload, { binary: false });
        return code;
      }),
    );
    expect(codes.sort()).toEqual([1007, 1009, 1009]);
    client.socket.close();
    await client.closed;
    await new Promise((resolve) => setTimeout(resolve, 200));

    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    const counted = [...metrics.body.matchAll(/^frontdesk_protocol_errors_total\{route="([^"]+)",kind="([^"]+)"\} (\d+)$/gm)].map((match) => [match[1], match[2], Number(match[3])]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['/ws/text', 'binary', 20],
        ['/ws/text', 'oversized', 20],
        ['/ws/text', 'invalid', 20],
        ['/ws/text', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 2],
        ['/ws/text', 'WS_ERR_INVALID_UTF8', 1],
      ]),
    );
    const lines = log.lines();
    const reported = lines.filter((line) => line.msg?.toString().startsWith('client protocol error'));
    expect(reported.filter((line) => line.level === 40)).toHaveLength(4);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });
});

describe('idle connections', () => {
  it('a text call where nobody types ends with the no-input goodbye after the voice silence budget', async () => {
    server = await startTestServer({ listen: true, overrides: { FRONTDESK_NO_INPUT_MS: '1000' } });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));
    const startedAt = Date.now();
    const end = await client.next((frame) => frame.type === 'end', 0);
    expect(end).toEqual({ type: 'end', reason: 'no-input' });
    // Two re-prompts and the goodbye: three silences of 1 s each.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
    expect(client.ofType('agent').length).toBeGreaterThanOrEqual(3);
    expect((await client.closed).code).toBe(1000);
  }, 30_000);

  it('a typed line restarts the silence budget', async () => {
    server = await startTestServer({ listen: true, overrides: { FRONTDESK_NO_INPUT_MS: '1500' } });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));
    await client.next((frame) => frame.type === 'agent', 0);
    for (let index = 0; index < 3; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await client.say('I want to book an appointment');
    }
    expect(client.ofType('end')).toEqual([]);
    client.socket.close();
  }, 30_000);

  it('a Twilio media socket that never sends start is closed after the start timeout, counted', async () => {
    const runtime = await openVoiceTestRuntime('frontdesk-idle-twilio-');
    const metrics = createServerMetrics({ processMetrics: false });
    const app = Fastify();
    await app.register(websocket);
    // No call ever starts here, so no speech provider is ever asked for anything.
    await app.register(twilioMediaRoute, { runtime, stt: {} as never, tts: {} as never, logger: silentLogger(), metrics, startTimeoutMs: 500 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address() as { port: number };
      const socket = new WebSocket(`ws://127.0.0.1:${address.port}/twilio/media`);
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
      expect(await closed(socket)).toBe(1008);
      expect(await metrics.text()).toMatch(/frontdesk_protocol_errors_total\{route="\/twilio\/media",kind="no-start"\} 1/);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
