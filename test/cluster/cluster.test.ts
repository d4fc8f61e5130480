// Three `frontdesk serve` processes on one PostgreSQL: one lockout from failures spread over all three, one winner among 200 callers racing for a slot, a hand-off transferred by another instance, one audit chain that verifies, and a killed instance whose calls are closed when it restarts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialTwiml, hangupTwiml } from '../../src/server/routes/twilio-voice.ts';
import { startInstance, webSocketOrigin, type FrontdeskInstance } from '../helpers/frontdesk-cluster.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { FrameClient, scenarioNow } from '../server/server-support.ts';

const run = promisify(execFile);
const frontdeskBin = fileURLToPath(new URL('../../bin/frontdesk.js', import.meta.url));
const handoffNumber = '+15550123456';
const auditKey = randomBytes(32).toString('hex');

let postgres: PostgresServer;
let databaseUrl: string;
let database: pg.Pool;
const instances: FrontdeskInstance[] = [];

function startNode(instanceId: string): Promise<FrontdeskInstance> {
  return startInstance({ databaseUrl, instanceId, now: scenarioNow, env: { FRONTDESK_HANDOFF_NUMBER: handoffNumber, FRONTDESK_AUDIT_KEY: auditKey } });
}

beforeAll(async () => {
  postgres = await startPostgresServer();
  databaseUrl = await postgres.createDatabase('frontdesk_cluster');
  database = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // Started together: the migrations and the seeding race, and must happen once.
  instances.push(...(await Promise.all(['node-a', 'node-b', 'node-c'].map(startNode))));
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop().catch(() => {})));
  await database?.end();
  postgres?.destroy();
}, 90_000);

/** Opens a text call on `instance`, waits for the greeting, says each line and waits for the reply to it. */
async function textCall(instance: FrontdeskInstance, lines: readonly string[]): Promise<FrameClient> {
  const client = await FrameClient.connect(webSocketOrigin(instance, '/ws/text'));
  await client.next((frame) => frame.type === 'agent', 0);
  for (const line of lines) await client.say(line);
  return client;
}

async function auditRecords(): Promise<Array<{ sessionId: string; action: string; outcome: string; detail?: Record<string, unknown> }>> {
  const { rows } = await database.query<{ line: string }>('SELECT line FROM audit_records ORDER BY sequence');
  return rows.map((row) => JSON.parse(row.line));
}

