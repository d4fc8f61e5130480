// Refills on the embedded EHR in PostgreSQL: the refill scenarios end as on SQLite and FHIR; a controlled substance is never refilled by phone; medications seeded once.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { createPostgresEhr } from '../../src/ehr/postgres-ehr.ts';
import type { MedicationId, PatientId, PharmacyId } from '../../src/ehr/types.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { scenarioDifferences } from '../../src/flow/scenario.ts';
import { openDatabase } from '../../src/postgres/database.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';
import { loadScenario, runScenario } from '../scenarios/run-scenario.ts';
import { newClock } from './ehr-test-support.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.destroy());

describe('refill scenarios on the PostgreSQL EHR', () => {
  const directory = join(import.meta.dirname, '../../fixtures/scenarios/refill');
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    const scenario = loadScenario(join(directory, file));
    it(`${file.replace(/\.json$/, '')}`, async () => {
      const run = await runScenario(scenario, { backend: 'postgres' });
      expect(scenarioDifferences(scenario, run)).toEqual([]);
    }, 60_000);
  }
});

describe('refills in PostgreSQL', () => {
  it('lists the medications seeded once by two instances, refills a routine one, never a controlled one, and messages the care team instead', async () => {
    const url = await server.createDatabase();
    const [first, second] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    try {
      const clock = newClock();
      const [ehr] = await Promise.all([first!, second!].map((database) => createPostgresEhr({ database, clock, auditTrail: createMemoryAuditTrail({ clock }) })));
      const john = { sessionId: 'refill-test', patientId: 'P1001' as PatientId };
      const maria = { sessionId: 'refill-test', patientId: 'P1002' as PatientId };
      const list = await ehr!.getMedications!(john);
      expect(list.medications.map((medication) => medication.medicationId)).toContain('M-P1001-1');
      expect(list.pharmacyOnFile?.pharmacyId).toBe('RX01');
      // The fixture's three (two active, one stopped), once, though two instances opened the empty database together.
      const { rows } = await first!.query<{ count: string }>("SELECT count(*) FROM medications WHERE patient_id = 'P1001'");
      expect(Number(rows[0]!.count)).toBe(3);
      expect(list.medications.map((medication) => medication.name)).toEqual(['atorvastatin', 'lisinopril']);
      const refill = await ehr!.requestRefill!(john, { medicationId: 'M-P1001-1' as MedicationId, pharmacyId: 'RX01' as PharmacyId });
      expect(refill).toMatchObject({ medicationId: 'M-P1001-1', pharmacyId: 'RX01', status: 'requested' });
      expect(refill.confirmationCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
      const refused = await ehr!.requestRefill!(maria, { medicationId: 'M-P1002-2' as MedicationId, pharmacyId: 'RX01' as PharmacyId }).catch((error: unknown) => error);
      expect(isFrontdeskError(refused, 'EHR_INVALID_REQUEST')).toBe(true);
      // Someone else's medication reads like a missing one.
      const foreign = await ehr!.requestRefill!(john, { medicationId: 'M-P1002-1' as MedicationId, pharmacyId: 'RX01' as PharmacyId }).catch((error: unknown) => error);
      expect(isFrontdeskError(foreign, 'EHR_NOT_FOUND')).toBe(true);
      const message = await ehr!.messageCareTeam!(maria, { medicationId: 'M-P1002-2' as MedicationId, topic: 'controlled-refill' });
      expect(message).toMatchObject({ medicationId: 'M-P1002-2', topic: 'controlled-refill' });
      const requests = await first!.query('SELECT patient_id, medication_id FROM refill_requests');
      expect(requests.rows).toEqual([{ patient_id: 'P1001', medication_id: 'M-P1001-1' }]);
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });
});
