// FRONTDESK_MAX_CALLS: at the limit every channel turns new calls away (Twilio with a busy line and the transfer), /readyz says so, calls in progress go on.
import { afterEach, describe, expect, it } from 'vitest';
import type { FrontdeskRoutePlugin } from '../../src/server/app.ts';
import { busyLines } from '../../src/server/routes/twilio-voice.ts';
import { openCallSpeech } from '../../src/runtime/build-call.ts';
import { voiceMediaRoutes } from '../../src/server/voice-setup.ts';
import { closeOf, FrameClient, startTestServer, webSocketUrl, type TestServer } from './server-support.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  await server?.runtime.close();
  server = undefined;
});

/** /ws/call and /twilio/media as `frontdesk serve` binds them, on the test server's own runtime and call registry. */
const voiceEndpoints: FrontdeskRoutePlugin = async (app, context) => {
  const speech = await openCallSpeech(context.config, context.runtime, context.logger);
  for (const route of voiceMediaRoutes(context.config, speech)) await route(app, context);
};

const busy = { code: 1013, reason: 'all lines are busy' };

describe('FRONTDESK_MAX_CALLS', () => {
  it('turns new calls away on every channel while the lines are full, and takes them again once a call ends', async () => {
    server = await startTestServer({
      listen: true,
      overrides: { FRONTDESK_MAX_CALLS: '1', FRONTDESK_HANDOFF_NUMBER: '+15550123456' },
      dependencies: { routes: [voiceEndpoints] },
    });
    const { app } = server;
    const first = await FrameClient.connect(webSocketUrl(app, '/ws/text'));
    await first.next((frame) => frame.type === 'agent', 0);

    expect(await closeOf(webSocketUrl(app, '/ws/text'))).toEqual(busy);
    expect(await closeOf(webSocketUrl(app, '/ws/call?sampleRate=16000'))).toEqual(busy);
    expect(await closeOf(webSocketUrl(app, '/twilio/media'))).toEqual(busy);
    const twiml = await app.inject({
      method: 'POST',
      url: '/twilio/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'clinic.example.org' },
      payload: new URLSearchParams({ CallSid: 'CA42', From: '+15550100000' }).toString(),
    });
    expect(twiml.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Say>${busyLines.transfer}</Say><Dial><Number>+15550123456</Number></Dial></Response>\n`);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', failed: ['server'], checks: { server: { ok: false, error: 'AT_CAPACITY' } } });
    const metrics = await app.frontdesk.metrics.text();
    for (const transport of ['text', 'call']) expect(metrics).toContain(`frontdesk_calls_refused_total{transport="${transport}"} 1`);
    expect(metrics).toContain('frontdesk_calls_refused_total{transport="twilio"} 2');

    // The call in progress is not affected.
    expect(await first.say('I want to book an appointment')).toMatchObject({ type: 'agent' });
    first.socket.close();
    await first.closed;
    await expect.poll(() => app.frontdesk.calls.size()).toBe(0);

    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const next = await FrameClient.connect(webSocketUrl(app, '/ws/text'));
    expect(await next.next((frame) => frame.type === 'agent', 0)).toMatchObject({ type: 'agent' });
    expect(await closeOf(webSocketUrl(app, '/ws/call?sampleRate=16000'))).toEqual(busy);
    next.socket.close();
  });

  it('without a hand-off number, Twilio callers hear the busy line and the call ends', async () => {
    server = await startTestServer({ listen: true, overrides: { FRONTDESK_MAX_CALLS: '1' } });
    const { app } = server;
    const first = await FrameClient.connect(webSocketUrl(app, '/ws/text'));
    await first.next((frame) => frame.type === 'agent', 0);
    const twiml = await app.inject({ method: 'POST', url: '/twilio/voice', headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'clinic.example.org' }, payload: 'CallSid=CA43' });
    expect(twiml.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Say>${busyLines.callBack}</Say><Hangup/></Response>\n`);
    first.socket.close();
  });
});
