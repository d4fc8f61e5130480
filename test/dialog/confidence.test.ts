// A recognizer hearing below the confidence bar cannot hand off, confirm a read-back or spend a verification attempt on a misheard number.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import type { CallSession, SessionEvent } from '../../src/dialog/session.ts';
import { openVoiceTestRuntime } from '../voice/voice-runtime.ts';

let runtime: CallRuntime;
let session: CallSession;
let events: SessionEvent[];

beforeEach(async () => {
  runtime = await openVoiceTestRuntime('frontdesk-confidence-');
  session = runtime.openSession();
  events = [];
  session.subscribe((event) => events.push(event));
  await session.start();
});
afterEach(async () => {
  session.hangUp();
  await runtime.close();
});

const unsure = 0.2;
const agentLines = () => events.flatMap((event) => (event.type === 'agent' ? [event.text] : []));
const tools = () => events.flatMap((event) => (event.type === 'tool' ? [`${event.name}:${event.ok}`] : []));

async function verified(): Promise<void> {
  await session.hear({ text: 'I want to book an appointment' });
  await session.hear({ text: 'Smith' });
  await session.hear({ text: 'January 15 1985' });
  await session.hear({ text: '555 010 1234' });
}

describe('confidence', () => {
  it('reads back a phone number heard without confidence, and a no asks for it again without spending an attempt', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: 'five five five oh one oh one two three five', confidence: unsure });
    expect(agentLines().at(-1)).toBe('I heard the phone number five five five, zero one zero, one two three five. Is that right?');
    expect(tools()).toEqual([]);
    await session.hear({ text: 'no' });
    expect(agentLines().slice(-3)).toEqual([
      'Sorry about that. Let me ask again.',
      "It helps to say it slowly, one digit at a time. You can also type it on your phone's keypad, then press pound.",
      'What is the phone number we have on file for you?',
    ]);
    await session.hear({ text: 'five five five oh one oh one two three four', confidence: unsure });
    await session.hear({ text: 'yes', confidence: unsure });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('takes a correction at the read-back in the same breath', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 1985', confidence: unsure });
    expect(agentLines().at(-1)).toBe('I heard a date of birth of January fifteenth, nineteen eighty-five. Is that right?');
    await session.hear({ text: 'yes' });
    await session.hear({ text: '555 010 1239', confidence: unsure });
    await session.hear({ text: "no, it's 555 010 1234" });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('reads back a correction heard without confidence, with the keypad offered, before it can spend an attempt', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: '555 010 1299', confidence: unsure });
    await session.hear({ text: "no, it's 555 010 1288", confidence: unsure });
    expect(agentLines().slice(-2)).toEqual([
      "It helps to say it slowly, one digit at a time. You can also type it on your phone's keypad, then press pound.",
      'I heard the phone number five five five, zero one zero, one two eight eight. Is that right?',
    ]);
    expect(tools()).toEqual([]);
    await session.hear({ dtmf: '5550101234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('goes on verifying when staff is declined, reading back first a correction the offer cut short instead of spending an attempt on it', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 2009', confidence: unsure });
    await session.hear({ text: "no, it's January 15 2008", confidence: unsure });
    await session.hear({ text: "no, it's January 15 2007", confidence: unsure });
    await session.hear({ text: "no, it's January 15 2006", confidence: unsure });
    expect(agentLines().at(-1)).toBe('Would you like me to connect you with a member of our staff?');
    // Staff declined, verification goes on where it was: the request stands, and the correction is read back first.
    await session.hear({ text: 'no thanks' });
    expect(agentLines().slice(-2)).toEqual(["Okay, let's keep going.", 'I heard a date of birth of January fifteenth, two thousand six. Is that right?']);
    await session.hear({ text: 'no' });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('asks before handing off on a request for a person heard without confidence', async () => {
    await session.hear({ text: 'I want to talk to a real person', confidence: unsure });
    expect(session.state()).toBe('offerHuman');
    expect(agentLines().at(-1)).toBe('Would you like me to connect you with a member of our staff?');
    await session.hear({ text: 'I want to talk to a real person' });
    expect(session.state()).toBe('handoff');
  });

  it('lets a caller who declined staff end the call with "no thanks, bye"', async () => {
    await session.hear({ text: 'I want to talk to a real person', confidence: unsure });
    await session.hear({ text: 'no' });
    expect(agentLines().at(-1)).toMatch(/^How can I help you today\?/);
    await session.hear({ text: 'no thanks, bye' });
    expect(agentLines().at(-1)).toBe('Thank you for calling. Goodbye.');
    expect(session.isEnded()).toBe(true);
  });

  it('checks an unsure yes at the read-back before booking', async () => {
    await verified();
    for (const text of ['cardiology', 'the first one', 'next wednesday', 'nine thirty', 'checkup']) await session.hear({ text });
    expect(agentLines().at(-1)).toMatch(/^To confirm: .*Shall I book it\?$/);
    await session.hear({ text: 'yes', confidence: unsure });
    expect(agentLines().slice(-2)).toEqual(['Sorry, I want to be sure I heard you. You can also press 1 for yes or 2 for no.', expect.stringMatching(/^To confirm:/)]);
    expect(tools()).not.toContain('book_appointment:true');
    await session.hear({ text: 'yes', confidence: 0.9 });
    expect(tools()).toContain('book_appointment:true');
  });

  it('takes a second unsure yes to the same question, and checks the next question afresh', async () => {
    await session.hear({ text: 'I want to cancel my appointment' });
    await session.hear({ text: 'Chen' });
    await session.hear({ text: 'November 2 1990' });
    await session.hear({ text: '555 010 9012' });
    await session.hear({ text: 'the first one' });
    expect(agentLines().at(-1)).toMatch(/^You.d like to cancel .*Is that right\?$/);
    await session.hear({ text: 'yes', confidence: unsure });
    expect(agentLines().at(-2)).toBe('Sorry, I want to be sure I heard you. You can also press 1 for yes or 2 for no.');
    expect(tools()).not.toContain('cancel_appointment:true');
    // Two hearings of yes agree: a caller on a poor line is not asked a third time and then offered staff.
    await session.hear({ text: 'yes', confidence: unsure });
    expect(tools()).toContain('cancel_appointment:true');
    expect(agentLines().at(-1)).toMatch(/anything else/i);
    // The next cancellation's yes is a new question: checked again.
    await session.hear({ text: 'I want to cancel another appointment' });
    await session.hear({ text: 'the first one' });
    await session.hear({ text: 'yes', confidence: unsure });
    expect(agentLines().at(-2)).toBe('Sorry, I want to be sure I heard you. You can also press 1 for yes or 2 for no.');
    expect(tools().filter((tool) => tool === 'cancel_appointment:true')).toHaveLength(1);
  });

  it('asks the year after an unsure month and day, and reads back the whole date an unsure year completes', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'january fifteenth', confidence: unsure });
    // Not "I heard that. Is that right?": nothing whole to read back yet.
    expect(agentLines().at(-1)).toBe('And what year were you born?');
    await session.hear({ text: 'nineteen eighty five', confidence: unsure });
    expect(agentLines().at(-1)).toBe('I heard a date of birth of January fifteenth, nineteen eighty-five. Is that right?');
    await session.hear({ text: 'yes' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('asks the whole date again, not the year, when the month or day is missing, and keys the year when asked for it', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'the fifteenth' });
    expect(agentLines().at(-1)).toBe('What is your date of birth?');
    await session.hear({ text: 'January fifteenth' });
    expect(agentLines().at(-1)).toBe('And what year were you born?');
    await session.hear({ dtmf: '1985' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('lets a whole date heard without confidence replace a stray part, and reads it back', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    // Noise heard as "the eighth": only a day, and the wrong one.
    await session.hear({ text: 'on the eighth', confidence: unsure });
    await session.hear({ text: 'january fifteenth nineteen eighty five', confidence: unsure });
    expect(agentLines().at(-1)).toBe('I heard a date of birth of January fifteenth, nineteen eighty-five. Is that right?');
    await session.hear({ text: 'yes' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('reads back an unsure last name spelled before it can spend an attempt, and takes the spelled correction', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smyth', confidence: unsure });
    expect(agentLines().at(-1)).toBe('I heard the last name Smyth, S, M, Y, T, H. Is that right?');
    await session.hear({ text: "no, it's Smith, S M I T H" });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('offers the keypad, a key per letter, when a last name read back is wrong, and verifies the name keyed', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Lee', confidence: unsure });
    await session.hear({ text: 'no', confidence: unsure });
    expect(agentLines().slice(-3)).toEqual([
      'Sorry about that. Let me ask again.',
      'You can also type your last name on your keypad, pressing the key with each letter, then press pound.',
      'What is your last name?',
    ]);
    await session.hear({ dtmf: '76484' });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:true']);
  });

  it('reads back the whole claim before the last attempt when it was heard, however sure; a correction changes only its field', async () => {
    const sure = 0.9;
    await session.hear({ text: 'I want to book an appointment' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await session.hear({ text: 'Lee', confidence: sure });
      await session.hear({ text: 'January 15 1985', confidence: sure });
      await session.hear({ text: '555 010 1234', confidence: sure });
    }
    expect(tools()).toEqual(['verify_patient:false', 'verify_patient:false']);
    await session.hear({ text: 'Lee', confidence: sure });
    await session.hear({ text: 'January 15 1985', confidence: sure });
    await session.hear({ text: '555 010 1234', confidence: sure });
    expect(agentLines().at(-1)).toBe(
      'I heard the last name Lee, L, E, E, a date of birth of January fifteenth, nineteen eighty-five, and the phone number five five five, zero one zero, one two three four. Is that right?',
    );
    expect(tools()).toHaveLength(2);
    // The name is corrected: the rest is kept and the whole claim read back again.
    await session.hear({ text: "no, it's Smith, S M I T H", confidence: sure });
    expect(agentLines().at(-1)).toMatch(/^I heard the last name Smith, S, M, I, T, H, a date of birth of January fifteenth/);
    await session.hear({ text: 'yes', confidence: sure });
    expect(tools()).toEqual(['verify_patient:false', 'verify_patient:false', 'verify_patient:true']);
    expect(session.state()).not.toBe('lockout');
  });

  it('reads back what was heard of the last claim but not a last name typed on the keypad', async () => {
    const sure = 0.9;
    await session.hear({ text: 'I want to book an appointment' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await session.hear({ dtmf: '533' });
      await session.hear({ text: 'January 15 1985', confidence: sure });
      await session.hear({ text: '555 010 1234', confidence: sure });
    }
    await session.hear({ dtmf: '76484' });
    await session.hear({ text: 'January 15 1985', confidence: sure });
    await session.hear({ text: '555 010 1234', confidence: sure });
    expect(agentLines().at(-1)).toBe(
      'I heard a date of birth of January fifteenth, nineteen eighty-five and the phone number five five five, zero one zero, one two three four. Is that right?',
    );
    await session.hear({ text: 'yes', confidence: sure });
    expect(tools()).toEqual(['verify_patient:false', 'verify_patient:false', 'verify_patient:true']);
  });

  it('does not read back a typed claim before the last attempt', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await session.hear({ text: 'Lee' });
      await session.hear({ text: 'January 15 1985' });
      await session.hear({ text: '555 010 1234' });
    }
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 1985' });
    await session.hear({ text: '555 010 1234' });
    expect(tools()).toEqual(['verify_patient:false', 'verify_patient:false', 'verify_patient:true']);
  });

  it('takes a last name heard with confidence without reading it back', async () => {
    await session.hear({ text: 'I want to book an appointment' });
    await session.hear({ text: 'Smith' });
    expect(agentLines().at(-1)).toBe('What is your date of birth?');
  });

  it('still gives the 911 line on an unsure emergency', async () => {
    await session.hear({ text: "I can't breathe", confidence: unsure });
    expect(session.state()).toBe('emergency');
  });
});
