// Runs a fixture scenario with the kit (src/flow/scenario.ts) on either EHR backend: the embedded SQLite one, or a local FHIR server seeded with the same clinic.
import { runScenario as runWithKit, type Scenario, type ScenarioRun } from '../../src/flow/scenario.ts';
import { startFhirServer } from '../helpers/fhir-server.ts';

export { loadScenario } from '../../src/flow/scenario.ts';

/** The EHR backends every scenario runs on, with the same expectations. */
export const scenarioBackends = ['sqlite', 'fhir'] as const;
export type ScenarioBackend = (typeof scenarioBackends)[number];

/** On FHIR: test/helpers/fhir-server.ts reached through the FHIR adapter, with its lockouts in a fresh local file. */
export async function runScenario(scenario: Scenario, options: { backend?: ScenarioBackend } = {}): Promise<ScenarioRun> {
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
