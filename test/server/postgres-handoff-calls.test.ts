// The Twilio hand-off map in PostgreSQL: a hand-off remembered by one instance is seen by another until it expires, expired rows are swept, and a database that is down falls back to the instance's own memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/postgres/database.ts';
import { createPostgresHandoffCalls } from '../../src/server/postgres-handoff-calls.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.destroy());

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('hand-offs shared in PostgreSQL', () => {
  it('are seen by another instance until they expire, and expired rows are swept', async () => {
    const url = await server.createDatabase();
    const [first, second] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    try {
      const carrying = createPostgresHandoffCalls({ database: first!, memoryMs: 1500 });
      const answering = createPostgresHandoffCalls({ database: second!, memoryMs: 1500 });
      carrying.remember('CA-handed-off');
      await until(async () => answering.isHandoff('CA-handed-off'), 'the hand-off on the other instance');
      expect(await answering.isHandoff('CA-never')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(await answering.isHandoff('CA-handed-off')).toBe(false);
      carrying.remember('CA-later');
      await until(async () => answering.isHandoff('CA-later'), 'the second hand-off');
      const { rows } = await first!.query<{ call_sid: string }>('SELECT call_sid FROM handoff_calls ORDER BY call_sid');
      expect(rows.map((row) => row.call_sid)).toEqual(['CA-later']);
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('answers from the instance that carried the call when the database cannot be read', async () => {
    const url = await server.createDatabase();
    const database = await openDatabase({ url, connectionTimeoutMs: 500 });
    try {
      const handoffs = createPostgresHandoffCalls({ database });
      handoffs.remember('CA-local');
      await until(async () => (await database.query('SELECT 1 FROM handoff_calls')).rowCount === 1, 'the shared row');
      server.stop();
      try {
        expect(await handoffs.isHandoff('CA-local')).toBe(true);
        expect(await handoffs.isHandoff('CA-elsewhere')).toBe(false);
      } finally {
        server.start();
      }
    } finally {
      await database.close();
    }
  });
});
