// EHR seed data: reads and validates the JSON files in fixtures/ehr (patients, providers with weekly schedules, appointments, medications and pharmacies, seed settings).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FrontdeskError } from '../errors.ts';
import { specialties } from './types.ts';

/** fixtures/ehr of this checkout. */
export const defaultFixturesDir = fileURLToPath(new URL('../../fixtures/ehr/', import.meta.url));

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const weekdayNames = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

const scheduleSchema = z.object({
  /** Length of one slot, minutes. */
  slotMinutes: z.number().int().min(5).max(240),
  /** Working hours per weekday as [start, end) pairs; weekends are never scheduled. */
  days: z.partialRecord(z.enum(weekdayNames), z.array(z.tuple([clockTime, clockTime]))),
});

const patientsSchema = z.object({
  patients: z.array(
    z.object({
      patientId: z.string().min(1),
      firstName: z.string().min(1),
      lastName: z.string().min(1),
      dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      phone: z.string().min(1),
    }),
  ),
});

const providersSchema = z.object({
  locations: z.array(z.string().min(1)).min(1),
  providers: z.array(
    z.object({
      providerId: z.string().min(1),
      name: z.string().min(1),
      specialty: z.enum(specialties),
      location: z.string().min(1),
      schedule: scheduleSchema,
    }),
  ),
});

const appointmentsSchema = z.object({
  appointments: z.array(
    z.object({
      patientId: z.string().min(1),
      providerId: z.string().min(1),
      /** Days from the clock's today; moved forward to the provider's next working day. Negative = a past visit. */
      daysFromNow: z.number().int(),
      time: clockTime,
      reason: z.string(),
      confirmationCode: z.string().regex(/^[A-HJ-NP-Z2-9]{6}$/),
    }),
  ),
});

const medicationsSchema = z.object({
  pharmacies: z.array(z.object({ pharmacyId: z.string().min(1), name: z.string().min(1) })),
  /** Each patient's preferred pharmacy. */
  pharmaciesOnFile: z.array(z.object({ patientId: z.string().min(1), pharmacyId: z.string().min(1) })),
  medications: z.array(
    z.object({
      medicationId: z.string().min(1),
      patientId: z.string().min(1),
      name: z.string().min(1),
      strength: z.string().min(1),
      purpose: z.string().min(1).optional(),
      /** A controlled substance: the care team handles its refills, never the phone line. */
      controlled: z.boolean(),
      /** Only active medications are offered for a refill. */
      status: z.enum(['active', 'stopped']),
    }),
  ),
});

const seedSchema = z.object({
  /** Slots are generated for this many days after the clock's now. */
  horizonDays: z.number().int().min(1).max(366),
  /** Share (0–1) of generated slots created as blocked, chosen by a hash of the slot id. */
  blockedShare: z.number().min(0).max(1),
});

export type Schedule = z.infer<typeof scheduleSchema>;
export type PatientFixture = z.infer<typeof patientsSchema>['patients'][number];
export type ProviderFixture = z.infer<typeof providersSchema>['providers'][number];
export type MedicationFixtures = z.infer<typeof medicationsSchema>;
export type AppointmentFixture = z.infer<typeof appointmentsSchema>['appointments'][number];

export interface EhrFixtures {
  patients: PatientFixture[];
  locations: string[];
  providers: ProviderFixture[];
  appointments: AppointmentFixture[];
  /** From medications.json; empty when a fixtures directory has none. */
  medications: MedicationFixtures;
  seed: z.infer<typeof seedSchema>;
}

export function loadEhrFixtures(directory: string = defaultFixturesDir): EhrFixtures {
  const patients = readJson(directory, 'patients.json', patientsSchema);
  const providers = readJson(directory, 'providers.json', providersSchema);
  const appointments = readJson(directory, 'appointments.json', appointmentsSchema);
  const seed = readJson(directory, 'seed.json', seedSchema);
  const medications = existsSync(join(directory, 'medications.json'))
    ? readJson(directory, 'medications.json', medicationsSchema)
    : { pharmacies: [], pharmaciesOnFile: [], medications: [] };
  const patientIds = new Set(patients.patients.map((patient) => patient.patientId));
  const providerIds = new Set(providers.providers.map((provider) => provider.providerId));
  for (const provider of providers.providers) {
    if (!providers.locations.includes(provider.location)) {
      throw new FrontdeskError('CONFIG_INVALID', `EHR fixture: provider ${provider.providerId} has an unknown location`);
    }
  }
  for (const appointment of appointments.appointments) {
    if (!patientIds.has(appointment.patientId) || !providerIds.has(appointment.providerId)) {
      throw new FrontdeskError('CONFIG_INVALID', 'EHR fixture: an appointment names an unknown patient or provider');
    }
  }
  const pharmacyIds = new Set(medications.pharmacies.map((pharmacy) => pharmacy.pharmacyId));
  for (const entry of [...medications.medications, ...medications.pharmaciesOnFile]) {
    if (!patientIds.has(entry.patientId)) throw new FrontdeskError('CONFIG_INVALID', 'EHR fixture: a medication or pharmacy names an unknown patient');
  }
  for (const entry of medications.pharmaciesOnFile) {
    if (!pharmacyIds.has(entry.pharmacyId)) throw new FrontdeskError('CONFIG_INVALID', 'EHR fixture: a pharmacy on file is not in the pharmacy list');
  }
  return {
    patients: patients.patients,
    locations: providers.locations,
    providers: providers.providers,
    appointments: appointments.appointments,
    medications,
    seed,
  };
}

function readJson<T>(directory: string, name: string, schema: z.ZodType<T>): T {
  const path = join(directory, name);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', `EHR fixture ${name} could not be read`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new FrontdeskError('CONFIG_INVALID', `EHR fixture ${name}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
