// The refill flow and the clinic line: whole refill calls judged by the EHR rows and the audit chain, the gating proof and loop check over both, a leaky variant caught, old databases migrated, a backend without refills refusing clearly.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/clock.ts';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { protectEhr } from '../../src/ehr/protected.ts';
import { createSqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import type { Ehr, PatientId } from '../../src/ehr/types.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { pathsCommand } from '../../src/flow/paths-command.ts';
import { loadScenario, runScenario, scenarioDifferences } from '../../src/flow/scenario.ts';
import { runCommand } from '../helpers/run-command.ts';

const directory = join(import.meta.dirname, '../../fixtures/scenarios/refill');
const files = readdirSync(directory).filter((file) => file.endsWith('.json')).sort();
/** PHI that must never reach the audit file: names, birth dates, phones, and which medications a patient takes. */
const phiValues = ['Smith', 'Garcia', 'Chen', '1985-01-15', '1972-03-14', '555-010', 'lisinopril', 'atorvastatin', 'oxycodone', 'metformin'];

function rows(databaseFile: string, sql: string): unknown[] {
  const database = new BetterSqlite3(databaseFile, { readonly: true });
  try {
    return database.prepare(sql).all();
  } finally {
    database.close();
  }
}

/** What each refill scenario must leave in the EHR, beyond its own expectations. */
const ehrRows: Record<string, { refills: unknown[]; messages: unknown[] }> = {
  'john-smith-lisinopril.json': { refills: [{ patient_id: 'P1001', medication_id: 'M-P1001-1', pharmacy_id: 'RX01', status: 'requested' }], messages: [] },
  'john-smith-another-pharmacy.json': { refills: [{ patient_id: 'P1001', medication_id: 'M-P1001-2', pharmacy_id: 'RX03', status: 'requested' }], messages: [] },
  'maria-garcia-controlled.json': { refills: [], messages: [{ patient_id: 'P1002', medication_id: 'M-P1002-2', topic: 'controlled-refill' }] },
  'wei-chen-no-medications.json': { refills: [], messages: [] },
  'clinic-books-then-refills.json': { refills: [{ patient_id: 'P1001', medication_id: 'M-P1001-1', pharmacy_id: 'RX01', status: 'requested' }], messages: [] },
};

describe('refill calls (fixtures/scenarios/refill)', () => {
  it('has a scenario with EHR expectations for each file', () => {
    expect(files).toEqual(Object.keys(ehrRows).sort());
  });

  for (const file of files) {
    const scenario = loadScenario(join(directory, file));
    it(`${file.replace(/\.json$/, '')}: ${scenario.description}`, async () => {
      const run = await runScenario(scenario);
      expect(scenarioDifferences(scenario, run)).toEqual([]);
      expect(run.auditCheck.ok).toBe(true);
      const database = join(run.directory, 'ehr.db');
      expect(rows(database, 'SELECT patient_id, medication_id, pharmacy_id, status FROM refill_requests')).toEqual(ehrRows[file]!.refills);
      expect(rows(database, 'SELECT patient_id, medication_id, topic FROM care_team_messages')).toEqual(ehrRows[file]!.messages);
      const auditText = JSON.stringify(run.audit);
      for (const value of phiValues) expect(auditText).not.toContain(value);
    }, 60_000);
  }

  it('never writes a refill request for a controlled substance, even when asked directly', async () => {
    const auditTrail = createMemoryAuditTrail();
    const clock = createClock({ timeZone: 'America/New_York', startAt: new Date('2026-12-01T09:00:00-05:00') });
    const ehr = protectEhr(createSqliteEhr({ path: ':memory:', clock }), { auditTrail });
    const verified = await ehr.verifyPatient({ lastName: 'Garcia', dateOfBirth: '1972-03-14', phone: '+15550105678' }, { sessionId: 's1' });
    expect(verified.outcome).toBe('verified');
    const session = { sessionId: 's1', patientId: 'P1002' as PatientId };
    const list = await ehr.getMedications!(session);
    expect(list.medications.map((medication) => [medication.name, medication.controlled])).toEqual([['metformin', false], ['oxycodone', true]]);
    const oxycodone = list.medications.find((medication) => medication.controlled)!;
    await expect(ehr.requestRefill!(session, { medicationId: oxycodone.medicationId, pharmacyId: list.pharmacyOnFile!.pharmacyId })).rejects.toMatchObject({ code: 'EHR_INVALID_REQUEST' });
    // Before verification, nothing is read: the guard refuses and audits.
    await expect(ehr.getMedications!({ sessionId: 's2', patientId: 'P1001' as PatientId })).rejects.toMatchObject({ code: 'EHR_NOT_VERIFIED' });
    await ehr.close();
  });
});

describe('frontdesk paths over the refill flow and the clinic line', () => {
  const run = (argv: string[]) => runCommand(pathsCommand, argv);

  it('passes on the refill flow: every state visited, PHI only under verification, no question more than 3 times', async () => {
    const result = await run(['--flow', 'refill']);
    expect(result.stdout).toMatch(/^states: (\d+) of \1 visited$/m);
    expect(result.stdout).toMatch(/PHI actors: getMedications, requestRefill, messageCareTeam/);
    expect(result.stdout).toMatch(/always under call\.verified: ok/);
    expect(result.stdout).toMatch(/loop check: no question more than 3 times in a row \(longest 3\), every waiting turn asks something: ok/);
    expect(result.stdout).toMatch(/result: pass/);
    expect(result.code).toBe(0);
  }, 240_000);

  it('passes on the clinic line, with both parts\' PHI actors', async () => {
    const result = await run(['--flow', 'clinic']);
    expect(result.stdout).toMatch(/^states: (\d+) of \1 visited$/m);
    expect(result.stdout).toMatch(/PHI actors: listAppointments, bookAppointment, cancelAppointment, rescheduleAppointment, getMedications, requestRefill, messageCareTeam/);
    expect(result.stdout).toMatch(/always under call\.verified: ok/);
    expect(result.stdout).toMatch(/result: pass/);
    expect(result.code).toBe(0);
  }, 600_000);

  it('fails on a refill variant that reads the medications before verification, naming the state', async () => {
    const result = await run(['--flow', join(import.meta.dirname, 'leaky-refill-flow.ts')]);
    expect(result.stdout).toMatch(/getMedications invoked in call\.greeting, outside call\.verified/);
    expect(result.stdout).toMatch(/result: FAILED/);
    expect(result.code).toBe(1);
  }, 120_000);
});

describe('databases made before refills existed', () => {
  it('get the pharmacies and medications on their next open, without touching what was there', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'frontdesk-migrate-')), 'ehr.db');
    const clock = createClock({ timeZone: 'America/New_York', startAt: new Date('2026-12-01T09:00:00-05:00') });
    await createSqliteEhr({ path, clock }).close();
    const old = new BetterSqlite3(path);
    old.exec(`DROP TABLE care_team_messages; DROP TABLE refill_requests; DROP TABLE medications; DROP TABLE pharmacies_on_file; DROP TABLE pharmacies;
      DELETE FROM meta WHERE key = 'medications_seeded_at';`);
    const appointmentsBefore = old.prepare('SELECT COUNT(*) AS count FROM appointments').get();
    old.close();

    const ehr = createSqliteEhr({ path, clock });
    const list = await ehr.getMedications!({ sessionId: 's', patientId: 'P1001' as PatientId });
    expect(list.medications.map((medication) => medication.name)).toEqual(['atorvastatin', 'lisinopril']);
    expect(list.pharmacyOnFile?.name).toBe('Main Street Pharmacy');
    await ehr.close();
    expect(rows(path, 'SELECT COUNT(*) AS count FROM appointments')).toEqual([appointmentsBefore]);
  });
});

describe('an EHR backend without refills', () => {
  it('refuses the refill calls with an error naming what is missing, audited', async () => {
    const auditTrail = createMemoryAuditTrail();
    const clock = createClock({ timeZone: 'America/New_York', startAt: new Date('2026-12-01T09:00:00-05:00') });
    const sqlite = createSqliteEhr({ path: ':memory:', clock });
    const { getMedications: _get, requestRefill: _request, messageCareTeam: _message, ...withoutRefills } = sqlite;
    const ehr = protectEhr(withoutRefills as Ehr, { auditTrail });
    await ehr.verifyPatient({ lastName: 'Smith', dateOfBirth: '1985-01-15', phone: '+15550101234' }, { sessionId: 's1' });
    const error = await ehr.getMedications!({ sessionId: 's1', patientId: 'P1001' as PatientId }).catch((caught: unknown) => caught);
    expect(isFrontdeskError(error, 'EHR_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/does not implement getMedications/);
    expect(auditTrail.records().at(-1)).toMatchObject({ action: 'get_medications', outcome: 'error' });
    await sqlite.close();
  });
});
