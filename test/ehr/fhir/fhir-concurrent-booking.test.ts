// Many callers reaching for one slot over FHIR at once: the Slot's If-Match version lets exactly one through, and the losers leave nothing behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { Appointment as FhirAppointment, Slot as FhirSlot } from '@medplum/fhirtypes';
import { isFrontdeskError } from '../../../src/errors.ts';
import type { PatientId, SlotId } from '../../../src/ehr/types.ts';
import { openFhirFixture, type FhirFixture } from './fhir-test-support.ts';

const patients = ['P1001', 'P1002', 'P1003', 'P1004', 'P1005', 'P1006', 'P1007'] as PatientId[];

describe('concurrent bookings of one slot over FHIR', () => {
  let fixture: FhirFixture;
  afterEach(async () => fixture?.close());

  it('gives 24 simultaneous callers exactly one winner; every other gets EHR_SLOT_TAKEN and no Appointment of theirs remains', async () => {
    fixture = await openFhirFixture();
    const slotId = 'D04-202612081030' as SlotId;
    expect((await fixture.server.read<FhirSlot>('Slot', slotId)).status).toBe('free');
    const attempts = Array.from({ length: 24 }, (_, index) =>
      fixture.ehr.bookAppointment({ sessionId: `caller-${index}`, patientId: patients[index % patients.length]! }, { slotId, reason: 'checkup' }),
    );
    const results = await Promise.allSettled(attempts);
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(winners).toHaveLength(1);
    expect(losers.map((error) => (isFrontdeskError(error) ? error.code : String(error)))).toEqual(Array(23).fill('EHR_SLOT_TAKEN'));

    const onSlot = (await fixture.server.all<FhirAppointment>('Appointment')).filter((appointment) =>
      appointment.slot?.some((reference) => reference.reference === `Slot/${slotId}`),
    );
    expect(onSlot.filter((appointment) => appointment.status === 'booked')).toHaveLength(1);
    expect(onSlot.filter((appointment) => appointment.status === 'booked')[0]!.id).toBe(winners[0]!.status === 'fulfilled' ? winners[0]!.value.appointmentId : '');
    // Losers' Appointments were deleted, not merely cancelled: the server deletes.
    expect(onSlot).toHaveLength(1);
    expect((await fixture.server.read<FhirSlot>('Slot', slotId)).status).toBe('busy');
    // Several callers got as far as creating an Appointment: the Slot's version, not luck, chose the winner.
    expect(fixture.server.requests.filter((request) => request.method === 'PUT' && request.url === `/Slot/${slotId}`).length).toBeGreaterThan(1);
  });
});
