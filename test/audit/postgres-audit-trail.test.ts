// The audit chain in PostgreSQL: one ordered chain from several instances appending at once, buffered through a database restart, calls closed after a crash, tampering found.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresAuditTrail, readPostgresAuditLines, verifyPostgresAudit } from '../../src/audit/postgres-audit-trail.ts';
import type { AuditRecord } from '../../src/audit/types.ts';
import { openDatabase, type Database } from '../../src/postgres/database.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.destroy());

const key = randomBytes(32);

describe('the audit chain in PostgreSQL', () => {
  const databases: Database[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.close();
  });

  async function pools(count: number): Promise<Database[]> {
    const url = await server.createDatabase();
    const opened = await Promise.all(Array.from({ length: count }, () => openDatabase({ url })));
    databases.push(...opened);
    return opened;
  }

  async function records(database: Database): Promise<AuditRecord[]> {
    return (await readPostgresAuditLines(database)).map((line) => JSON.parse(line) as AuditRecord);
  }

  it('keeps one ordered chain that verifies while three instances append 100 records each at once', async () => {
    const databases = await pools(3);
    const trails = await Promise.all(databases.map((database, index) => openPostgresAuditTrail({ database, instanceId: `instance-${index}`, key })));
    for (let round = 0; round < 50; round += 1) {
      for (const [index, trail] of trails.entries()) {
        trail.append({ sessionId: `call-${index}-${round}`, action: 'call_started', outcome: 'ok' });
        trail.append({ sessionId: `call-${index}-${round}`, action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
      }
      // Let writes interleave between instances.
      if (round % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(trails.map((trail) => trail.close()));
    const chain = await records(databases[0]!);
    expect(chain).toHaveLength(300);
    expect(chain.map((record) => record.sequence)).toEqual(chain.map((_, index) => index));
    for (const index of [0, 1, 2]) expect(chain.filter((record) => record.sessionId.startsWith(`call-${index}-`))).toHaveLength(100);
    const verification = await verifyPostgresAudit(databases[0]!, key);
    expect(verification).toMatchObject({ ok: true, records: 300, problems: [] });
    expect(verification.checkpoints).toBeGreaterThan(0);
  });

  it('buffers records while the database restarts and writes every one, in order, when it is back', async () => {
    const [database] = await pools(1);
    const trail = await openPostgresAuditTrail({ database: database!, instanceId: 'restarting', key, retryMs: 50 });
    for (let index = 0; index < 5; index += 1) trail.append({ sessionId: `before-${index}`, action: 'search_providers', outcome: 'ok' });
    await trail.flush();
    server.stop();
    try {
      for (let index = 0; index < 5; index += 1) trail.append({ sessionId: `during-${index}`, action: 'search_providers', outcome: 'ok' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(trail.pending()).toBe(5);
    } finally {
      server.start();
    }
    await trail.flush();
    expect(trail.pending()).toBe(0);
    await trail.close();
    const chain = await records(database!);
    expect(chain.map((record) => record.sessionId)).toEqual([...[0, 1, 2, 3, 4].map((index) => `before-${index}`), ...[0, 1, 2, 3, 4].map((index) => `during-${index}`)]);
    expect((await verifyPostgresAudit(database!, key)).ok).toBe(true);
  });

  it('closes the calls an instance left open when it comes back, and only its own', async () => {
    const [first, second] = await pools(2);
    const crashed = await openPostgresAuditTrail({ database: first!, instanceId: 'a', key });
    const other = await openPostgresAuditTrail({ database: second!, instanceId: 'b', key });
    crashed.append({ sessionId: 'a-done', action: 'call_started', outcome: 'ok' });
    crashed.append({ sessionId: 'a-open', action: 'call_started', outcome: 'ok' });
    crashed.append({ sessionId: 'a-done', action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
    other.append({ sessionId: 'b-open', action: 'call_started', outcome: 'ok' });
    await Promise.all([crashed.flush(), other.flush()]);
    // Instance "a" dies without closing anything; it starts again on a new connection.
    const again = await openPostgresAuditTrail({ database: first!, instanceId: 'a', key });
    expect(again.crashedCalls).toEqual(['a-open']);
    await again.close();
    const chain = await records(first!);
    expect(chain.at(-1)).toMatchObject({ sessionId: 'a-open', action: 'call_ended', detail: { reason: 'crashed' } });
    expect(chain.filter((record) => record.sessionId === 'b-open' && record.action === 'call_ended')).toEqual([]);
    expect((await verifyPostgresAudit(first!, key)).ok).toBe(true);
    await other.close();
  });

  it('finds a record edited in the table and records removed from the end', async () => {
    const [database] = await pools(1);
    const trail = await openPostgresAuditTrail({ database: database!, instanceId: 'tamper', key });
    for (let index = 0; index < 6; index += 1) {
      trail.append({ sessionId: `call-${index}`, action: 'call_started', outcome: 'ok' });
      trail.append({ sessionId: `call-${index}`, action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
      await trail.flush();
    }
    await trail.close();
    await database!.query(`UPDATE audit_records SET line = replace(line, '"outcome":"ok"', '"outcome":"refused"') WHERE sequence = 3`);
    expect((await verifyPostgresAudit(database!, key)).problems).toContainEqual({ line: 4, problem: 'mac-mismatch' });
    await database!.query(`UPDATE audit_records SET line = replace(line, '"outcome":"refused"', '"outcome":"ok"') WHERE sequence = 3`);
    await database!.query('DELETE FROM audit_records WHERE sequence >= 10');
    expect((await verifyPostgresAudit(database!, key)).problems).toContainEqual({ line: 12, problem: 'truncated' });
    // The wrong key verifies nothing.
    expect((await verifyPostgresAudit(database!, randomBytes(32))).ok).toBe(false);
  });
});
