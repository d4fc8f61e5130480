// Verification lockouts in the shared PostgreSQL: the SQLite EHR's rules (decideVerification over the claim's and the caller's keys), decided on rows read under per-key advisory locks, so failures through any instance count together.
import type { PoolClient } from 'pg';
import { decideVerification, type LockoutDecision, type LockoutKey, type LockoutPolicy, type LockoutScope, type LockoutStore } from './verification-lockout.ts';

type Change =
  | { kind: 'delete-lock'; key: string }
  | { kind: 'delete-failures-up-to'; key: string; atMs: number }
  | { kind: 'insert-failure'; key: string; atMs: number }
  | { kind: 'upsert-lock'; key: string; untilMs: number }
  | { kind: 'delete-failures'; key: string };

/**
 * A `LockoutStore` over rows already read into memory, recording every change: `decideVerification` runs on it
 * unchanged (it is synchronous), and the changes are then written in the same transaction.
 */
function stagedStore(locks: Map<string, number>, failures: Map<string, number[]>, policy: LockoutPolicy, changes: Change[]): LockoutStore {
  return {
    lockedUntil(key, nowMs) {
      const until = locks.get(key);
      if (until === undefined) return undefined;
      if (until > nowMs) return until;
      locks.delete(key);
      changes.push({ kind: 'delete-lock', key });
      return undefined;
    },
    recordFailure(key, nowMs) {
      const windowStart = nowMs - policy.windowMs;
      const kept = (failures.get(key) ?? []).filter((atMs) => atMs > windowStart);
      changes.push({ kind: 'delete-failures-up-to', key, atMs: windowStart });
      kept.push(nowMs);
      changes.push({ kind: 'insert-failure', key, atMs: nowMs });
      failures.set(key, kept);
      if (kept.length < policy.maxFailures) return {};
      const until = nowMs + policy.windowMs;
      locks.set(key, until);
      changes.push({ kind: 'upsert-lock', key, untilMs: until });
      // The lock now carries the penalty; the count starts afresh once it expires.
      failures.delete(key);
      changes.push({ kind: 'delete-failures', key });
      return { lockStartedUntil: until };
    },
    clearFailures(key) {
      failures.delete(key);
      changes.push({ kind: 'delete-failures', key });
    },
  };
}

async function apply(client: PoolClient, change: Change): Promise<void> {
  switch (change.kind) {
    case 'delete-lock':
      await client.query('DELETE FROM lockout_locks WHERE lock_key = $1', [change.key]);
      return;
    case 'delete-failures-up-to':
      await client.query('DELETE FROM lockout_failures WHERE lock_key = $1 AND failed_at_ms <= $2', [change.key, change.atMs]);
      return;
    case 'insert-failure':
      await client.query('INSERT INTO lockout_failures (lock_key, failed_at_ms) VALUES ($1, $2)', [change.key, change.atMs]);
      return;
    case 'upsert-lock':
      await client.query(
        `INSERT INTO lockout_locks (lock_key, locked_until_ms) VALUES ($1, $2)
         ON CONFLICT (lock_key) DO UPDATE SET locked_until_ms = excluded.locked_until_ms`,
        [change.key, change.untilMs],
      );
      return;
    case 'delete-failures':
      await client.query('DELETE FROM lockout_failures WHERE lock_key = $1', [change.key]);
      return;
  }
}

/**
 * One verification's lockout bookkeeping inside the caller's transaction. A failure first takes a transaction-scoped
 * advisory lock per key (sorted, so two verifications cannot deadlock): failures through several instances at once
 * are counted one at a time. A match reads without waiting, so many callers verifying one record do not queue.
 */
export async function decideVerificationInPostgres(
  client: PoolClient,
  policies: { claims: LockoutPolicy; callers: LockoutPolicy },
  input: { claimKeys: readonly LockoutKey[]; callerKey?: LockoutKey; match: string | undefined; nowMs: number },
): Promise<{ decision: LockoutDecision; lockStarts: Array<{ scope: LockoutScope; untilMs: number }> }> {
  const keys = [...new Set([...input.claimKeys, ...(input.callerKey ? [input.callerKey] : [])].map((key) => key.key))].sort();
  if (input.match === undefined) {
    for (const key of keys) await client.query("SELECT pg_advisory_xact_lock(hashtextextended('frontdesk.lockout:' || $1, 0))", [key]);
  }
  const locks = new Map<string, number>();
  for (const row of (await client.query<{ lock_key: string; locked_until_ms: string }>('SELECT lock_key, locked_until_ms FROM lockout_locks WHERE lock_key = ANY($1)', [keys])).rows) {
    locks.set(row.lock_key, Number(row.locked_until_ms));
  }
  const failures = new Map<string, number[]>();
  for (const row of (await client.query<{ lock_key: string; failed_at_ms: string }>('SELECT lock_key, failed_at_ms FROM lockout_failures WHERE lock_key = ANY($1)', [keys])).rows) {
    failures.set(row.lock_key, [...(failures.get(row.lock_key) ?? []), Number(row.failed_at_ms)]);
  }
  const changes: Change[] = [];
  const outcome = decideVerification(
    { claims: stagedStore(locks, failures, policies.claims, changes), callers: stagedStore(locks, failures, policies.callers, changes) },
    input,
  );
  for (const change of changes) await apply(client, change);
  return outcome;
}
