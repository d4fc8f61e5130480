// Per-record verification lockout kept in the EHR's SQLite file, so it holds across calls and processes.
import type { Database } from 'better-sqlite3';

/**
 * `maxFailures` failed attempts against one record within `windowMs` lock that record for `windowMs` from the failure
 * that tripped it (defaults: 3 in 15 minutes, the usual phone-verification rate limit).
 */
export interface LockoutPolicy {
  maxFailures: number;
  /** ms */
  windowMs: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { maxFailures: 3, windowMs: 15 * 60_000 };

export interface LockoutStore {
  /** Epoch ms until which the record is locked, or undefined when it is open. */
  lockedUntil(patientId: string, nowMs: number): number | undefined;
  /** Counts one failed attempt; reports a lock that this failure started. */
  recordFailure(patientId: string, nowMs: number): { lockStartedUntil?: number };
  /** A successful verification forgets earlier failures. */
  clearFailures(patientId: string): void;
}

/** Statements only: the caller wraps each verification in one IMMEDIATE transaction so two processes cannot both miss a count. */
export function createLockoutStore(database: Database, policy: LockoutPolicy): LockoutStore {
  const selectLock = database.prepare('SELECT locked_until_ms FROM verification_locks WHERE patient_id = ?');
  const deleteLock = database.prepare('DELETE FROM verification_locks WHERE patient_id = ?');
  const insertLock = database.prepare(
    `INSERT INTO verification_locks (patient_id, locked_until_ms) VALUES (?, ?)
     ON CONFLICT (patient_id) DO UPDATE SET locked_until_ms = excluded.locked_until_ms`,
  );
  const insertFailure = database.prepare('INSERT INTO verification_failures (patient_id, failed_at_ms) VALUES (?, ?)');
  const countFailures = database.prepare(
    'SELECT COUNT(*) AS failures FROM verification_failures WHERE patient_id = ? AND failed_at_ms > ?',
  );
  const deleteFailures = database.prepare('DELETE FROM verification_failures WHERE patient_id = ?');
  const deleteStaleFailures = database.prepare('DELETE FROM verification_failures WHERE patient_id = ? AND failed_at_ms <= ?');

  return {
    lockedUntil(patientId, nowMs) {
      const row = selectLock.get(patientId) as { locked_until_ms: number } | undefined;
      if (!row) return undefined;
      if (row.locked_until_ms > nowMs) return row.locked_until_ms;
      deleteLock.run(patientId);
      return undefined;
    },
    recordFailure(patientId, nowMs) {
      deleteStaleFailures.run(patientId, nowMs - policy.windowMs);
      insertFailure.run(patientId, nowMs);
      const { failures } = countFailures.get(patientId, nowMs - policy.windowMs) as { failures: number };
      if (failures < policy.maxFailures) return {};
      const until = nowMs + policy.windowMs;
      insertLock.run(patientId, until);
      // The lock now carries the penalty; the count starts afresh once it expires.
      deleteFailures.run(patientId);
      return { lockStartedUntil: until };
    },
    clearFailures(patientId) {
      deleteFailures.run(patientId);
    },
  };
}
