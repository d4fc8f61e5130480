// /ws/text over a real socket: a whole booking lands in the EHR, concurrent calls stay apart, bad frames get error frames and the call goes on.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PatientId } from '../../src/ehr/types.ts';
import { maxCallerLineBytes } from '../../src/server/routes/text-channel.ts';
import { FrameClient, startTestServer, webSocketUrl, type Frame, type TestServer } from './server-support.ts';

const happyBooking = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/happy-booking.json', import.meta.url), 'utf8')) as { steps: string[] };
const listing = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/list.json', import.meta.url), 'utf8')) as { steps: string[] };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  await server?.runtime.close();
  server = undefined;
});

async function talk(client: FrameClient, lines: string[]): Promise<Frame> {
  await client.next((frame) => frame.type === 'agent', 0);
  for (const line of lines) await client.say(line);
  return client.next((frame) => frame.type === 'end', 0);
}

const toolNames = (client: FrameClient) => client.ofType('tool').map((frame) => `${frame.name}:${frame.ok}`);
const states = (client: FrameClient) => client.ofType('state').map((frame) => frame.value as string);

describe('/ws/text', () => {
  it('books John Smith the cardiology slot he asks for, and the booking is in the EHR', async () => {
    server = await startTestServer({ listen: true });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));

    const end = await talk(client, happyBooking.steps);

    expect(end).toEqual({ type: 'end', reason: 'completed' });
    expect(states(client)).toEqual(expect.arrayContaining(['greeting', 'verification.collecting', 'verified.booking.confirming', 'completed']));
    expect(toolNames(client)).toEqual(['verify_patient:true', 'search_providers:true', 'get_available_slots:true', 'book_appointment:true']);
    for (const tool of client.ofType('tool')) expect(tool.durationMs).toEqual(expect.any(Number));
    const agentLines = client.ofType('agent').map((frame) => frame.text as string);
    expect(agentLines.some((text) => text.startsWith('To confirm: Wednesday, December ninth at nine thirty AM with Dr. Samuel Whitfield'))).toBe(true);
    // Slots arrive masked: the page learns a last name was given, never the name.
    const slotFrames = client.ofType('slots').map((frame) => frame.slots as Record<string, unknown>);
    expect(slotFrames.some((slots) => slots.lastName === '•••')).toBe(true);
    expect(JSON.stringify(slotFrames)).not.toMatch(/Smith|1985|0101234/);
    expect(await client.closed).toEqual({ code: 1000, reason: 'call ended' });

    const appointments = await server.runtime.store.getPatientAppointments({ sessionId: 'test-check', patientId: 'P1001' as PatientId });
    expect(appointments.map(({ providerId, start, reason }) => ({ providerId, start, reason }))).toEqual([
      { providerId: 'D03', start: '2026-12-09T09:30', reason: 'annual checkup' },
    ]);
    const metrics = await server.app.frontdesk.metrics.text();
    expect(metrics).toContain('frontdesk_tool_calls_total{tool="book_appointment",ok="true"} 1');
    expect(metrics).toContain(`frontdesk_turns_total ${happyBooking.steps.length}`);
    expect(metrics).toContain('frontdesk_active_calls 0');
  });

  it('keeps two concurrent calls apart: each its own session, tools and outcome', async () => {
    server = await startTestServer({ listen: true });
    const url = webSocketUrl(server.app, '/ws/text');
    const [booker, lister] = await Promise.all([FrameClient.connect(url), FrameClient.connect(url)]);
    await Promise.all([booker.next((frame) => frame.type === 'agent', 0), lister.next((frame) => frame.type === 'agent', 0)]);
    expect(server.runtime.activeSessions()).toBe(2);

    // Interleave the two callers line by line.
    const longest = Math.max(happyBooking.steps.length, listing.steps.length);
    for (let index = 0; index < longest; index += 1) {
      await Promise.all([
        happyBooking.steps[index] !== undefined ? booker.say(happyBooking.steps[index]!) : undefined,
        listing.steps[index] !== undefined ? lister.say(listing.steps[index]!) : undefined,
      ]);
    }
    const [bookerEnd, listerEnd] = await Promise.all([booker.next((frame) => frame.type === 'end', 0), lister.next((frame) => frame.type === 'end', 0)]);

    expect(bookerEnd.reason).toBe('completed');
    expect(listerEnd.reason).toBe('completed');
    expect(toolNames(booker)).toEqual(['verify_patient:true', 'search_providers:true', 'get_available_slots:true', 'book_appointment:true']);
    expect(toolNames(lister)).toEqual(['verify_patient:true', 'get_patient_appointments:true']);
    expect(states(booker)).not.toContain('verified.listing');
    expect(states(lister).some((state) => state.startsWith('verified.booking'))).toBe(false);
    expect(lister.ofType('agent').some((frame) => /You have 2 upcoming appointments/.test(frame.text as string))).toBe(true);
    expect(booker.ofType('agent').some((frame) => /upcoming appointments/.test(frame.text as string))).toBe(false);
    await vi.waitFor(() => expect(server!.runtime.activeSessions()).toBe(0));
  });

  it('answers malformed frames with error frames and lets the call go on', async () => {
    server = await startTestServer({ listen: true });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));
    await client.next((frame) => frame.type === 'agent', 0);

    expect(await client.say(Buffer.from([1, 2, 3]), { binary: true })).toEqual({
      type: 'error',
      message: 'binary frames are not accepted here: send each caller line as a text frame',
    });
    expect(await client.say('a'.repeat(maxCallerLineBytes + 1))).toEqual({ type: 'error', message: `a caller line may be at most ${maxCallerLineBytes} bytes` });
    expect(await client.say('{"name":"Smith"}')).toEqual({ type: 'error', message: 'unknown field name (use text, dtmf or silence)' });
    expect(await client.say('{"dtmf":"12ab"}')).toEqual({ type: 'error', message: 'dtmf must be keypad digits 0-9, * and #' });
    expect(await client.say('{"text":5}')).toEqual({ type: 'error', message: 'text must be a string' });
    expect(await client.say('[1,2]')).toEqual(expect.objectContaining({ type: 'agent' }));
    // "[1,2]" is not a JSON object, so it is heard as words (not understood); the call is still greeting.
    expect(states(client)).toEqual(['greeting']);

    // The same call continues: the next good line moves it on.
    const reply = await client.say("Hi, I'd like to book an appointment");
    expect(reply.type).toBe('agent');
    await client.next((frame) => frame.type === 'state' && frame.value === 'verification.collecting', 0);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.socket.close();
  });

  it('hangs the session up when the caller closes the socket mid-call', async () => {
    server = await startTestServer({ listen: true });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));
    await client.next((frame) => frame.type === 'agent', 0);
    await client.say("Hi, I'd like to book an appointment");
    expect(server.runtime.activeSessions()).toBe(1);

    client.socket.close();

    await vi.waitFor(() => expect(server!.runtime.activeSessions()).toBe(0));
    await server.runtime.auditTrail.flush();
    const audit = readFileSync(`${server.directory}/audit.jsonl`, 'utf8');
    expect(audit).toContain('"action":"call_ended"');
    expect(audit).toContain('"reason":"hangup"');
  });
});
