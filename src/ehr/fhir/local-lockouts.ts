// Verification lockouts for a remote EHR, kept in a small local SQLite file (a FHIR server has no place for them): the SQLite EHR's rules, in one transaction per decision.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { FrontdeskError } from '../../errors.ts';
import {
  createLockoutSchema,
  createLockoutStore,
  decideVerification,
  defaultCallerLockoutPolicy,
  defaultLockoutPolicy,
  type LockoutDecision,
  type LockoutKey,
  type LockoutPolicy,
  type LockoutScope,
} from '../verification-lockout.ts';

export type { LockoutDecision };

export interface LocalLockouts {
  /**
   * One verification's bookkeeping (`decideVerification`): `match` is the single record the claim matched, if any;
   * the keys are the claim's and the caller number's. `lockStarts` lists the locks this decision started (for the audit).
   */
  decide(input: { claimKeys: readonly LockoutKey[]; callerKey?: LockoutKey; match: string | undefined; nowMs: number }): {
    decision: LockoutDecision;
    lockStarts: Array<{ scope: LockoutScope; untilMs: number }>;
  };
  close(): void;
}

/** Opens (creating when new) the lockout file; several processes may share it (WAL, busy timeout, IMMEDIATE transactions). */
export function openLocalLockouts(
  path: string,
  policy: LockoutPolicy = defaultLockoutPolicy,
  callerPolicy: LockoutPolicy = defaultCallerLockoutPolicy,
): LocalLockouts {
  let database: Database;
  try {
    database = new BetterSqlite3(path);
    database.pragma('busy_timeout = 5000');
    database.pragma('journal_mode = WAL');
    createLockoutSchema(database);
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `cannot open the verification lockout file ${path} (FRONTDESK_DB)`, { cause: error });
  }
  const stores = { claims: createLockoutStore(database, policy), callers: createLockoutStore(database, callerPolicy) };

  return {
    decide(input) {
      return database.transaction(() => decideVerification(stores, input)).immediate();
    },
    close() {
      if (database.open) database.close();
    },
  };
}
