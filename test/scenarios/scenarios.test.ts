// Whole calls from fixtures/scenarios/*.json through the text channel, judged by the EHR's final state and the audit file, not only the wording.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
      const transcript = run.events.map((event) => JSON.stringify(event)).join('\n');
      const { expect: wanted } = scenario;

      expect(run.endReason, transcript).toBe(wanted.end);
      expect(run.events.at(-1)).toEqual({ type: 'end', reason: wanted.end });

      const tools = run.events.flatMap((event) => (event.type === 'tool' ? [{ name: event.name, ok: event.ok }] : []));
      let from = 0;
      for (const tool of wanted.tools) {
        const found = tools.findIndex((candidate, index) => index >= from && candidate.name === tool.name && candidate.ok === tool.ok);
        expect(found, `tool ${JSON.stringify(tool)} after #${from}\n${transcript}`).toBeGreaterThanOrEqual(0);
        from = found + 1;
      }
      for (const name of wanted.noTools) expect(tools.map((tool) => tool.name), transcript).not.toContain(name);

      const agentLines = run.events.flatMap((event) => (event.type === 'agent' ? [event.text] : []));
      from = 0;
      for (const pattern of wanted.agentSays) {
        const found = agentLines.findIndex((line, index) => index >= from && new RegExp(pattern, 'i').test(line));
        expect(found, `agent line /${pattern}/ after #${from}\n${transcript}`).toBeGreaterThanOrEqual(0);
        from = found + 1;
      }

      const states = new Set(run.events.flatMap((event) => (event.type === 'state' ? [event.value] : [])));
      for (const state of wanted.states) expect([...states], transcript).toContain(state);

      for (const [patientId, appointments] of Object.entries(wanted.upcoming)) {
        const actual = run.upcoming[patientId]!.map(({ providerId, start, reason }) => ({ providerId, start, ...(appointments.some((a) => a.reason) ? { reason } : {}) }));
        expect(actual.sort((a, b) => a.start.localeCompare(b.start)), `${patientId}\n${transcript}`).toEqual(
          appointments.map(({ providerId, start, reason }) => ({ providerId, start, ...(appointments.some((a) => a.reason) ? { reason } : {}) })),
        );
      }

      expect(run.auditCheck).toMatchObject({ ok: true });
      from = 0;
      for (const record of wanted.audit) {
        const found = run.audit.findIndex(
          (candidate, index) =>
            index >= from &&
            candidate.action === record.action &&
            (record.outcome === undefined || candidate.outcome === record.outcome) &&
            (record.patientId === undefined || candidate.patientId === record.patientId),
        );
        expect(found, `audit ${JSON.stringify(record)} after #${from}\n${run.audit.map((r) => JSON.stringify(r)).join('\n')}`).toBeGreaterThanOrEqual(0);
        from = found + 1;
      }
      const lastCall = run.audit.filter((record) => record.action === 'call_ended').at(-1);
      expect(lastCall?.detail).toEqual({ reason: wanted.end });
      const auditText = JSON.stringify(run.audit);
      for (const value of phiValues) expect(auditText).not.toContain(value);
    });
  }
});
