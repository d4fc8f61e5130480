// Whole calls from fixtures/scenarios/*.json through the text channel, judged by the EHR's final state and the audit file, not only the wording.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioDifferences } from '../../src/flow/scenario.ts';
import { loadScenario, runScenario, scenarioBackends } from './run-scenario.ts';

const directory = join(import.meta.dirname, '../../fixtures/scenarios');
const files = readdirSync(directory).filter((file) => file.endsWith('.json')).sort();

/** PHI of the fixture patients that must never appear in the audit file. */
const phiValues = ['Smith', 'Garcia', 'Chen', '1985-01-15', '1990-11-02', '555-010', '5550101234', '5550109012', 'annual checkup'];

describe('scenarios', () => {
  it('has the acceptance scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(scenarioBackends)('scenarios on the %s EHR', (backend) => {
  for (const file of files) {
    const scenario = loadScenario(join(directory, file));
    it(`${file.replace(/\.json$/, '')}: ${scenario.description}`, async () => {
      const run = await runScenario(scenario, { backend });
      expect(scenarioDifferences(scenario, run)).toEqual([]);
      const auditText = JSON.stringify(run.audit);
      for (const value of phiValues) expect(auditText).not.toContain(value);
    });
  }
});
