// The demo clinic of fixtures/ehr as FHIR R4 resources: a static transaction Bundle (patients, practitioners, roles, locations, schedules) and the slots and visits placed relative to now with the SQLite EHR's seeding logic.
import type { Appointment, Bundle, BundleEntry, CodeableConcept, Location, MedicationRequest, Organization, Patient, Practitioner, PractitionerRole, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { addDays, wallDateOf, type WallTime } from '../../clock.ts';
import type { EhrFixtures, ProviderFixture } from '../fixtures.ts';
import { isBlockedAtSeed, nextDateWithSlotAt, slotIdOf, slotStartsOn } from '../schedule.ts';
import { confirmationCodeSystem, controlledSubstanceExtension, pharmacyType, preferredPharmacyExtension } from './fhir-identifiers.ts';
import { fhirInstantOf } from './fhir-time.ts';
import { defaultSpecialtyCodes } from './specialty-codes.ts';

export function locationIdOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export function scheduleIdOf(providerId: string): string {
  return `${providerId}-schedule`;
}

function transactionEntry(resource: Resource & { id: string }): BundleEntry {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}

/** "Dr. Amara Okafor" → prefix Dr., given Amara, family Okafor. */
function humanName(display: string) {
  const words = display.split(/\s+/);
  const prefix = words[0]?.endsWith('.') ? [words.shift() as string] : [];
  const family = words.pop() ?? display;
  return { text: display, family, given: words, ...(prefix.length ? { prefix } : {}) };
}

/**
 * Roles are coded the ways real directories code them: NUCC taxonomy, SNOMED CT, and — for the last provider — text
 * only, so the adapter's text matching is exercised too.
 */
function specialtyConcept(provider: ProviderFixture, index: number, count: number): CodeableConcept {
  const label = provider.specialty.replace(/\b\w/g, (letter) => letter.toUpperCase());
  if (index === count - 1) return { text: label };
  const code = defaultSpecialtyCodes[provider.specialty][index % 2] as { system: string; code: string };
  return { coding: [{ system: code.system, code: code.code, display: label }], text: label };
}

/** The static part: the same people and places as fixtures/ehr, as PUTs with our ids (fixtures/fhir/clinic.json). */
export function buildClinicBundle(fixtures: EhrFixtures): Bundle {
  const entries: BundleEntry[] = [];
  for (const name of fixtures.locations) {
    entries.push(transactionEntry({ resourceType: 'Location', id: locationIdOf(name), status: 'active', name } satisfies Location as Location & { id: string }));
  }
  fixtures.providers.forEach((provider, index) => {
    entries.push(
      transactionEntry({ resourceType: 'Practitioner', id: provider.providerId, active: true, name: [humanName(provider.name)] } as Practitioner & { id: string }),
    );
    entries.push(
      transactionEntry({
        resourceType: 'PractitionerRole',
        id: `${provider.providerId}-role`,
        active: true,
        practitioner: { reference: `Practitioner/${provider.providerId}` },
        location: [{ reference: `Location/${locationIdOf(provider.location)}` }],
        specialty: [specialtyConcept(provider, index, fixtures.providers.length)],
      } as PractitionerRole & { id: string }),
    );
    entries.push(
      transactionEntry({
        resourceType: 'Schedule',
        id: scheduleIdOf(provider.providerId),
        active: true,
        actor: [{ reference: `Practitioner/${provider.providerId}` }, { reference: `Location/${locationIdOf(provider.location)}` }],
        comment: `${provider.schedule.slotMinutes}-minute visits`,
      } as Schedule & { id: string }),
    );
  });
  for (const pharmacy of fixtures.medications.pharmacies) {
    entries.push(
      transactionEntry({
        resourceType: 'Organization',
        id: pharmacy.pharmacyId,
        active: true,
        type: [{ coding: [{ ...pharmacyType }], text: 'Pharmacy' }],
        name: pharmacy.name,
      } as Organization & { id: string }),
    );
  }
  const preferredPharmacy = new Map(fixtures.medications.pharmaciesOnFile.map((entry) => [entry.patientId, entry.pharmacyId]));
  for (const patient of fixtures.patients) {
    const pharmacyId = preferredPharmacy.get(patient.patientId);
    const digits = patient.phone.replace(/\D/g, '').replace(/^1/, '');
    entries.push(
      transactionEntry({
        resourceType: 'Patient',
        id: patient.patientId,
        active: true,
        name: [{ use: 'official', family: patient.lastName, given: [patient.firstName] }],
        birthDate: patient.dateOfBirth,
        // National format on purpose: the adapter compares phones in E.164, as records hold them every which way.
        telecom: [{ system: 'phone', use: 'mobile', value: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` }],
        ...(pharmacyId ? { extension: [{ url: preferredPharmacyExtension, valueReference: { reference: `Organization/${pharmacyId}` } }] } : {}),
      } as Patient & { id: string }),
    );
  }
  for (const medication of fixtures.medications.medications) {
    const [value, unit] = medication.strength.split(/\s+/);
    entries.push(
      transactionEntry({
        resourceType: 'MedicationRequest',
        id: medication.medicationId,
        status: medication.status,
        intent: 'order',
        subject: { reference: `Patient/${medication.patientId}` },
        medicationCodeableConcept: { coding: [{ display: medication.name }], text: `${medication.name} ${medication.strength}` },
        dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: Number(value), unit: unit ?? '' } }] }],
        ...(medication.purpose ? { reasonCode: [{ text: medication.purpose }] } : {}),
        ...(medication.controlled ? { extension: [{ url: controlledSubstanceExtension, valueBoolean: true }] } : {}),
      } as MedicationRequest & { id: string }),
    );
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/**
 * Slots from each provider's weekly schedule for `horizonDays` after `now` (the same ids, and the same ones blocked,
 * as the SQLite EHR seeds) and the fixture appointments on their slots, with their confirmation codes.
 */
export function buildScheduleBundle(fixtures: EhrFixtures, now: WallTime, timeZone: string): Bundle {
  const slots = new Map<string, Slot & { id: string }>();
  const today = wallDateOf(now);
  const slotOf = (provider: ProviderFixture, start: WallTime, status: Slot['status']): Slot & { id: string } => ({
    resourceType: 'Slot',
    id: slotIdOf(provider.providerId, start),
    schedule: { reference: `Schedule/${scheduleIdOf(provider.providerId)}` },
    status,
    start: fhirInstantOf(start, timeZone),
    end: fhirInstantOf(addMinutes(start, provider.schedule.slotMinutes), timeZone),
  });
  for (const provider of fixtures.providers) {
    for (let date = today; date <= addDays(today, fixtures.seed.horizonDays); date = addDays(date, 1)) {
      for (const start of slotStartsOn(provider.schedule, date)) {
        if (start <= now) continue;
        const id = slotIdOf(provider.providerId, start);
        slots.set(id, slotOf(provider, start, isBlockedAtSeed(id, fixtures.seed.blockedShare) ? 'busy-unavailable' : 'free'));
      }
    }
  }
  const providers = new Map(fixtures.providers.map((provider) => [provider.providerId, provider]));
  const appointments: Array<Appointment & { id: string }> = [];
  fixtures.appointments.forEach((fixture, index) => {
    const provider = providers.get(fixture.providerId) as ProviderFixture;
    const date = nextDateWithSlotAt(provider.schedule, addDays(today, fixture.daysFromNow), fixture.time);
    if (!date) throw new Error(`EHR fixture appointment ${index} is not on its provider's schedule`);
    const slot = slotOf(provider, `${date}T${fixture.time}`, 'busy');
    slots.set(slot.id, slot);
    appointments.push({
      resourceType: 'Appointment',
      id: `A-seed-${index + 1}`,
      identifier: [{ system: confirmationCodeSystem, value: fixture.confirmationCode }],
      status: 'booked',
      slot: [{ reference: `Slot/${slot.id}` }],
      start: slot.start,
      end: slot.end,
      minutesDuration: provider.schedule.slotMinutes,
      reasonCode: [{ text: fixture.reason }],
      participant: [
        { actor: { reference: `Patient/${fixture.patientId}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${provider.providerId}` }, status: 'accepted' },
        { actor: { reference: `Location/${locationIdOf(provider.location)}` }, status: 'accepted' },
      ],
    });
  });
  return { resourceType: 'Bundle', type: 'transaction', entry: [...slots.values(), ...appointments].map(transactionEntry) };
}

function addMinutes(wall: WallTime, minutes: number): WallTime {
  return new Date(Date.parse(`${wall}:00Z`) + minutes * 60_000).toISOString().slice(0, 16);
}
