// The package as a library: `import … from 'frontdesk'` runs a flow from a developer's own code, with the kit beside it.
import { describe, expect, it } from 'vitest';
import { exploreFlow, loadFlow, loadScenario, readCallLog, replayCall, runScenario, scenarioDifferences } from 'frontdesk';
import { join } from 'node:path';

describe("import from 'frontdesk'", () => {
  it('loads the scheduling flow, runs a fixture scenario with it and finds no difference', async () => {
    const flow = await loadFlow('scheduling');
    const scenario = loadScenario(join(import.meta.dirname, '../../fixtures/scenarios/happy-booking.json'));
    expect(scenarioDifferences(scenario, await runScenario(scenario, { flow }))).toEqual([]);
    expect(typeof exploreFlow).toBe('function');
    expect([typeof readCallLog, typeof replayCall]).toEqual(['function', 'function']);
  });
});
