// fixtures/fhir/clinic.json is the demo clinic of fixtures/ehr as FHIR resources; it is regenerated, never edited by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEhrFixtures } from '../../../src/ehr/fixtures.ts';
import { buildClinicBundle } from '../../../src/ehr/fhir/seed.ts';
import { clinicBundlePath } from '../../helpers/fhir-server.ts';

describe('the FHIR seed bundle', () => {
  it('is what the generator makes from fixtures/ehr (regenerate: see fixtures/fhir/README.md)', () => {
    expect(JSON.parse(readFileSync(clinicBundlePath, 'utf8'))).toEqual(buildClinicBundle(loadEhrFixtures()));
  });

  it('codes roles the three ways directories do: NUCC, SNOMED CT, and text only', () => {
    const roles = (buildClinicBundle(loadEhrFixtures()).entry ?? []).flatMap((entry) => (entry.resource?.resourceType === 'PractitionerRole' ? [entry.resource] : []));
    const systems = roles.map((role) => role.specialty?.[0]?.coding?.[0]?.system ?? 'text only');
    expect(new Set(systems)).toEqual(new Set(['http://nucc.org/provider-taxonomy', 'http://snomed.info/sct', 'text only']));
  });
});
