// Runs a fixture scenario with the kit (src/flow/scenario.ts) on each EHR backend: the embedded SQLite one, a local FHIR server seeded with the same clinic, or the embedded EHR on a local PostgreSQL.
import { afterAll } from 'vitest';
import { runScenario as runWithKit, type Scenario, type ScenarioRun } from '../../src/flow/scenario.ts';
import { startFhirServer } from '../helpers/fhir-server.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

export { loadScenario } from '../../src/flow/scenario.ts';

/** The EHR backends every scenario runs on, with the same expectations. */
export const scenarioBackends = ['sqlite', 'fhir', 'postgres'] as const;
export type ScenarioBackend = (typeof scenarioBackends)[number];

/** On FHIR: test/helpers/fhir-server.ts reached through the FHIR adapter, with its lockouts in a fresh local file. */
export async function runScenario(scenario: Scenario, options: { backend?: ScenarioBackend } = {}): Promise<ScenarioRun> {
  if (options.backend === 'postgres') return runOnPostgres(scenario);
  if (options.backend !== 'fhir') return runWithKit(scenario);
  const fhirServer = await startFhirServer({ now: new Date(scenario.now), timeZone: 'America/New_York' });
  try {
    return await runWithKit(scenario, {
      runtime: { ehr: { backend: 'fhir' as const, fhir: { baseUrl: fhirServer.baseUrl, scope: '', timeoutMs: 5000, specialtyCodes: {} } } },
    });
  } finally {
    await fhirServer.close();
  }
}

let postgres: Promise<PostgresServer> | undefined;

// Registered when a test file imports this module: the file's cluster, if it started one, is stopped after its tests.
afterAll(async () => {
  const started = postgres;
  postgres = undefined;
  if (started) (await started).destroy();
});

/**
 * On PostgreSQL (FRONTDESK_DATABASE_URL): one cluster per test file, started on first use and stopped after its tests;
 * a fresh database per scenario. The audit stays in the kit's file, which the scenario checks.
 */
async function runOnPostgres(scenario: Scenario): Promise<ScenarioRun> {
  postgres ??= startPostgresServer();
  const url = await (await postgres).createDatabase();
  return runWithKit(scenario, { runtime: { database: { url, instanceId: 'scenario', auditInDatabase: false } } });
}
