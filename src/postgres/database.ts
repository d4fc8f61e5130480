// The shared PostgreSQL (FRONTDESK_DATABASE_URL): one connection pool per process, migrated at open, with a transaction helper and a ping for /readyz.
import pg from 'pg';
import { FrontdeskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { applyMigrations } from './migrations.ts';

export interface Database {
  readonly pool: pg.Pool;
  /** Runs `work` in one transaction (READ COMMITTED); rolls back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Cheap round trip; throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  logger?: Logger;
  /** Connections at most, default 20 (three instances stay well under PostgreSQL's default 100). */
  maxConnections?: number;
  /** How long a query waits for a connection, ms; default 3000, so a database that is down fails a tool call quickly. */
  connectionTimeoutMs?: number;
  /** Longest statement, ms; default 10,000. */
  statementTimeoutMs?: number;
}

/** The URL with its password replaced, for log lines and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens the pool and applies pending migrations; a database that cannot be reached at start is EHR_UNAVAILABLE. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 20,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 3000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'frontdesk',
  });
  // An idle connection cut by a database restart emits here; without a listener it would crash the process.
  pool.on('error', (error) => options.logger?.warn({ code: (error as { code?: string }).code, message: error.message }, 'database connection lost'));

  const database: Database = {
    pool,
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      // A connection cut while checked out (a restart mid-transaction) errors the query; the event must not crash the process.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // A connection that could not roll back is discarded rather than handed to the next query.
        client.off('error', onError);
        client.release(broken);
      }
    },
    query: (text, values) => pool.query(text, values),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };

  try {
    const client = await pool.connect();
    try {
      const applied = await applyMigrations(client);
      if (applied.length > 0) options.logger?.info({ versions: applied }, 'database migrated');
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new FrontdeskError('EHR_UNAVAILABLE', `cannot open the database ${redactDatabaseUrl(options.url)} (FRONTDESK_DATABASE_URL): ${reason}`, { cause: error });
  }
  return database;
}
