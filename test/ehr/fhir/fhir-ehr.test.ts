// The FHIR adapter against a real FHIR server (Medplum's router on loopback): verification, the directory, the same openings as the embedded EHR, and every write guarded.
import { afterEach, describe, expect, it } from 'vitest';
import type { Appointment as FhirAppointment, Patient, PractitionerRole, Slot as FhirSlot } from '@medplum/fhirtypes';
import { createSqliteEhr } from '../../../src/ehr/sqlite-ehr.ts';
import { createManualClock } from '../../../src/clock.ts';
import { isFrontdeskError } from '../../../src/errors.ts';
import { specialtyCodesWith } from '../../../src/ehr/fhir/specialty-codes.ts';
import { specialties, type AppointmentId, type PatientId, type SlotId, type VerifiedSession } from '../../../src/ehr/types.ts';
import { clinicNow, clinicTimeZone, openFhirFixture, type FhirFixture } from './fhir-test-support.ts';

const context = { sessionId: 'fhir-test' };
const john = { lastName: 'Smith', dateOfBirth: '1985-01-15', phone: '+15550101234' };
const wei = { lastName: 'Chen', dateOfBirth: '1990-11-02', phone: '+15550109012' };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  return isFrontdeskError(error) ? error.code : error === undefined ? undefined : String(error);
}

