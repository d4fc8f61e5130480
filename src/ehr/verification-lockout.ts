// Verification lockouts keyed on the claim (last name + phone, last name + birth date) and on the caller's number, never on whether a record exists: no oracle, no locking a family by surname.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/**
 * `maxFailures` failed attempts against one key within `windowMs` lock that key for `windowMs` from the failure
 * that tripped it.
 */
export interface LockoutPolicy {
  maxFailures: number;
  /** ms */
  windowMs: number;
}

/** Per claim: 3 failures in 15 minutes lock the claim for 15 minutes (the usual phone-verification rate limit). */
export const defaultLockoutPolicy: LockoutPolicy = { maxFailures: 3, windowMs: 15 * 60_000 };

/** Per caller number (Twilio `From`): 6 failures in an hour (two calls' worth) throttle that number for an hour. */
export const defaultCallerLockoutPolicy: LockoutPolicy = { maxFailures: 6, windowMs: 60 * 60_000 };

export interface LockoutStore {
  /** Epoch ms until which the key is locked, or undefined when it is open. */
  lockedUntil(key: string, nowMs: number): number | undefined;
  /** Counts one failed attempt; reports a lock that this failure started. */
  recordFailure(key: string, nowMs: number): { lockStartedUntil?: number };
  /** A successful verification forgets earlier failures. */
  clearFailures(key: string): void;
}

const schema = `
CREATE TABLE IF NOT EXISTS lockout_failures (lock_key TEXT NOT NULL, failed_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lockout_failures_by_key ON lockout_failures (lock_key, failed_at_ms);
CREATE TABLE IF NOT EXISTS lockout_locks (lock_key TEXT PRIMARY KEY, locked_until_ms INTEGER NOT NULL);
`;

/** Creates the lockout tables when missing (the embedded EHR's file, or the FHIR EHR's local lockout file). */
export function createLockoutSchema(database: Database): void {
  database.exec(schema);
}

/** Failures counted between two purges of the rows no window can count any more (keys sprayed once each). */
export const purgeEveryFailures = 500;

/** Statements only: the caller wraps each verification in one IMMEDIATE transaction so two processes cannot both miss a count. */
export function createLockoutStore(database: Database, policy: LockoutPolicy): LockoutStore {
  createLockoutSchema(database);
  const selectLock = database.prepare('SELECT locked_until_ms FROM lockout_locks WHERE lock_key = ?');
  const deleteLock = database.prepare('DELETE FROM lockout_locks WHERE lock_key = ?');
  const insertLock = database.prepare(
    `INSERT INTO lockout_locks (lock_key, locked_until_ms) VALUES (?, ?)
     ON CONFLICT (lock_key) DO UPDATE SET locked_until_ms = excluded.locked_until_ms`,
  );
  const insertFailure = database.prepare('INSERT INTO lockout_failures (lock_key, failed_at_ms) VALUES (?, ?)');
  const countFailures = database.prepare('SELECT COUNT(*) AS failures FROM lockout_failures WHERE lock_key = ? AND failed_at_ms > ?');
  const deleteFailures = database.prepare('DELETE FROM lockout_failures WHERE lock_key = ?');
  const deleteStaleFailures = database.prepare('DELETE FROM lockout_failures WHERE lock_key = ? AND failed_at_ms <= ?');
  // Claims sprayed once each are never counted again: every so often, everything out of the window goes.
  const purgeStaleFailures = database.prepare('DELETE FROM lockout_failures WHERE failed_at_ms <= ?');
  const purgeExpiredLocks = database.prepare('DELETE FROM lockout_locks WHERE locked_until_ms <= ?');
  let failuresSincePurge = 0;

  return {
    lockedUntil(key, nowMs) {
      const row = selectLock.get(key) as { locked_until_ms: number } | undefined;
      if (!row) return undefined;
      if (row.locked_until_ms > nowMs) return row.locked_until_ms;
      deleteLock.run(key);
      return undefined;
    },
    recordFailure(key, nowMs) {
      failuresSincePurge += 1;
      if (failuresSincePurge >= purgeEveryFailures) {
        failuresSincePurge = 0;
        purgeStaleFailures.run(nowMs - policy.windowMs);
        purgeExpiredLocks.run(nowMs);
      }
      deleteStaleFailures.run(key, nowMs - policy.windowMs);
      insertFailure.run(key, nowMs);
      const { failures } = countFailures.get(key, nowMs - policy.windowMs) as { failures: number };
      if (failures < policy.maxFailures) return {};
      const until = nowMs + policy.windowMs;
      insertLock.run(key, until);
      // The lock now carries the penalty; the count starts afresh once it expires.
      deleteFailures.run(key);
      return { lockStartedUntil: until };
    },
    clearFailures(key) {
      deleteFailures.run(key);
    },
  };
}

