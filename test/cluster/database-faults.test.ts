// PostgreSQL restarted under calls in progress: the calls keep talking (a tool call that fails takes the trouble path), /readyz reports the database, and every audit record written while it was away reaches the chain.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, webSocketOrigin, type FrontdeskInstance } from '../helpers/frontdesk-cluster.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';
import { FrameClient, scenarioNow } from '../server/server-support.ts';

const run = promisify(execFile);
const frontdeskBin = fileURLToPath(new URL('../../bin/frontdesk.js', import.meta.url));
const auditKey = randomBytes(32).toString('hex');

let postgres: PostgresServer;
let databaseUrl: string;
let instance: FrontdeskInstance;

beforeAll(async () => {
  postgres = await startPostgresServer();
  databaseUrl = await postgres.createDatabase('frontdesk_faults');
  instance = await startInstance({ databaseUrl, instanceId: 'faults', now: scenarioNow, env: { FRONTDESK_AUDIT_KEY: auditKey } });
}, 180_000);

afterAll(async () => {
  await instance?.stop().catch(() => {});
  postgres?.destroy();
}, 90_000);

async function readiness(): Promise<{ status: number; body: { failed: string[]; checks: Record<string, { ok: boolean }> } }> {
  const response = await fetch(`${instance.origin}/readyz`);
  return { status: response.status, body: (await response.json()) as { failed: string[]; checks: Record<string, { ok: boolean }> } };
}

async function call(lines: readonly string[]): Promise<FrameClient> {
  const client = await FrameClient.connect(webSocketOrigin(instance, '/ws/text'));
  await client.next((frame) => frame.type === 'agent', 0);
  for (const line of lines) await client.say(line);
  return client;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PostgreSQL restarted during calls', () => {
  it('keeps the calls talking, reports the database in /readyz, and loses no audit record', async () => {
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toEqual({ ok: true });

    const verifying = await call(['what appointments do I have']);
    const later = await call(['what appointments do I have']);
    const hangingUp = await call(['I want to book an appointment']);

    postgres.stop();
    try {
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(down.body.failed).toEqual(expect.arrayContaining(['database', 'ehr']));
      // A call still answers what needs no database, and a tool call that fails takes the trouble path.
      await verifying.say('Chen');
      await verifying.say('November 2nd 1990');
      await verifying.say('555-010-9012');
      const end = await verifying.next((frame) => frame.type === 'end', 0);
      expect(end.reason).toBe('handoff');
      expect(verifying.ofType('agent').map((frame) => String(frame.text))).toContain("I'm sorry, I'm having trouble reaching our scheduling system.");
      expect(verifying.ofType('tool')).toEqual([expect.objectContaining({ name: 'verify_patient', ok: false })]);
      const reply = await later.say('Chen');
      expect(reply.type).toBe('agent');
      hangingUp.socket.close();
      await hangingUp.closed;
    } finally {
      postgres.start();
    }

    await until(async () => (await readiness()).status === 200, '/readyz after the restart');
    // The call that waited through the restart finishes its business on the database that came back.
    await later.say('November 2nd 1990');
    await later.say('555-010-9012');
    await later.say('no thanks');
    expect((await later.next((frame) => frame.type === 'end', 0)).reason).toBe('completed');
    expect(later.ofType('tool').map((frame) => `${frame.name}:${frame.ok}`)).toEqual(['verify_patient:true', 'get_patient_appointments:true']);

    // Every call's start and end reached the chain, including those appended while the database was down, and it verifies.
    const database = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      await until(async () => {
        const { rows } = await database.query<{ count: string }>("SELECT count(*) FROM audit_records WHERE record->>'action' = 'call_ended'");
        return Number(rows[0]!.count) === 3;
      }, 'three call_ended records');
      const { rows } = await database.query<{ line: string }>('SELECT line FROM audit_records ORDER BY sequence');
      const records = rows.map((row) => JSON.parse(row.line) as { sessionId: string; action: string; outcome: string; detail?: Record<string, unknown> });
      const sessions = new Set(records.filter((record) => record.action === 'call_started').map((record) => record.sessionId));
      expect(sessions.size).toBe(3);
      for (const sessionId of sessions) expect(records.filter((record) => record.sessionId === sessionId && record.action === 'call_ended')).toHaveLength(1);
      expect(records.map((record) => `${record.action}:${record.outcome}`)).toEqual(expect.arrayContaining(['verify_patient:error', 'verify_patient:verified']));
    } finally {
      await database.end();
    }
    const { stdout } = await run(process.execPath, [frontdeskBin, 'audit', 'verify'], { env: { ...process.env, FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_AUDIT_KEY: auditKey } });
    expect(stdout).toMatch(/intact/);
  }, 120_000);
});
