// Verification lockouts for a remote EHR, kept in a small local SQLite file (a FHIR server has no place for them): the SQLite EHR's rules, in one transaction per decision.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { FrontdeskError } from '../../errors.ts';
import { createLockoutStore, defaultLockoutPolicy, type LockoutPolicy } from '../verification-lockout.ts';

const schema = `
CREATE TABLE IF NOT EXISTS verification_failures (patient_id TEXT NOT NULL, failed_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS verification_failures_by_patient ON verification_failures (patient_id, failed_at_ms);
CREATE TABLE IF NOT EXISTS verification_locks (patient_id TEXT PRIMARY KEY, locked_until_ms INTEGER NOT NULL);
`;

export type LockoutDecision =
  | { outcome: 'verified'; patientId: string }
  | { outcome: 'mismatch' }
  | { outcome: 'locked'; untilMs: number };

export interface LocalLockouts {
  /**
   * One verification's bookkeeping: `match` is the single record the claim matched, if any; `named` every record the
   * claim names by last name. A match on a locked record is locked; a failure counts against every named record that
   * is not locked already. `lockStarts` lists the locks this decision started (for the audit trail).
   */
  decide(match: string | undefined, named: readonly string[], nowMs: number): { decision: LockoutDecision; lockStarts: Array<{ patientId: string; untilMs: number }> };
  close(): void;
}

/** Opens (creating when new) the lockout file; several processes may share it (WAL, busy timeout, IMMEDIATE transactions). */
export function openLocalLockouts(path: string, policy: LockoutPolicy = defaultLockoutPolicy): LocalLockouts {
  let database: Database;
  try {
    database = new BetterSqlite3(path);
    database.pragma('busy_timeout = 5000');
    database.pragma('journal_mode = WAL');
    database.exec(schema);
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `cannot open the verification lockout file ${path} (FRONTDESK_DB)`, { cause: error });
  }
  const store = createLockoutStore(database, policy);

  return {
    decide(match, named, nowMs) {
      const lockStarts: Array<{ patientId: string; untilMs: number }> = [];
      const decision = database
        .transaction((): LockoutDecision => {
          if (match !== undefined) {
            const until = store.lockedUntil(match, nowMs);
            if (until !== undefined) return { outcome: 'locked', untilMs: until };
            store.clearFailures(match);
            return { outcome: 'verified', patientId: match };
          }
          let latest: number | undefined;
          for (const patientId of new Set(named)) {
            let until = store.lockedUntil(patientId, nowMs);
            if (until === undefined) {
              until = store.recordFailure(patientId, nowMs).lockStartedUntil;
              if (until !== undefined) lockStarts.push({ patientId, untilMs: until });
            }
            if (until !== undefined) latest = Math.max(latest ?? 0, until);
          }
          return latest === undefined ? { outcome: 'mismatch' } : { outcome: 'locked', untilMs: latest };
        })
        .immediate();
      return { decision, lockStarts };
    },
    close() {
      if (database.open) database.close();
    },
  };
}
