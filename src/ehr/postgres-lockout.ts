// Per-record verification lockouts in the shared PostgreSQL: the same rules and methods as the SQLite store, awaited, so failures made through any instance count together.
import type { PoolClient } from 'pg';
import type { LockoutPolicy } from './verification-lockout.ts';

/** `LockoutStore` over a transaction's connection; the record key is whatever the verification keys lockouts by. */
export interface PostgresLockoutStore {
  /** Epoch ms until which the record is locked, or undefined when it is open. */
  lockedUntil(recordKey: string, nowMs: number): Promise<number | undefined>;
  /** Counts one failed attempt; reports a lock that this failure started. */
  recordFailure(recordKey: string, nowMs: number): Promise<{ lockStartedUntil?: number }>;
  /** A successful verification forgets earlier failures. */
  clearFailures(recordKey: string): Promise<void>;
}

/**
 * Takes the record's transaction-scoped advisory lock first, so two instances counting a failure on the same record at
 * once are serialised: neither can miss the other's count. The caller runs one verification in one transaction.
 */
export async function lockRecordKeys(client: PoolClient, recordKeys: readonly string[]): Promise<void> {
  // Sorted, so two verifications naming the same records in another order cannot deadlock.
  for (const key of [...new Set(recordKeys)].sort()) {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('frontdesk.verification:' || $1, 0))", [key]);
  }
}

export function createPostgresLockoutStore(client: PoolClient, policy: LockoutPolicy): PostgresLockoutStore {
  return {
    async lockedUntil(recordKey, nowMs) {
      const { rows } = await client.query<{ locked_until_ms: string }>('SELECT locked_until_ms FROM lockout_locks WHERE lock_key = $1', [recordKey]);
      const row = rows[0];
      if (!row) return undefined;
      const until = Number(row.locked_until_ms);
      if (until > nowMs) return until;
      await client.query('DELETE FROM lockout_locks WHERE lock_key = $1', [recordKey]);
      return undefined;
    },
    async recordFailure(recordKey, nowMs) {
      const windowStart = nowMs - policy.windowMs;
      await client.query('DELETE FROM lockout_failures WHERE lock_key = $1 AND failed_at_ms <= $2', [recordKey, windowStart]);
      await client.query('INSERT INTO lockout_failures (lock_key, failed_at_ms) VALUES ($1, $2)', [recordKey, nowMs]);
      const { rows } = await client.query<{ failures: string }>(
        'SELECT COUNT(*) AS failures FROM lockout_failures WHERE lock_key = $1 AND failed_at_ms > $2',
        [recordKey, windowStart],
      );
      if (Number(rows[0]?.failures ?? 0) < policy.maxFailures) return {};
      const until = nowMs + policy.windowMs;
      await client.query(
        `INSERT INTO lockout_locks (lock_key, locked_until_ms) VALUES ($1, $2)
         ON CONFLICT (lock_key) DO UPDATE SET locked_until_ms = excluded.locked_until_ms`,
        [recordKey, until],
      );
      // The lock now carries the penalty; the count starts afresh once it expires.
      await client.query('DELETE FROM lockout_failures WHERE lock_key = $1', [recordKey]);
      return { lockStartedUntil: until };
    },
    async clearFailures(recordKey) {
      await client.query('DELETE FROM lockout_failures WHERE lock_key = $1', [recordKey]);
    },
  };
}