describe('FHIR EHR against a FHIR server', () => {
  let fixture: FhirFixture;
  afterEach(async () => fixture?.close());

  async function verified(claim = john): Promise<VerifiedSession> {
    const result = await fixture.ehr.verifyPatient(claim, context);
    if (result.outcome !== 'verified') throw new Error(`did not verify: ${result.outcome}`);
    return { ...context, patientId: result.patientId };
  }

  async function appointmentsOnSlot(slotId: string): Promise<FhirAppointment[]> {
    const all = await fixture.server.all<FhirAppointment>('Appointment');
    return all.filter((appointment) => appointment.slot?.some((reference) => reference.reference === `Slot/${slotId}`));
  }

  it('verifies by family name and birth date, comparing phones in E.164 whatever the record’s format', async () => {
    fixture = await openFhirFixture();
    expect(await fixture.ehr.verifyPatient(john, context)).toEqual({ outcome: 'verified', patientId: 'P1001' });
    expect(await fixture.ehr.verifyPatient({ ...john, lastName: 'smith', phone: '(555) 010-1234' }, context)).toMatchObject({ outcome: 'verified' });
    for (const claim of [{ ...john, phone: '+15550109999' }, { ...john, dateOfBirth: '1985-01-16' }, { ...john, lastName: 'Smi' }]) {
      expect(await fixture.ehr.verifyPatient(claim, { sessionId: `other-${claim.lastName}` })).toEqual({ outcome: 'mismatch' });
    }
    const search = fixture.server.requests.find((request) => request.url.startsWith('/Patient?'));
    expect(search?.url).toMatch(/^\/Patient\?family=Smith&birthdate=1985-01-15/);
  });

  it('verifies a last name typed on the keypad: searched by birth date, the family names compared by their keys', async () => {
    fixture = await openFhirFixture();
    expect(await fixture.ehr.verifyPatient({ ...john, lastName: '76484' }, context)).toEqual({ outcome: 'verified', patientId: 'P1001' });
    expect(await fixture.ehr.verifyPatient({ ...john, lastName: '76485' }, { sessionId: 'other-keys' })).toEqual({ outcome: 'mismatch' });
    const searches = fixture.server.requests.filter((request) => request.url.startsWith('/Patient?'));
    expect(searches[0]?.url).toMatch(/^\/Patient\?birthdate=1985-01-15/);
  });

  it('fails a claim that two records match on every field, without choosing one', async () => {
    fixture = await openFhirFixture();
    const original = await fixture.server.read<Patient>('Patient', 'P1001');
    await fixture.server.repository.updateResource({ ...original, id: 'P1001-duplicate', meta: {} });
    expect(await fixture.ehr.verifyPatient(john, context)).toEqual({ outcome: 'mismatch' });
  });

  it('locks the claim, not the last name, after three failures, in the local lockout file, and audits the lock', async () => {
    fixture = await openFhirFixture();
    // Guessing John Smith's birth date with his last name and phone.
    const guesses = ['1980-03-03', '1980-03-04', '1980-03-05'].map((dateOfBirth) => ({ ...john, dateOfBirth }));
    expect(await fixture.ehr.verifyPatient(guesses[0]!, context)).toEqual({ outcome: 'mismatch' });
    expect(await fixture.ehr.verifyPatient(guesses[1]!, context)).toEqual({ outcome: 'mismatch' });
    expect(await fixture.ehr.verifyPatient(guesses[2]!, context)).toMatchObject({ outcome: 'locked' });
    expect(await fixture.ehr.verifyPatient(john, context)).toEqual({ outcome: 'locked', until: '2026-12-01T09:15' });
    // Jane Smith shares only the last name: she is not locked.
    expect(await fixture.ehr.verifyPatient({ lastName: 'Smith', dateOfBirth: '1991-06-30', phone: '+15550103456' }, context)).toMatchObject({ outcome: 'verified' });
    const locks = fixture.auditTrail.records().filter((record) => record.action === 'verification_locked');
    expect(locks.map((record) => record.detail?.scope)).toEqual(['name-and-phone']);
    fixture.clock.advance(16 * 60_000);
    expect(await fixture.ehr.verifyPatient(john, context)).toMatchObject({ outcome: 'verified' });
  });

  it('finds providers by NUCC or SNOMED code and by text alone, reading Practitioner and Location by reference', async () => {
    fixture = await openFhirFixture();
    expect(await fixture.ehr.searchProviders({ specialty: 'pediatrics' }, context)).toEqual([
      { providerId: 'D07', name: 'Dr. Sofia Alvarez', specialty: 'pediatrics', location: 'Downtown' },
      { providerId: 'D08', name: 'Dr. Kenji Watanabe', specialty: 'pediatrics', location: 'Riverside' },
    ]);
    const cardiology = await fixture.ehr.searchProviders({ specialty: 'cardiology', location: 'riverside' }, context);
    expect(cardiology.map((provider) => provider.name)).toEqual(['Dr. Elena Petrova']);
    const urls = fixture.server.requests.map((request) => request.url);
    expect(urls.some((url) => url.includes('_include') || /\w+\.\w+=/.test(url.split('?')[1] ?? ''))).toBe(false);
    expect(urls).toContain('/Practitioner/D07');
    expect(urls).toContain('/Location/downtown');
  });

  it('matches roles with the configured codes instead of the defaults', async () => {
    fixture = await openFhirFixture({ ehr: { specialtyCodes: specialtyCodesWith({ dermatology: [{ system: 'urn:clinic:specialty', code: 'DERM' }] }) } });
    const role = await fixture.server.read<PractitionerRole>('PractitionerRole', 'D05-role');
    await fixture.server.repository.updateResource({ ...role, specialty: [{ coding: [{ system: 'urn:clinic:specialty', code: 'DERM' }] }] });
    const found = await fixture.ehr.searchProviders({ specialty: 'dermatology' }, context);
    expect(found.map((provider) => provider.providerId)).toEqual(['D05']);
  });

  it('offers exactly the openings the embedded EHR offers for the same clinic and the same now', async () => {
    fixture = await openFhirFixture();
    const sqlite = createSqliteEhr({ path: ':memory:', clock: createManualClock(clinicNow, clinicTimeZone) });
    try {
      for (const specialty of specialties) {
        const providers = await fixture.ehr.searchProviders({ specialty }, context);
        expect(providers).toEqual(await sqlite.searchProviders({ specialty }, context));
        for (const provider of providers) {
          const dates = await fixture.ehr.getAvailableDates({ providerId: provider.providerId, after: '2026-11-30', limit: 4 }, context);
          expect(dates).toEqual(await sqlite.getAvailableDates({ providerId: provider.providerId, after: '2026-11-30', limit: 4 }, context));
          for (const date of dates.slice(0, 2)) {
            expect(await fixture.ehr.getAvailableSlots({ providerId: provider.providerId, date }, context)).toEqual(
              await sqlite.getAvailableSlots({ providerId: provider.providerId, date }, context),
            );
          }
        }
      }
    } finally {
      await sqlite.close();
    }
  });

  it('books with If-None-Exist and If-Match: a retried request books once, the slot turns busy, the code is an identifier', async () => {
    fixture = await openFhirFixture();
    const session = await verified();
    const slotId = 'D03-202612090930' as SlotId;
    const booked = await fixture.ehr.bookAppointment(session, { slotId, reason: 'palpitations' });
    expect(booked).toMatchObject({ providerId: 'D03', providerName: 'Dr. Samuel Whitfield', location: 'Downtown', start: '2026-12-09T09:30', durationMinutes: 30, reason: 'palpitations', status: 'booked' });
    expect(booked.confirmationCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const again = await fixture.ehr.bookAppointment(session, { slotId, reason: 'palpitations' });
    expect(again.appointmentId).toBe(booked.appointmentId);
    expect(await appointmentsOnSlot(slotId)).toHaveLength(1);
    const stored = (await appointmentsOnSlot(slotId))[0]!;
    expect(stored.identifier).toContainEqual({ system: 'urn:frontdesk:confirmation-code', value: booked.confirmationCode });
    expect(stored.participant.map((participant) => participant.actor?.reference)).toEqual(['Patient/P1001', 'Practitioner/D03', 'Location/downtown']);
    expect((await fixture.server.read<FhirSlot>('Slot', slotId)).status).toBe('busy');
    const post = fixture.server.requests.find((request) => request.method === 'POST' && request.url === '/Appointment');
    expect(post?.headers['if-none-exist']).toBe('identifier=urn%3Afrontdesk%3Abooking-request%7Cfhir-test%3AD03-202612090930');
    const slotPut = fixture.server.requests.find((request) => request.method === 'PUT' && request.url === `/Slot/${slotId}`);
    expect(slotPut?.headers['if-match']).toMatch(/^W\/".+"$/);
    expect(await codeOf(fixture.ehr.bookAppointment({ ...context, sessionId: 'someone-else', patientId: 'P1002' as PatientId }, { slotId, reason: 'x' }))).toBe('EHR_SLOT_TAKEN');
  });

  it('lists the patient’s upcoming booked appointments, soonest first', async () => {
    fixture = await openFhirFixture();
    const appointments = await fixture.ehr.getPatientAppointments(await verified(wei));
    expect(appointments.map(({ providerId, start, reason, confirmationCode }) => ({ providerId, start, reason, confirmationCode }))).toEqual([
      { providerId: 'D05', start: '2026-12-07T10:30', reason: 'follow-up on a skin rash', confirmationCode: 'K7Q2XM' },
      { providerId: 'D03', start: '2026-12-14T14:00', reason: 'annual heart check', confirmationCode: 'R4TZ9P' },
    ]);
    expect(fixture.server.requests.map((request) => request.url)).toContain('/Appointment?patient=Patient%2FP1003&status=booked&date=ge2026-12-01T00%3A00%3A00-05%3A00&_count=100');
  });

  it('cancels with If-Match and frees the slot; someone else’s appointment reads as not found', async () => {
    fixture = await openFhirFixture();
    expect(await codeOf(fixture.ehr.cancelAppointment(await verified(), 'A-seed-1' as AppointmentId))).toBe('EHR_NOT_FOUND');
    const session = await verified(wei);
    const cancelled = await fixture.ehr.cancelAppointment(session, 'A-seed-1' as AppointmentId);
    expect(cancelled).toMatchObject({ appointmentId: 'A-seed-1', status: 'cancelled' });
    expect((await fixture.server.read<FhirAppointment>('Appointment', 'A-seed-1')).status).toBe('cancelled');
    expect((await fixture.server.read<FhirSlot>('Slot', 'D05-202612071030')).status).toBe('free');
    const put = fixture.server.requests.find((request) => request.method === 'PUT' && request.url === '/Appointment/A-seed-1');
    expect(put?.headers['if-match']).toMatch(/^W\/".+"$/);
    expect(await fixture.ehr.getPatientAppointments(session)).toHaveLength(1);
  });

  it('reschedules by booking first and cancelling after, and takes the new booking back when the cancel fails', async () => {
    fixture = await openFhirFixture();
    const session = await verified(wei);
    fixture.server.fault = (request) => (request.method === 'PUT' && request.url === '/Appointment/A-seed-2' ? { status: 503 } : undefined);
    expect(await codeOf(fixture.ehr.rescheduleAppointment(session, { appointmentId: 'A-seed-2' as AppointmentId, newSlotId: 'D03-202612091000' as SlotId }))).toBe('EHR_UNAVAILABLE');
    expect((await fixture.ehr.getPatientAppointments(session)).map((appointment) => appointment.appointmentId)).toEqual(['A-seed-1', 'A-seed-2']);
    expect((await fixture.server.read<FhirSlot>('Slot', 'D03-202612091000')).status).toBe('free');
    fixture.server.fault = undefined;
    const result = await fixture.ehr.rescheduleAppointment(session, { appointmentId: 'A-seed-2' as AppointmentId, newSlotId: 'D03-202612091000' as SlotId });
    expect(result.booked).toMatchObject({ start: '2026-12-09T10:00', reason: 'annual heart check', status: 'booked' });
    expect(result.cancelled).toMatchObject({ appointmentId: 'A-seed-2', status: 'cancelled' });
    const writes = fixture.server.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.url.split('?')[0]}`);
    expect(writes.slice(-4)).toEqual(['POST /Appointment', 'PUT /Slot/D03-202612091000', 'PUT /Appointment/A-seed-2', 'PUT /Slot/D03-202612141400']);
  });

  it('leaves no appointment behind when the slot cannot be marked busy', async () => {
    fixture = await openFhirFixture();
    const session = await verified();
    fixture.server.fault = (request) => (request.method === 'PUT' && request.url.startsWith('/Slot/') ? { status: 500 } : undefined);
    expect(await codeOf(fixture.ehr.bookAppointment(session, { slotId: 'D03-202612091000' as SlotId, reason: 'checkup' }))).toBe('EHR_UNAVAILABLE');
    expect(await appointmentsOnSlot('D03-202612091000')).toEqual([]);
  });

  it('maps every HTTP failure onto the error catalogue: 5xx and timeouts retryable, 4xx not, no PHI in the message', async () => {
    fixture = await openFhirFixture({ ehr: { timeoutMs: 300 } });
    const failures: Array<[ReturnType<NonNullable<typeof fixture.server.fault>>, boolean]> = [
      [{ status: 503 }, true],
      [{ status: 429 }, true],
      [{ status: 400 }, false],
      [{ status: 403 }, false],
      [{ delayMs: 1000 }, true],
    ];
    for (const [fault, retryable] of failures) {
      fixture.server.fault = (request) => (request.url.startsWith('/Patient?') ? fault : undefined);
      const error = await fixture.ehr.verifyPatient(john, context).then(() => undefined, (caught: unknown) => caught);
      expect(error, JSON.stringify(fault)).toMatchObject({ code: 'EHR_UNAVAILABLE', retryable });
      expect((error as Error).message).not.toMatch(/Smith|1985|555/);
    }
  });

  it('goes on without a role search the server refuses, and reports it', async () => {
    fixture = await openFhirFixture();
    fixture.server.fault = (request) => (request.url.includes('specialty%3Atext') ? { status: 400 } : undefined);
    const found = await fixture.ehr.searchProviders({ specialty: 'pediatrics' }, context);
    expect(found.map((provider) => provider.providerId)).toEqual(['D07']);
    expect((await fixture.ehr.diagnose!()).refusedSearches).toEqual(['PractitionerRole?specialty:text']);
  });
});
