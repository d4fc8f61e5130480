// POST /twilio/voice: TwiML that streams to /twilio/media and comes back to /twilio/after-stream, and Twilio's request signature checked when an auth token is configured.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidTwilioSignature, twilioSignature } from '../../src/server/twilio-signature.ts';
import { startTestServer, type TestServer } from './server-support.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  await server?.runtime.close();
  server = undefined;
});

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const callParams = { CallSid: 'CA1234567890ABCDE', From: '+15550100000', To: '+15550109999', AccountSid: 'AC0123' };

describe('Twilio request signature', () => {
  // Twilio's documented example: token 12345, this URL and these parameters.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };

  it('matches an HMAC-SHA1 over the URL and the name-sorted parameters, computed by hand', () => {
    const data = 'https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212';
    const byHand = createHmac('sha1', '12345').update(data).digest('base64');
    expect(byHand).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    // Parameter order as sent must not matter.
    const shuffled = { To: params.To, Digits: params.Digits, CallSid: params.CallSid, From: params.From, Caller: params.Caller };
    expect(twilioSignature('12345', url, shuffled)).toBe(byHand);
  });

  it('accepts only the exact signature', () => {
    expect(isValidTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(isValidTwilioSignature('12345', url, { ...params, Digits: '1235' }, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(isValidTwilioSignature('54321', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(isValidTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ')).toBe(false);
    expect(isValidTwilioSignature('12345', url, params, undefined)).toBe(false);
  });
});

describe('POST /twilio/voice', () => {
  it('connects the call to a wss:// media stream on the public URL, with the after-stream action on the same origin', async () => {
    server = await startTestServer({ overrides: { FRONTDESK_PUBLIC_URL: 'https://clinic.example.org' } });
    const response = await server.app.inject({ method: 'POST', url: '/twilio/voice', headers: formHeaders, payload: form(callParams) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/xml');
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Connect action="https://clinic.example.org/twilio/after-stream"><Stream url="wss://clinic.example.org/twilio/media"><Parameter name="from" value="+15550100000"/></Stream></Connect></Response>\n',
    );
  });

  it('builds the stream URL from the Host header, wss behind a TLS proxy and ws without one', async () => {
    server = await startTestServer();
    const behindProxy = await server.app.inject({
      method: 'POST',
      url: '/twilio/voice',
      headers: { ...formHeaders, host: 'abc123.ngrok.app', 'x-forwarded-proto': 'https' },
      payload: form(callParams),
    });
    expect(behindProxy.body).toContain('<Connect action="https://abc123.ngrok.app/twilio/after-stream"><Stream url="wss://abc123.ngrok.app/twilio/media"><Parameter name="from"');
    const direct = await server.app.inject({ method: 'POST', url: '/twilio/voice', headers: { ...formHeaders, host: 'localhost:3000' }, payload: form(callParams) });
    expect(direct.body).toContain('<Connect action="http://localhost:3000/twilio/after-stream"><Stream url="ws://localhost:3000/twilio/media"><Parameter name="from"');
    const forged = await server.app.inject({ method: 'POST', url: '/twilio/voice', headers: { ...formHeaders, host: 'evil"/><Play>x' }, payload: form(callParams) });
    expect(forged.statusCode).toBe(400);
  });

  it('with TWILIO_AUTH_TOKEN set, answers 200 to a correctly signed request and 403 otherwise', async () => {
    const authToken = 'test-auth-token-0123456789';
    server = await startTestServer({ overrides: { TWILIO_AUTH_TOKEN: authToken, FRONTDESK_PUBLIC_URL: 'https://clinic.example.org' } });
    const sorted = Object.keys(callParams).sort().map((name) => name + callParams[name as keyof typeof callParams]).join('');
    const signature = createHmac('sha1', authToken).update(`https://clinic.example.org/twilio/voice?attempt=1${sorted}`).digest('base64');
    const request = (headers: Record<string, string>, payload = form(callParams)) =>
      server!.app.inject({ method: 'POST', url: '/twilio/voice?attempt=1', headers: { ...formHeaders, ...headers }, payload });

    const signed = await request({ 'x-twilio-signature': signature });
    expect(signed.statusCode).toBe(200);
    expect(signed.body).toContain('<Stream url="wss://clinic.example.org/twilio/media"><Parameter name="from" value="+15550100000"/></Stream></Connect>');

    expect((await request({})).statusCode).toBe(403);
    expect((await request({ 'x-twilio-signature': signature }, form({ ...callParams, From: '+15550100001' }))).statusCode).toBe(403);
    const wrongToken = createHmac('sha1', 'another-token').update(`https://clinic.example.org/twilio/voice?attempt=1${sorted}`).digest('base64');
    const rejected = await request({ 'x-twilio-signature': wrongToken });
    expect(rejected.statusCode).toBe(403);
    expect(rejected.body).not.toContain('<Response>');
  });
});
