// What every call of one process shares (the EHR behind its guard, the audit trail, the clock, understanding) and how a new call session is opened on it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createFileAuditTrail, type CheckpointSink } from '../audit/file-audit-trail.ts';
import type { AuditTrail } from '../audit/types.ts';
import type { Database } from '../postgres/database.ts';
import { createClock, type Clock } from '../clock.ts';
import { protectEhr } from '../ehr/protected.ts';
import type { GuardedEhr } from '../ehr/guard.ts';
import { openEhr, type EhrBackend, type EhrSettings } from '../ehr/registry.ts';
import { loadFlow } from '../flow/catalogue.ts';
import type { Flow } from '../flow/types.ts';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { Phraser } from '../llm/phraser.ts';
import type { Logger } from '../log.ts';
import { createRuleExtractor } from '../understanding/rule-extractor.ts';
import type { Expectation, Extractor } from '../understanding/types.ts';
import { createCallSession, type CallSession, type CallSessionOptions } from './session.ts';

export interface CallRuntimeOptions {
  /** SQLite file of the embedded EHR (seeded from fixtures when new), or ':memory:'; with a FHIR EHR, its verification lockouts. */
  databaseFile: string;
  /** Which EHR backend (FRONTDESK_EHR); default the embedded SQLite one. */
  ehr?: EhrSettings['ehr'];
  /** JSON-lines audit file; its chain is verified since the last checkpoint and continued (or a new segment begun). */
  auditFile: string;
  /** FRONTDESK_AUDIT_KEY (64 hex); unset = the 0600 `audit.key` beside the audit file, generated when new. */
  auditKey?: string;
  /** Where signed audit checkpoints go besides the local checkpoint file (S3 objects). */
  auditCheckpointSinks?: CheckpointSink[];
  /**
   * FRONTDESK_DATABASE_URL: the embedded EHR and its lockouts on the shared PostgreSQL, and (unless `auditInDatabase` is
   * false) the audit chain in its table; the hand-off map of a server uses it too. Unset: SQLite and files.
   */
  database?: { url: string; instanceId: string; auditInDatabase?: boolean };
  /** Clinic IANA time zone. Default "America/New_York". */
  timeZone?: string;
  /** Fixes the clinic clock's start (reproducible slots and "next Tuesday"); unset = real time. */
  now?: Date;
  logger: Logger;
  /** Default: the rule-based extractor. */
  extractor?: Extractor;
  phraser?: Phraser;
  /** Seed data for a new database; default fixtures/ehr of this checkout. */
  fixturesDir?: string;
  /** How long a turn may wait for tools, ms. */
  turnTimeoutMs?: number;
  /** The flow every call runs; default: the catalogue's default (flows/index.ts). */
  flow?: Flow;
}

export interface CallRuntime {
  /** The flow every call of this runtime runs. */
  readonly flow: Flow;
  readonly clock: Clock;
  /** The EHR every session uses: verified-only PHI calls, every call audited. */
  readonly ehr: GuardedEhr;
  /** The configured backend underneath (SQLite or FHIR), for readiness checks and scenario assertions. */
  readonly store: EhrBackend;
  readonly auditTrail: AuditTrail;
  /** The shared PostgreSQL when FRONTDESK_DATABASE_URL is set (readiness, hand-offs). */
  readonly database?: Database;
  readonly vocabulary: NonNullable<Expectation['vocabulary']>;
  /** Last names the EHR knows, for the offline recogniser's grammar (kept in-process, never logged). */
  readonly patientLastNames: string[];
  readonly logger: Logger;
  /** Opens a session (on the runtime's flow unless `flow` names another); its verification grant is dropped when the call ends. */
  openSession(options?: Pick<CallSessionOptions, 'sessionId' | 'replies' | 'turnTimeoutMs' | 'trace' | 'callerNumber'> & { flow?: Flow }): CallSession;
  /** Sessions still running. */
  activeSessions(): number;
  close(): Promise<void>;
}

function openOrExplain<T>(what: string, path: string, open: () => T): T {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return open();
  } catch (error) {
    if (isFrontdeskError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FrontdeskError('CONFIG_INVALID', `cannot open the ${what} ${path}: ${reason}`, { cause: error });
  }
}

/** The audit chain in the shared database; calls this instance left open in a crash are closed in it first. */
async function openSharedAuditTrail(database: Database, instanceId: string, clock: Clock, logger: Logger, keyHex: string | undefined): Promise<AuditTrail> {
  const { openPostgresAuditTrail } = await import('../audit/postgres-audit-trail.ts');
  return openPostgresAuditTrail({ database, instanceId, clock, logger, ...(keyHex !== undefined ? { key: Buffer.from(keyHex, 'hex') } : {}) });
}

export async function openCallRuntime(options: CallRuntimeOptions): Promise<CallRuntime> {
  const clock = createClock({ timeZone: options.timeZone ?? 'America/New_York', ...(options.now ? { startAt: options.now } : {}) });
  // Loaded on use: a process on SQLite and files never loads the Postgres client.
  const database = options.database ? await (await import('../postgres/database.ts')).openDatabase({ url: options.database.url, logger: options.logger }) : undefined;
  const auditTrail =
    database && options.database && options.database.auditInDatabase !== false
      ? await openSharedAuditTrail(database, options.database.instanceId, clock, options.logger, options.auditKey)
      : openOrExplain('audit file', options.auditFile, () =>
          createFileAuditTrail(options.auditFile, {
            clock,
            ...(options.auditKey !== undefined ? { keyHex: options.auditKey } : {}),
            ...(options.auditCheckpointSinks ? { checkpointSinks: options.auditCheckpointSinks } : {}),
            // Kinds and positions only: the break is named in the trail itself too.
            onBreak: (found) => options.logger.warn({ problem: found.problem, line: found.line }, 'audit chain broken at start; a new segment begins after it'),
          }),
        );
  let store: EhrBackend;
  try {
    store = await openOrExplain('EHR database', options.databaseFile, () =>
      openEhr(
        { ehr: options.ehr ?? { backend: 'sqlite' }, databaseFile: options.databaseFile },
        { clock, auditTrail, logger: options.logger, ...(options.fixturesDir ? { fixturesDir: options.fixturesDir } : {}), ...(database ? { database } : {}) },
      ),
    );
  } catch (error) {
    await auditTrail.close();
    await database?.close();
    throw error;
  }
  const ehr = protectEhr(store, { auditTrail });
  const { locations, providerNames } = await store.listVocabulary();
  const patientLastNames = await store.listPatientLastNames();
  const extractor = options.extractor ?? createRuleExtractor();
  const flow = options.flow ?? (await loadFlow());
  const sessions = new Set<string>();

  return {
    flow,
    clock,
    ehr,
    store,
    auditTrail,
    ...(database ? { database } : {}),
    vocabulary: { locations, providerNames },
    patientLastNames,
    logger: options.logger,
    openSession(sessionOptions = {}) {
      const session = createCallSession({
        flow,
        ehr,
        extractor,
        clock,
        auditTrail,
        logger: options.logger,
        vocabulary: { locations, providerNames },
        ...(options.phraser ? { phraser: options.phraser } : {}),
        ...(options.turnTimeoutMs ? { turnTimeoutMs: options.turnTimeoutMs } : {}),
        ...sessionOptions,
      });
      sessions.add(session.sessionId);
      void session.ended.then(() => {
        ehr.endSession(session.sessionId);
        sessions.delete(session.sessionId);
      });
      return session;
    },
    activeSessions: () => sessions.size,
    async close() {
      await store.close();
      await auditTrail.close();
      await database?.close();
    },
  };
}