async function auditSettled(): Promise<void> {
  // Records are written a moment after they are appended; wait until the chain stops growing.
  let last = -1;
  for (;;) {
    const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM audit_records');
    const count = Number(rows[0]!.count);
    if (count === last) return;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const wrongChenClaim = ['I want to book an appointment', 'Chen', 'January 1st 2000', '555 010 9012'];

describe('three frontdesk instances on one database', () => {
  it('migrated and seeded the database once', async () => {
    const { rows } = await database.query<{ count: string }>("SELECT count(*) FROM appointments WHERE appointment_id LIKE 'A-seed-%'");
    const fixtures = (await import('../../fixtures/ehr/appointments.json', { with: { type: 'json' } })).default as { appointments: unknown[] };
    expect(Number(rows[0]!.count)).toBe(fixtures.appointments.length);
  });

  it('locks a record after failed verifications spread over all three instances', async () => {
    const ends: string[] = [];
    for (const instance of instances) {
      const client = await textCall(instance, wrongChenClaim);
      // The lockout line comes with the end of the call; a mismatch asks again and the call goes on.
      const end = await Promise.race([client.next((frame) => frame.type === 'end', 0), new Promise<undefined>((resolve) => setTimeout(resolve, 1500))]);
      ends.push(end ? String(end.reason) : 'still talking');
      client.socket.close();
      await client.closed;
    }
    // One failure per call: the first two calls go on asking, the third failure (on the third instance) locks the record.
    expect(ends).toEqual(['still talking', 'still talking', 'lockout']);
    // The right details, through the first instance, are refused while the lock lasts.
    const rightful = await textCall(instances[0]!, ['I want to book an appointment', 'Chen', 'November 2nd 1990', '555 010 9012']);
    expect((await rightful.next((frame) => frame.type === 'end', 0)).reason).toBe('lockout');
    await auditSettled();
    expect((await auditRecords()).filter((record) => record.action === 'verification_locked').length).toBeGreaterThanOrEqual(1);
  });

  it('gives one slot to exactly one of 200 callers confirming at once through all three instances', async () => {
    const steps = ["Hi, I'd like to book an appointment", 'my last name is Smith, born January fifteenth nineteen eighty five', 'five five five oh one oh one two three four', 'I need a heart doctor', 'the first one', 'next Wednesday', 'nine thirty', 'annual checkup'];
    // Callers ring over three seconds, as a queue of calls would; what races is the confirmation.
    const callers = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 15));
        return textCall(instances[index % 3]!, steps);
      }),
    );
    // Each line waited only for the first agent frame it produced; a two-line reply's second frame can arrive after the
    // next line went out, so the read-back may still be on its way: wait for it rather than read the last frame so far.
    const confirmation = /^To confirm: Wednesday, December ninth at nine thirty AM/;
    const readBacks = await Promise.all(callers.map((caller) => caller.next((frame) => frame.type === 'agent' && confirmation.test(String(frame.text ?? '')), 0)));
    expect(readBacks).toHaveLength(200);
    for (const caller of callers) expect(caller.frames.filter((frame) => frame.type === 'agent').at(-1)?.text).toMatch(confirmation);
    // Everyone says yes at once.
    const outcomes = await Promise.all(
      callers.map(async (caller) => {
        const from = caller.frames.length;
        caller.socket.send('yes');
        const tool = await caller.next((frame) => frame.type === 'tool' && frame.name === 'book_appointment', from);
        return tool.ok === true;
      }),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    for (const caller of callers) caller.socket.close();
    const { rows } = await database.query<{ count: string }>(
      "SELECT count(*) FROM appointments a JOIN slots s ON s.slot_id = a.slot_id WHERE s.provider_id = 'D03' AND s.start = '2026-12-09T09:30' AND a.status = 'booked'",
    );
    expect(Number(rows[0]!.count)).toBe(1);
  }, 180_000);

  it('transfers a Twilio call handed off on one instance when the after-stream webhook reaches another', async () => {
    const client = new TwilioTestClient({ url: webSocketOrigin(instances[0]!, '/twilio/media') });
    await client.start();
    await client.firstMediaAfter(0);
    client.pressDigit('0');
    client.pressDigit('#');
    expect(await client.closed).toEqual({ code: 1000, reason: 'call ended' });
    const afterStream = (instance: FrontdeskInstance, callSid: string) =>
      fetch(`${instance.origin}/twilio/after-stream`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ CallSid: callSid }) }).then((response) => response.text());
    expect(await afterStream(instances[1]!, client.callSid)).toBe(dialTwiml(handoffNumber));
    expect(await afterStream(instances[2]!, client.callSid)).toBe(dialTwiml(handoffNumber));
    // A call nobody handed off is hung up, wherever its webhook lands.
    expect(await afterStream(instances[1]!, 'CA-never-handed-off')).toBe(hangupTwiml());
  }, 60_000);

  it('keeps one audit chain with calls from all three instances, which frontdesk audit verify accepts', async () => {
    await auditSettled();
    const started = (await auditRecords()).filter((record) => record.action === 'call_started');
    for (const instance of instances) expect(started.some((record) => record.detail?.instance === instance.instanceId)).toBe(true);
    const env = { ...process.env, FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_AUDIT_KEY: auditKey };
    const { stdout } = await run(process.execPath, [frontdeskBin, 'audit', 'verify'], { env });
    expect(stdout).toMatch(/^audit chain in the database intact: \d+ records/);
  });

  it('keeps serving on the other two when one is killed mid-call, and closes its calls in the audit when it restarts', async () => {
    const victim = instances[2]!;
    const openCalls = await Promise.all(Array.from({ length: 4 }, () => textCall(victim, ['I want to see my appointments', 'Garcia'])));
    await auditSettled();
    const victimStarts = (await auditRecords()).filter((record) => record.action === 'call_started' && record.detail?.instance === victim.instanceId).map((record) => record.sessionId);
    await victim.kill();
    await Promise.all(openCalls.map((call) => call.closed));
    // The survivors still take whole calls.
    for (const survivor of instances.slice(0, 2)) {
      const call = await textCall(survivor, ['I want to see my appointments', 'Garcia', 'March 14th 1972', '555 010 5678', 'no thanks']);
      expect((await call.next((frame) => frame.type === 'end', 0)).reason).toBe('completed');
    }
    const restarted = await startNode(victim.instanceId);
    instances[2] = restarted;
    await auditSettled();
    const records = await auditRecords();
    const ended = new Map(records.filter((record) => record.action === 'call_ended').map((record) => [record.sessionId, record.detail?.reason]));
    const crashed = victimStarts.filter((sessionId) => ended.get(sessionId) === 'crashed');
    // The four calls open at the kill are closed as crashed; calls the victim had finished keep their own end.
    expect(crashed).toHaveLength(4);
    expect(victimStarts.every((sessionId) => ended.has(sessionId))).toBe(true);
    const env = { ...process.env, FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_AUDIT_KEY: auditKey };
    const { stdout } = await run(process.execPath, [frontdeskBin, 'audit', 'verify'], { env });
    expect(stdout).toMatch(/intact/);
  }, 180_000);
});
