// The EHR as a provider: one line per backend, from the configured name (FRONTDESK_EHR) to a factory; nothing registers itself on import.
import { readFileSync } from 'node:fs';
import type { AuditTrail } from '../audit/types.ts';
import type { Clock } from '../clock.ts';
import type { Config, EhrBackendName } from '../config.ts';
import { FrontdeskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Database } from '../postgres/database.ts';
import type { EhrBackend } from './backend.ts';

// The backend types live in backend.ts, so a backend need not import the registry that loads it.
export type { EhrBackend, EhrDiagnosis } from './backend.ts';

export type EhrSettings = Pick<Config, 'ehr' | 'databaseFile'>;

export interface EhrDependencies {
  clock: Clock;
  auditTrail: AuditTrail;
  logger: Logger;
  /** Seed data for a new embedded database; default fixtures/ehr of this checkout. */
  fixturesDir?: string;
  /** The shared PostgreSQL (FRONTDESK_DATABASE_URL): the embedded EHR and its lockouts live there instead of the SQLite file. */
  database?: Database;
}

type EhrFactory = (settings: EhrSettings, dependencies: EhrDependencies) => Promise<EhrBackend>;

// Loaded on use, so a process on one backend never loads the other's code.
const factories: Record<EhrBackendName, EhrFactory> = {
  sqlite: async (settings, { clock, auditTrail, fixturesDir, database }) => {
    if (database) {
      const { createPostgresEhr } = await import('./postgres-ehr.ts');
      const ehr = await createPostgresEhr({ database, clock, auditTrail, ...(fixturesDir ? { fixturesDir } : {}) });
      return { ...ehr, diagnose: async () => ({ backend: 'postgres', endpoint: 'FRONTDESK_DATABASE_URL', authentication: 'the database URL', refusedSearches: [] }) };
    }
    const { createSqliteEhr } = await import('./sqlite-ehr.ts');
    const ehr = createSqliteEhr({ path: settings.databaseFile, clock, auditTrail, ...(fixturesDir ? { fixturesDir } : {}) });
    return { ...ehr, diagnose: async () => ({ backend: 'sqlite', endpoint: settings.databaseFile, authentication: 'none (a local file)', refusedSearches: [] }) };
  },
  fhir: async (settings, { clock, auditTrail, logger, database }) => {
    const fhir = settings.ehr.fhir;
    if (!fhir) throw new FrontdeskError('CONFIG_INVALID', 'FRONTDESK_FHIR_URL is required when FRONTDESK_EHR=fhir');
    const { createFhirEhr } = await import('./fhir/fhir-ehr.ts');
    const { specialtyCodesWith } = await import('./fhir/specialty-codes.ts');
    let smart;
    if (fhir.clientId && fhir.privateKeyFile) {
      let privateKeyPem: string;
      try {
        privateKeyPem = readFileSync(fhir.privateKeyFile, 'utf8');
      } catch (error) {
        throw new FrontdeskError('CONFIG_INVALID', `FRONTDESK_FHIR_PRIVATE_KEY: cannot read ${fhir.privateKeyFile}`, { cause: error });
      }
      smart = {
        clientId: fhir.clientId,
        privateKeyPem,
        scope: fhir.scope,
        ...(fhir.keyId ? { keyId: fhir.keyId } : {}),
        ...(fhir.tokenUrl ? { tokenUrl: fhir.tokenUrl } : {}),
      };
    }
    return createFhirEhr({
      baseUrl: fhir.baseUrl,
      clock,
      lockoutFile: settings.databaseFile,
      auditTrail,
      logger,
      timeoutMs: fhir.timeoutMs,
      specialtyCodes: specialtyCodesWith(fhir.specialtyCodes),
      ...(smart ? { smart } : {}),
      // With FRONTDESK_DATABASE_URL the lockouts are shared by every instance instead of kept in the local file.
      ...(database ? { lockouts: await sharedLockouts(database) } : {}),
    });
  },
};

async function sharedLockouts(database: Database) {
  const { createSharedLockouts } = await import('./postgres-lockout.ts');
  const { defaultCallerLockoutPolicy, defaultLockoutPolicy } = await import('./verification-lockout.ts');
  return createSharedLockouts(database, { claims: defaultLockoutPolicy, callers: defaultCallerLockoutPolicy });
}

/** Opens the configured EHR backend. */
export function openEhr(settings: EhrSettings, dependencies: EhrDependencies): Promise<EhrBackend> {
  return factories[settings.ehr.backend](settings, dependencies);
}
