// Free slots, booking, listing, cancelling and rescheduling over FHIR R4: Schedule and Slot searches, Appointment writes guarded by If-None-Exist and If-Match.
import type { Appointment as FhirAppointment, Schedule, Slot as FhirSlot } from '@medplum/fhirtypes';
import { addDays, wallDateOf, wallNow, type Clock, type WallDate, type WallTime } from '../../clock.ts';
import { FrontdeskError, isFrontdeskError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { newConfirmationCode } from '../confirmation-code.ts';
import type { Appointment, AppointmentId, ConfirmationCode, PatientId, ProviderId, Slot, SlotId } from '../types.ts';
import { hasStatus, type FhirClient, type Versioned } from './fhir-client.ts';
import { idOfReference, type FhirDirectory } from './fhir-directory.ts';
import { bookingRequestSystem, confirmationCodeSystem } from './fhir-identifiers.ts';
import { fhirStartOfDay, minutesBetween, wallTimeOfFhir } from './fhir-time.ts';

/** Free dates are looked for this far ahead at most, days; searched in windows of `dateWindowDays`. */
export const dateSearchHorizonDays = 120;
const dateWindowDays = 14;

export interface FhirScheduling {
  freeSlots(providerId: ProviderId, from: WallDate, toExclusive: WallDate): Promise<Slot[]>;
  availableDates(providerId: ProviderId, after: WallDate, limit: number): Promise<WallDate[]>;
  /** `requestKey` names the call and slot, so a retried request finds the Appointment it already created. */
  book(patientId: PatientId, slotId: SlotId, reason: string, requestKey: string): Promise<Appointment>;
  upcoming(patientId: PatientId): Promise<Appointment[]>;
  cancel(patientId: PatientId, appointmentId: AppointmentId): Promise<Appointment>;
  reschedule(patientId: PatientId, appointmentId: AppointmentId, newSlotId: SlotId, requestKey: string): Promise<{ cancelled: Appointment; booked: Appointment }>;
}

export function createFhirScheduling(options: { client: FhirClient; directory: FhirDirectory; clock: Clock; logger: Logger }): FhirScheduling {
  const { client, directory, clock, logger } = options;
  const zone = clock.timeZone;
  const schedulesOf = new Map<string, Promise<string[]>>();
  const scheduleById = new Map<string, Promise<Schedule>>();

  function schedules(providerId: ProviderId): Promise<string[]> {
    let found = schedulesOf.get(providerId);
    if (!found) {
      found = client.search<Schedule>('Schedule', [['actor', `Practitioner/${providerId}`]]).then((list) =>
        list.filter((schedule) => schedule.active !== false).map((schedule) => schedule.id),
      );
      found.catch(() => schedulesOf.delete(providerId));
      schedulesOf.set(providerId, found);
    }
    return found;
  }

  /** A slot's Schedule (read once per schedule): its actors name the practitioner and the location. */
  function scheduleOf(slot: FhirSlot): Promise<Schedule | undefined> {
    const scheduleId = idOfReference(slot.schedule, 'Schedule');
    if (!scheduleId) return Promise.resolve(undefined);
    let found = scheduleById.get(scheduleId);
    if (!found) {
      found = client.read<Schedule>('Schedule', scheduleId).then(({ resource }) => resource);
      found.catch(() => scheduleById.delete(scheduleId));
      scheduleById.set(scheduleId, found);
    }
    return found;
  }

  async function searchFreeSlots(providerId: ProviderId, from: WallDate, toExclusive: WallDate): Promise<FhirSlot[]> {
    const scheduleIds = await schedules(providerId);
    const lists = await Promise.all(
      scheduleIds.map((scheduleId) =>
        client.search<FhirSlot>('Slot', [
          ['schedule', `Schedule/${scheduleId}`],
          ['status', 'free'],
          ['start', `ge${fhirStartOfDay(from, zone)}`],
          ['start', `lt${fhirStartOfDay(toExclusive, zone)}`],
          ['_sort', 'start'],
          ['_count', '500'],
        ]),
      ),
    );
    const now = wallNow(clock);
    // The server's filter is trusted for nothing we can check cheaply: status and range are checked again here.
    return lists
      .flat()
      .filter((slot) => slot.status === 'free')
      .filter((slot) => {
        const start = wallTimeOfFhir(slot.start, zone);
        return start !== undefined && start > now && start >= `${from}T00:00` && start < `${toExclusive}T00:00`;
      })
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  async function toSlot(slot: FhirSlot & { id: string }, providerId: ProviderId): Promise<Slot> {
    const provider = await directory.provider(providerId);
    return {
      slotId: slot.id as SlotId,
      providerId,
      providerName: provider.name,
      specialty: provider.specialty,
      location: provider.location,
      start: wallTimeOfFhir(slot.start, zone) as WallTime,
      durationMinutes: minutesBetween(slot.start, slot.end) ?? 30,
    };
  }

  async function toAppointment(appointment: FhirAppointment & { id: string }): Promise<Appointment> {
    const practitionerId = appointment.participant.map((participant) => idOfReference(participant.actor, 'Practitioner')).find(Boolean);
    const locationReference = appointment.participant.map((participant) => participant.actor?.reference).find((reference) => reference?.includes('Location/'));
    const provider = practitionerId ? await directory.provider(practitionerId as ProviderId).catch(() => undefined) : undefined;
    const location = locationReference ? await directory.nameOf(locationReference).catch(() => undefined) : undefined;
    return {
      appointmentId: appointment.id as AppointmentId,
      // Visits booked by staff in the EHR carry no code of ours; only codes of new bookings are read to callers.
      confirmationCode: (appointment.identifier?.find((identifier) => identifier.system === confirmationCodeSystem)?.value ?? '') as ConfirmationCode,
      providerId: (practitionerId ?? '') as ProviderId,
      providerName: provider?.name ?? (practitionerId ? ((await directory.nameOf(`Practitioner/${practitionerId}`).catch(() => undefined)) ?? '') : ''),
      specialty: provider?.specialty ?? 'family medicine',
      location: location ?? provider?.location ?? '',
      start: (wallTimeOfFhir(appointment.start, zone) ?? '') as WallTime,
      durationMinutes: appointment.minutesDuration ?? minutesBetween(appointment.start, appointment.end) ?? 30,
      reason: appointment.reasonCode?.[0]?.text ?? appointment.description ?? '',
      status: appointment.status === 'booked' ? 'booked' : 'cancelled',
    };
  }

  async function readSlot(slotId: SlotId): Promise<Versioned<FhirSlot>> {
    try {
      return await client.read<FhirSlot>('Slot', slotId);
    } catch (error) {
      if (hasStatus(error, 404, 410)) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown slot');
      throw error;
    }
  }

  /** Sets a slot's status with If-Match; when someone else changed it first, re-reads and tries once more if `may` still allows it. */
  async function setSlotStatus(read: Versioned<FhirSlot>, status: FhirSlot['status'], may: (current: FhirSlot) => boolean): Promise<void> {
    try {
      await client.update({ ...read.resource, status }, read.version);
    } catch (error) {
      if (!hasStatus(error, 409, 412)) throw error;
      const again = await client.read<FhirSlot>('Slot', read.resource.id);
      if (!may(again.resource)) throw error;
      await client.update({ ...again.resource, status }, again.version);
    }
  }

  /** Takes back an Appointment whose slot the caller did not get: deleted, or cancelled where the server refuses deletes. */
  async function withdraw(appointment: Versioned<FhirAppointment>): Promise<void> {
    try {
      await client.delete('Appointment', appointment.resource.id);
    } catch {
      try {
        await client.update({ ...appointment.resource, status: 'cancelled' }, appointment.version);
      } catch (error) {
        logger.error({ appointmentId: appointment.resource.id, errorCode: isFrontdeskError(error) ? error.code : 'unknown' }, 'could not withdraw an appointment whose slot was not taken');
      }
    }
  }

  async function uniqueCode(): Promise<ConfirmationCode> {
    let code = newConfirmationCode();
    // One in a billion collides; a server that ignored the identifier parameter must not keep this loop going.
    for (let attempt = 0; attempt < 5; attempt += 1, code = newConfirmationCode()) {
      const found = await client.search<FhirAppointment>('Appointment', [['identifier', `${confirmationCodeSystem}|${code}`], ['_count', '1']]);
      if (!found.some((appointment) => appointment.identifier?.some((identifier) => identifier.system === confirmationCodeSystem && identifier.value === code))) return code;
    }
    return code;
  }

  async function book(patientId: PatientId, slotId: SlotId, reason: string, requestKey: string): Promise<Appointment> {
    const slot = await readSlot(slotId);
    const start = wallTimeOfFhir(slot.resource.start, zone);
    if (!start || start <= wallNow(clock)) throw new FrontdeskError('EHR_INVALID_REQUEST', 'the slot has already started');
    const isThisRequest = (appointment: FhirAppointment) =>
      (appointment.identifier ?? []).some((identifier) => identifier.system === bookingRequestSystem && (identifier.value === requestKey || identifier.value?.startsWith(`${requestKey}~`)));
    if (slot.resource.status !== 'free') {
      // A retried request whose first attempt went through finds its own Appointment on the slot.
      const holders = await client.search<FhirAppointment>('Appointment', [['slot', `Slot/${slotId}`], ['status', 'booked']]);
      const mine = holders.find((appointment) => appointment.status === 'booked' && isThisRequest(appointment) && appointment.slot?.some((reference) => idOfReference(reference, 'Slot') === slotId) && appointment.participant.some((participant) => idOfReference(participant.actor, 'Patient') === patientId));
      if (mine) return toAppointment(mine);
      throw new FrontdeskError('EHR_SLOT_TAKEN');
    }
    const schedule = await scheduleOf(slot.resource);
    const practitionerId = schedule?.actor.map((actor) => idOfReference(actor, 'Practitioner')).find((id) => id !== undefined);
    if (!practitionerId) throw new FrontdeskError('EHR_NOT_FOUND', 'the slot belongs to no practitioner');
    const provider = await directory.provider(practitionerId as ProviderId);
    const scheduleLocation = schedule?.actor.find((actor) => idOfReference(actor, 'Location') !== undefined);
    const code = await uniqueCode();
    const appointment: FhirAppointment = {
      resourceType: 'Appointment',
      status: 'booked',
      identifier: [
        { system: confirmationCodeSystem, value: code },
        { system: bookingRequestSystem, value: requestKey },
      ],
      slot: [{ reference: `Slot/${slotId}` }],
      start: slot.resource.start,
      end: slot.resource.end,
      ...(minutesBetween(slot.resource.start, slot.resource.end) ? { minutesDuration: minutesBetween(slot.resource.start, slot.resource.end) } : {}),
      created: clock.now().toISOString(),
      reasonCode: [{ text: reason }],
      participant: [
        { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${practitionerId}` }, status: 'accepted' },
        ...(scheduleLocation?.reference ? [{ actor: { reference: scheduleLocation.reference }, status: 'accepted' as const }] : []),
      ],
    };
    const createFor = (key: string) => {
      appointment.identifier = [
        { system: confirmationCodeSystem, value: code },
        { system: bookingRequestSystem, value: key },
      ];
      return client.createOnce(appointment, new URLSearchParams([['identifier', `${bookingRequestSystem}|${key}`]]).toString());
    };
    let created = await createFor(requestKey);
    // The request's earlier Appointment was taken back (the slot was lost, or the caller cancelled it and is booking
    // the same slot again in the same call): this is a new booking, under a key of its own.
    for (let attempt = 2; created.resource.status !== 'booked' && attempt <= 5; attempt += 1) created = await createFor(`${requestKey}~${attempt}`);
    if (created.resource.status !== 'booked') throw new FrontdeskError('EHR_SLOT_TAKEN');
    try {
      await setSlotStatus(slot, 'busy', (current) => current.status === 'free');
    } catch (error) {
      await withdraw(created);
      if (hasStatus(error, 409, 412)) throw new FrontdeskError('EHR_SLOT_TAKEN', undefined, { cause: error });
      throw error;
    }
    const booked = await toAppointment(created.resource);
    return { ...booked, providerName: booked.providerName || provider.name };
  }

  /** The patient's own booked, upcoming appointment, or EHR_NOT_FOUND (someone else's reads exactly like a missing one). */
  async function upcomingOf(patientId: PatientId, appointmentId: AppointmentId): Promise<Versioned<FhirAppointment>> {
    let read: Versioned<FhirAppointment>;
    try {
      read = await client.read<FhirAppointment>('Appointment', appointmentId);
    } catch (error) {
      if (hasStatus(error, 404, 410)) throw new FrontdeskError('EHR_NOT_FOUND', 'no such upcoming appointment');
      throw error;
    }
    const ownedBy = read.resource.participant.some((participant) => idOfReference(participant.actor, 'Patient') === patientId);
    const start = wallTimeOfFhir(read.resource.start, zone);
    if (!ownedBy || read.resource.status !== 'booked' || !start || start <= wallNow(clock)) {
      throw new FrontdeskError('EHR_NOT_FOUND', 'no such upcoming appointment');
    }
    return read;
  }

  /** Frees the appointment's slots; a failure leaves the slot busy (logged with ids), never the cancellation undone. */
  async function freeSlotsOf(appointment: FhirAppointment): Promise<void> {
    for (const reference of appointment.slot ?? []) {
      const slotId = idOfReference(reference, 'Slot');
      if (!slotId) continue;
      try {
        const slot = await client.read<FhirSlot>('Slot', slotId);
        if (slot.resource.status === 'busy') await setSlotStatus(slot, 'free', (current) => current.status === 'busy');
      } catch (error) {
        logger.warn({ slotId, errorCode: isFrontdeskError(error) ? error.code : 'unknown' }, 'a cancelled appointment left its slot busy');
      }
    }
  }

  async function cancel(patientId: PatientId, appointmentId: AppointmentId): Promise<Appointment> {
    let read = await upcomingOf(patientId, appointmentId);
    let updated: Versioned<FhirAppointment>;
    try {
      updated = await client.update({ ...read.resource, status: 'cancelled', cancelationReason: { text: 'cancelled by the patient by phone' } }, read.version);
    } catch (error) {
      if (!hasStatus(error, 409, 412)) throw error;
      // Changed under us (a note added by staff): still ours and booked, so cancel the current version.
      read = await upcomingOf(patientId, appointmentId);
      updated = await client.update({ ...read.resource, status: 'cancelled', cancelationReason: { text: 'cancelled by the patient by phone' } }, read.version);
    }
    await freeSlotsOf(updated.resource);
    return toAppointment(updated.resource);
  }

  return {
    async freeSlots(providerId, from, toExclusive) {
      const slots = await searchFreeSlots(providerId, from, toExclusive);
      return Promise.all(slots.map((slot) => toSlot(slot as FhirSlot & { id: string }, providerId)));
    },

    async availableDates(providerId, after, limit) {
      const dates: WallDate[] = [];
      const today = wallDateOf(wallNow(clock));
      let from = addDays(after > today ? after : today, after >= today ? 1 : 0);
      const last = addDays(today, dateSearchHorizonDays);
      while (dates.length < limit && from <= last) {
        const to = addDays(from, dateWindowDays);
        for (const slot of await searchFreeSlots(providerId, from, to)) {
          const date = wallDateOf(wallTimeOfFhir(slot.start, zone) as WallTime);
          if (date > after && !dates.includes(date)) dates.push(date);
        }
        from = to;
      }
      return dates.sort().slice(0, limit);
    },

    book,

    async upcoming(patientId) {
      const today = wallDateOf(wallNow(clock));
      const found = await client.search<FhirAppointment>('Appointment', [
        ['patient', `Patient/${patientId}`],
        ['status', 'booked'],
        ['date', `ge${fhirStartOfDay(today, zone)}`],
        ['_count', '100'],
      ]);
      const now = wallNow(clock);
      const appointments = await Promise.all(
        found
          .filter((appointment) => appointment.status === 'booked' && appointment.participant.some((participant) => idOfReference(participant.actor, 'Patient') === patientId))
          .map(toAppointment),
      );
      return appointments.filter((appointment) => appointment.start > now).sort((a, b) => a.start.localeCompare(b.start));
    },

    cancel,

    async reschedule(patientId, appointmentId, newSlotId, requestKey) {
      const old = await upcomingOf(patientId, appointmentId);
      if (old.resource.slot?.some((reference) => idOfReference(reference, 'Slot') === newSlotId)) {
        throw new FrontdeskError('EHR_INVALID_REQUEST', 'the new slot is the current one');
      }
      // Book first: if the new slot is taken this throws and the old appointment stays as it was.
      const booked = await book(patientId, newSlotId, old.resource.reasonCode?.[0]?.text ?? old.resource.description ?? '', requestKey);
      try {
        const cancelled = await cancel(patientId, appointmentId);
        return { cancelled, booked };
      } catch (error) {
        // The caller must not end with two visits or with none: the new booking is taken back.
        try {
          await cancel(patientId, booked.appointmentId);
        } catch (undoError) {
          logger.error({ appointmentId: booked.appointmentId, errorCode: isFrontdeskError(undoError) ? undoError.code : 'unknown' }, 'could not undo the new booking of a failed reschedule');
        }
        throw error;
      }
    },
  };
}
