// The caller's number (Twilio `From`) reaches verification: a number that keeps failing is throttled across calls, whatever it claims; the TwiML carries it to the stream.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import type { SessionEvent } from '../../src/dialog/session.ts';
import { connectStreamTwiml } from '../../src/server/routes/twilio-voice.ts';
import { callerNumberOf } from '../../src/transports/twilio-messages.ts';
import { openVoiceTestRuntime } from '../voice/voice-runtime.ts';

let runtime: CallRuntime;
beforeEach(async () => {
  runtime = await openVoiceTestRuntime('frontdesk-caller-throttle-');
});
afterEach(async () => {
  await runtime.close();
});

/** One call of three wrong claims, each with another last name (no claim repeats, so no claim key locks). */
async function failingCall(callerNumber: string | undefined, names: string[]): Promise<{ outcomes: string[]; end: string | undefined }> {
  const session = runtime.openSession(callerNumber ? { callerNumber } : {});
  const events: SessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  await session.start();
  await session.hear({ text: 'I want to book an appointment' });
  for (const name of names) {
    if (session.isEnded()) break;
    await session.hear({ text: name });
    await session.hear({ text: 'February 2nd 1960' });
    await session.hear({ text: '555 010 0000' });
  }
  session.hangUp();
  const end = events.flatMap((event) => (event.type === 'end' ? [event.reason] : [])).at(0);
  return { outcomes: events.flatMap((event) => (event.type === 'tool' && event.name === 'verify_patient' ? [String(event.ok)] : [])), end };
}

describe('the caller-number throttle', () => {
  it('locks a number after six failures across two calls, while another number (or none) is not', async () => {
    const from = '+15550199999';
    expect(await failingCall(from, ['Garcia', 'Chen', 'Khan'])).toMatchObject({ outcomes: ['false', 'false', 'false'], end: 'lockout' });
    expect(await failingCall(from, ['Johnson', 'Zorblatt', 'Quill'])).toMatchObject({ outcomes: ['false', 'false', 'false'], end: 'lockout' });
    // Third call from that number: the right details are refused at the first try.
    const third = runtime.openSession({ callerNumber: from });
    const events: SessionEvent[] = [];
    third.subscribe((event) => events.push(event));
    await third.start();
    for (const text of ['what appointments do I have', 'Chen', 'November 2nd 1990', '555 010 9012']) await third.hear({ text });
    expect(events.find((event) => event.type === 'end')).toEqual({ type: 'end', reason: 'lockout' });
    // The same patient from another number verifies.
    const other = runtime.openSession({ callerNumber: '+15550188888' });
    const otherEvents: SessionEvent[] = [];
    other.subscribe((event) => otherEvents.push(event));
    await other.start();
    for (const text of ['what appointments do I have', 'Chen', 'November 2nd 1990', '555 010 9012']) await other.hear({ text });
    expect(otherEvents.some((event) => event.type === 'tool' && event.name === 'verify_patient' && event.ok)).toBe(true);
    other.hangUp();
  });

  it('passes the webhook From to the media stream as a parameter, and reads it back only when it is E.164', () => {
    expect(connectStreamTwiml('wss://example.org/twilio/media', undefined, { from: '+15550199999' })).toContain(
      '<Stream url="wss://example.org/twilio/media"><Parameter name="from" value="+15550199999"/></Stream>',
    );
    const start = (from?: string) => ({ streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: from ? { from } : {} });
    expect(callerNumberOf(start('+15550199999') as never)).toBe('+15550199999');
    expect(callerNumberOf(start('anonymous') as never)).toBeUndefined();
    expect(callerNumberOf(start() as never)).toBeUndefined();
  });
});
