// Refills on the FHIR adapter against a real FHIR server (Medplum's router on loopback): active MedicationRequests, the preferred pharmacy, a proposal for the refill and a CommunicationRequest for the care team.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommunicationRequest, MedicationRequest } from '@medplum/fhirtypes';
import { isFrontdeskError } from '../../../src/errors.ts';
import type { MedicationId, PatientId, PharmacyId, VerifiedSession } from '../../../src/ehr/types.ts';
import { scenarioDifferences } from '../../../src/flow/scenario.ts';
import { loadScenario, runScenario } from '../../scenarios/run-scenario.ts';
import { openFhirFixture, type FhirFixture } from './fhir-test-support.ts';

const john: VerifiedSession = { sessionId: 'fhir-refill', patientId: 'P1001' as PatientId };
const maria: VerifiedSession = { sessionId: 'fhir-refill', patientId: 'P1002' as PatientId };
const wei: VerifiedSession = { sessionId: 'fhir-refill', patientId: 'P1003' as PatientId };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  return isFrontdeskError(error) ? error.code : error === undefined ? undefined : String(error);
}

describe('FHIR EHR refills against a FHIR server', () => {
  let fixture: FhirFixture;
  afterEach(async () => fixture?.close());

  it('lists the active medications by name, the preferred pharmacy and the pharmacies, stopped ones left out', async () => {
    fixture = await openFhirFixture();
    const list = await fixture.ehr.getMedications!(john);
    expect(list.medications).toEqual([
      { medicationId: 'M-P1001-2', name: 'atorvastatin', strength: '20 mg', purpose: 'cholesterol', controlled: false },
      { medicationId: 'M-P1001-1', name: 'lisinopril', strength: '10 mg', purpose: 'blood pressure', controlled: false },
    ]);
    expect(list.pharmacyOnFile).toEqual({ pharmacyId: 'RX01', name: 'Main Street Pharmacy' });
    expect(list.pharmacies.map((pharmacy) => pharmacy.name)).toEqual(['Harbor Drugs', 'Main Street Pharmacy', 'Oak Avenue Pharmacy']);
    expect((await fixture.ehr.getMedications!(maria)).medications.map((medication) => [medication.name, medication.controlled])).toEqual([['metformin', false], ['oxycodone', true]]);
    const none = await fixture.ehr.getMedications!(wei);
    expect(none.medications).toEqual([]);
    expect(none.pharmacyOnFile).toBeUndefined();
  });

  it('writes a refill as a MedicationRequest proposal for the pharmacy, once per call and medication, with a code', async () => {
    fixture = await openFhirFixture();
    const request = { medicationId: 'M-P1001-1' as MedicationId, pharmacyId: 'RX03' as PharmacyId };
    const refill = await fixture.ehr.requestRefill!(john, request);
    expect(refill).toMatchObject({ medicationId: 'M-P1001-1', pharmacyId: 'RX03', status: 'requested', confirmationCode: expect.stringMatching(/^[A-HJ-NP-Z2-9]{6}$/) });
    // A retried request (same call, same medication) finds the proposal it made.
    expect(await fixture.ehr.requestRefill!(john, request)).toEqual(refill);
    const proposals = (await fixture.server.all<MedicationRequest>('MedicationRequest')).filter((resource) => resource.intent === 'proposal');
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      id: refill.refillRequestId,
      status: 'draft',
      subject: { reference: 'Patient/P1001' },
      priorPrescription: { reference: 'MedicationRequest/M-P1001-1' },
      dispenseRequest: { performer: { reference: 'Organization/RX03' } },
    });
  });

  it('never proposes a controlled substance, another patient\'s medication or an unknown pharmacy', async () => {
    fixture = await openFhirFixture();
    expect(await codeOf(fixture.ehr.requestRefill!(maria, { medicationId: 'M-P1002-2' as MedicationId, pharmacyId: 'RX02' as PharmacyId }))).toBe('EHR_INVALID_REQUEST');
    expect(await codeOf(fixture.ehr.requestRefill!(john, { medicationId: 'M-P1002-1' as MedicationId, pharmacyId: 'RX01' as PharmacyId }))).toBe('EHR_NOT_FOUND');
    expect(await codeOf(fixture.ehr.requestRefill!(john, { medicationId: 'M-P1001-3' as MedicationId, pharmacyId: 'RX01' as PharmacyId }))).toBe('EHR_NOT_FOUND');
    expect(await codeOf(fixture.ehr.requestRefill!(john, { medicationId: 'M-P1001-1' as MedicationId, pharmacyId: 'RX99' as PharmacyId }))).toBe('EHR_NOT_FOUND');
    expect((await fixture.server.all<MedicationRequest>('MedicationRequest')).filter((resource) => resource.intent === 'proposal')).toEqual([]);
  });

  it('records a message for the care team as a CommunicationRequest about the medication', async () => {
    fixture = await openFhirFixture();
    const message = await fixture.ehr.messageCareTeam!(maria, { medicationId: 'M-P1002-2' as MedicationId, topic: 'controlled-refill' });
    const [stored, ...more] = await fixture.server.all<CommunicationRequest>('CommunicationRequest');
    expect(more).toEqual([]);
    expect(stored).toMatchObject({ id: message.messageId, status: 'active', subject: { reference: 'Patient/P1002' }, about: [{ reference: 'MedicationRequest/M-P1002-2' }] });
  });
});

describe('refill scenarios on the FHIR EHR', () => {
  const directory = join(import.meta.dirname, '../../../fixtures/scenarios/refill');
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    const scenario = loadScenario(join(directory, file));
    it(`${file.replace(/\.json$/, '')}`, async () => {
      const run = await runScenario(scenario, { backend: 'fhir' });
      expect(scenarioDifferences(scenario, run)).toEqual([]);
    }, 60_000);
  }
});
