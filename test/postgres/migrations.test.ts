// Migrations: applied once each when many instances open an empty database at the same moment, recorded by version; a database newer than the code is refused with a message saying so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFrontdeskError } from '../../src/errors.ts';
import { openDatabase } from '../../src/postgres/database.ts';
import { migrations } from '../../src/postgres/migrations.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.destroy());

describe('migrations', () => {
  it('are applied once when eight instances open an empty database together', async () => {
    const url = await server.createDatabase();
    const opened = await Promise.all(Array.from({ length: 8 }, () => openDatabase({ url, maxConnections: 2 })));
    try {
      const { rows } = await opened[0]!.query<{ version: number; count: string }>('SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version');
      expect(rows.map((row) => [row.version, Number(row.count)])).toEqual(migrations.map((migration) => [migration.version, 1]));
    } finally {
      await Promise.all(opened.map((database) => database.close()));
    }
  });

  it('refuses a database migrated by a newer frontdesk, naming the variable and both versions', async () => {
    const url = await server.createDatabase();
    const first = await openDatabase({ url });
    await first.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    await first.close();
    const error = await openDatabase({ url }).catch((caught: unknown) => caught);
    expect(isFrontdeskError(error, 'EHR_UNAVAILABLE')).toBe(true);
    expect(String((error as Error).message)).toMatch(/FRONTDESK_DATABASE_URL.*schema version 999, newer than this frontdesk \(\d+\)/);
  });

  it('reports a database that cannot be reached at start, without the password', async () => {
    const error = await openDatabase({ url: `postgres://frontdesk:s3cret@127.0.0.1:${server.port}/no_such_database`, connectionTimeoutMs: 2000 }).catch((caught: unknown) => caught);
    expect(isFrontdeskError(error, 'EHR_UNAVAILABLE')).toBe(true);
    expect(String((error as Error).message)).toContain('FRONTDESK_DATABASE_URL');
    expect(String((error as Error).message)).not.toContain('s3cret');
  });
});
