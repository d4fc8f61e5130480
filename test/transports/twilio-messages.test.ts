// Twilio Media Streams wire messages: what is accepted as Twilio sends it, what is refused and why, and what goes back.
import { describe, expect, it } from 'vitest';
import { maxTwilioMessageLength, parseTwilioMessage, twilioClearMessage, twilioMarkMessage, twilioMediaMessage } from '../../src/transports/twilio-messages.ts';

// Shapes as Twilio documents them, ids shortened.
const start = {
  event: 'start',
  sequenceNumber: '1',
  start: {
    accountSid: 'AC123',
    streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
    callSid: 'CA123',
    tracks: ['inbound'],
    customParameters: { FirstName: 'Jane' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
  streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
};
const media = {
  event: 'media',
  sequenceNumber: '3',
  media: { track: 'inbound', chunk: '1', timestamp: '5', payload: 'no+JhoaJjpzSHxAKBgYJDhtEopGKh4aIjZm7JhILBwYIDBc3' },
  streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
};

describe('parseTwilioMessage', () => {
  it.each([
    ['connected', { event: 'connected', protocol: 'Call', version: '1.0.0' }],
    ['start', start],
    ['media', media],
    ['mark', { event: 'mark', sequenceNumber: '4', streamSid: 'MZ1', mark: { name: 'reply-1' } }],
    ['dtmf', { event: 'dtmf', streamSid: 'MZ1', sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '1' } }],
    ['stop', { event: 'stop', sequenceNumber: '5', streamSid: 'MZ1', stop: { accountSid: 'AC123', callSid: 'CA123' } }],
  ])('accepts a %s message as Twilio sends it', (event, message) => {
    const parsed = parseTwilioMessage(JSON.stringify(message));
    expect(parsed.ok && parsed.message.event).toBe(event);
  });

  it('keeps the start fields a call needs, with custom parameters defaulting to none', () => {
    const { customParameters: _dropped, ...withoutParameters } = start.start;
    const parsed = parseTwilioMessage(JSON.stringify({ ...start, start: withoutParameters }));
    expect(parsed.ok && parsed.message.event === 'start' && parsed.message.start).toMatchObject({
      streamSid: start.streamSid,
      callSid: 'CA123',
      customParameters: {},
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    });
  });

  it.each([
    ['text that is not JSON', 'hello', 'not-json'],
    ['an event Twilio may add later', JSON.stringify({ event: 'transcription', streamSid: 'MZ1' }), 'unknown-event'],
    ['a message without an event', JSON.stringify({ streamSid: 'MZ1' }), 'unknown-event'],
    ['a JSON array', '[]', 'unknown-event'],
    ['media whose payload is not base64', JSON.stringify({ ...media, media: { ...media.media, payload: 'no*base64' } }), 'invalid'],
    ['media without a timestamp', JSON.stringify({ ...media, media: { track: 'inbound', payload: 'AAAA' } }), 'invalid'],
    ['a start without the call sid', JSON.stringify({ ...start, start: { ...start.start, callSid: undefined } }), 'invalid'],
    ['a dtmf that is not one key', JSON.stringify({ event: 'dtmf', streamSid: 'MZ1', dtmf: { digit: '12' } }), 'invalid'],
  ])('refuses %s, saying why', (_name, text, rejection) => {
    expect(parseTwilioMessage(text)).toMatchObject({ ok: false, rejection });
  });

  it('refuses a message over 64 KB without parsing it', () => {
    const text = JSON.stringify({ ...media, media: { ...media.media, payload: 'A'.repeat(maxTwilioMessageLength) } });
    expect(parseTwilioMessage(text)).toEqual({ ok: false, rejection: 'oversized' });
  });

  it('names the fields that failed, never their values', () => {
    const parsed = parseTwilioMessage(JSON.stringify({ ...start, start: { ...start.start, callSid: 42, customParameters: { phone: 5551234 } } }));
    expect(parsed).toMatchObject({ ok: false, rejection: 'invalid' });
    const problem = parsed.ok ? '' : (parsed.problem ?? '');
    expect(problem).toContain('start.callSid');
    expect(problem).not.toContain('5551234');
  });
});

describe('outbound Twilio messages', () => {
  it('sends μ-law as base64 media on the stream', () => {
    const message = JSON.parse(twilioMediaMessage('MZ1', new Uint8Array([0xff, 0x7f, 0x00])));
    expect(message).toEqual({ event: 'media', streamSid: 'MZ1', media: { payload: '/38A' } });
  });

  it('names marks and clears the stream', () => {
    expect(JSON.parse(twilioMarkMessage('MZ1', 'reply-2'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'reply-2' } });
    expect(JSON.parse(twilioClearMessage('MZ1'))).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });
});