/** What a lockout key stands for, for the audit record (the key itself is a hash: no name, date or phone). */
export type LockoutScope = 'name-and-phone' | 'name-and-birth-date' | 'caller-number';

export interface LockoutKey {
  scope: LockoutScope;
  key: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The keys one claim counts against: what stays fixed while an attacker guesses the third field of one patient.
 * Guessing a birth date keeps name + phone; guessing a phone keeps name + birth date. A patient who shares only the
 * last name (or only a phone) with the claim shares no key. Values are the normalised ones (last-name key, E.164, ISO).
 */
export function claimLockoutKeys(claim: { lastNameKey: string; phone: string; dateOfBirth: string }): LockoutKey[] {
  return [
    { scope: 'name-and-phone', key: `claim:name-phone:${digest(`${claim.lastNameKey}\n${claim.phone}`)}` },
    { scope: 'name-and-birth-date', key: `claim:name-birth-date:${digest(`${claim.lastNameKey}\n${claim.dateOfBirth}`)}` },
  ];
}

/** The key of the number a call comes from (Twilio `From`), when the transport gives one. */
export function callerLockoutKey(callerNumber: string): LockoutKey {
  return { scope: 'caller-number', key: `caller:${digest(callerNumber)}` };
}

export type LockoutDecision = { outcome: 'verified'; patientId: string } | { outcome: 'mismatch' } | { outcome: 'locked'; untilMs: number };

/**
 * One verification's bookkeeping, the same whether or not the claim names a patient: a locked claim key or caller
 * number answers `locked` (even for the right details); otherwise a match verifies and forgets the claim's failures,
 * and a failure counts against every key (claim keys under `claimStore`'s policy, the caller number under
 * `callerStore`'s). `lockStarts` lists the locks this failure started, for the audit trail.
 */
export function decideVerification(
  stores: { claims: LockoutStore; callers: LockoutStore },
  input: { claimKeys: readonly LockoutKey[]; callerKey?: LockoutKey; match: string | undefined; nowMs: number },
): { decision: LockoutDecision; lockStarts: Array<{ scope: LockoutScope; untilMs: number }> } {
  const lockStarts: Array<{ scope: LockoutScope; untilMs: number }> = [];
  const keyed = [
    ...input.claimKeys.map((key) => ({ ...key, store: stores.claims })),
    ...(input.callerKey ? [{ ...input.callerKey, store: stores.callers }] : []),
  ];
  let lockedUntil: number | undefined;
  for (const { key, store } of keyed) {
    const until = store.lockedUntil(key, input.nowMs);
    if (until !== undefined) lockedUntil = Math.max(lockedUntil ?? 0, until);
  }
  // Attempts on a locked key are not counted, so the time told to the caller stays true.
  if (lockedUntil !== undefined) return { decision: { outcome: 'locked', untilMs: lockedUntil }, lockStarts };
  if (input.match !== undefined) {
    // The caller number's count is kept: one's own identity must not reset the throttle between guesses at others.
    for (const { key } of input.claimKeys) stores.claims.clearFailures(key);
    return { decision: { outcome: 'verified', patientId: input.match }, lockStarts };
  }
  for (const { key, scope, store } of keyed) {
    const until = store.recordFailure(key, input.nowMs).lockStartedUntil;
    if (until === undefined) continue;
    lockStarts.push({ scope, untilMs: until });
    lockedUntil = Math.max(lockedUntil ?? 0, until);
  }
  return { decision: lockedUntil === undefined ? { outcome: 'mismatch' } : { outcome: 'locked', untilMs: lockedUntil }, lockStarts };
}
