// Verification lockouts in the shared PostgreSQL: the SQLite EHR's rules (decideVerification over the claim's and the caller's keys), decided on rows read under per-key advisory locks, so failures through any instance count together.
import type { Pool, PoolClient } from 'pg';
import { FrontdeskError } from '../errors.ts';
import type { Database } from '../postgres/database.ts';
import { decideVerification, type LockoutDecision, type LockoutKey, type LockoutPolicy, type LockoutScope, type LockoutStore } from './verification-lockout.ts';

type Change =
  | { kind: 'delete-lock'; key: string }
  | { kind: 'delete-failures-up-to'; key: string; atMs: number }
  | { kind: 'insert-failure'; key: string; atMs: number }
  | { kind: 'upsert-lock'; key: string; untilMs: number }
  | { kind: 'delete-failures'; key: string };

/**
 * A `LockoutStore` over rows already read into memory, recording every change: `decideVerification` runs on it
 * unchanged (it is synchronous), and the changes are then written in the same transaction, in one round trip.
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

/** One statement per change, values as escaped literals: the whole decision is written in one round trip. */
function statementOf(change: Change): string {
  // Keys are our own hashes ("claim:…", "caller:…"); quoted all the same (standard_conforming_strings is on by default).
  const key = `'${change.key.replaceAll("'", "''")}'`;
  switch (change.kind) {
    case 'delete-lock':
      return `DELETE FROM lockout_locks WHERE lock_key = ${key}`;
    case 'delete-failures-up-to':
      return `DELETE FROM lockout_failures WHERE lock_key = ${key} AND failed_at_ms <= ${Math.trunc(change.atMs)}`;
    case 'insert-failure':
      return `INSERT INTO lockout_failures (lock_key, failed_at_ms) VALUES (${key}, ${Math.trunc(change.atMs)})`;
    case 'upsert-lock':
      return `INSERT INTO lockout_locks (lock_key, locked_until_ms) VALUES (${key}, ${Math.trunc(change.untilMs)})
        ON CONFLICT (lock_key) DO UPDATE SET locked_until_ms = excluded.locked_until_ms`;
    case 'delete-failures':
      return `DELETE FROM lockout_failures WHERE lock_key = ${key}`;
  }
}

/**
 * One verification's lockout bookkeeping inside the caller's transaction. A failure first takes a transaction-scoped
 * advisory lock per key (sorted, so two verifications cannot deadlock): failures through several instances at once
 * are counted one at a time. A match is decided on the pool, outside a transaction and without waiting (its only
 * write forgets the claim's failures), so many callers verifying one record do not queue.
 */
export async function decideVerificationInPostgres(
  client: PoolClient | Pool,
  policies: { claims: LockoutPolicy; callers: LockoutPolicy },
  input: { claimKeys: readonly LockoutKey[]; callerKey?: LockoutKey; match: string | undefined; nowMs: number },
): Promise<{ decision: LockoutDecision; lockStarts: Array<{ scope: LockoutScope; untilMs: number }> }> {
  const keys = [...new Set([...input.claimKeys, ...(input.callerKey ? [input.callerKey] : [])].map((key) => key.key))].sort();
  if (input.match === undefined) {
    if (!('release' in client)) throw new Error('a failed verification is decided inside a transaction');
    // One round trip; `keys` is sorted, so the locks are taken in key order.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('frontdesk.lockout:' || key, 0)) FROM unnest($1::text[]) AS key", [keys]);
  }
  const { rows } = await client.query<{ kind: 'lock' | 'failure'; lock_key: string; at_ms: string }>(
    `SELECT 'lock' AS kind, lock_key, locked_until_ms AS at_ms FROM lockout_locks WHERE lock_key = ANY($1)
     UNION ALL SELECT 'failure', lock_key, failed_at_ms FROM lockout_failures WHERE lock_key = ANY($1)`,
    [keys],
  );
  const locks = new Map<string, number>();
  const failures = new Map<string, number[]>();
  for (const row of rows) {
    if (row.kind === 'lock') locks.set(row.lock_key, Number(row.at_ms));
    else failures.set(row.lock_key, [...(failures.get(row.lock_key) ?? []), Number(row.at_ms)]);
  }
  const changes: Change[] = [];
  const outcome = decideVerification(
    { claims: stagedStore(locks, failures, policies.claims, changes), callers: stagedStore(locks, failures, policies.callers, changes) },
    input,
  );
  if (changes.length > 0) await client.query(changes.map(statementOf).join(';\n'));
  return outcome;
}

/** What an EHR needs from a lockout store: one decision per verification (the FHIR EHR's local file has the same shape). */
export interface SharedLockouts {
  decide(input: { claimKeys: readonly LockoutKey[]; callerKey?: LockoutKey; match: string | undefined; nowMs: number }): Promise<{
    decision: LockoutDecision;
    lockStarts: Array<{ scope: LockoutScope; untilMs: number }>;
  }>;
  close(): void;
}

/** Lockouts in the shared database for an EHR that keeps none of its own (FHIR): every instance counts the same failures. */
export function createSharedLockouts(database: Database, policies: { claims: LockoutPolicy; callers: LockoutPolicy }): SharedLockouts {
  return {
    async decide(input) {
      try {
        return input.match !== undefined
          ? await decideVerificationInPostgres(database.pool, policies, input)
          : await database.transaction((client) => decideVerificationInPostgres(client, policies, input));
      } catch (error) {
        throw new FrontdeskError('EHR_UNAVAILABLE', 'verification lockouts could not be read', { cause: error });
      }
    },
    // The pool belongs to the runtime.
    close() {},
  };
}
