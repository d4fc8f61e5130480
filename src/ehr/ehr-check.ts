// What an EHR backend can serve right now, asked through the `Ehr` interface itself: reachability, practitioners, free slots, and the searches a call depends on.
import { addDays, wallDateOf, wallNow, type Clock } from '../clock.ts';
import { isFrontdeskError } from '../errors.ts';
import type { EhrBackend, EhrDiagnosis } from './registry.ts';
import { specialties, type PatientId, type Specialty } from './types.ts';

/** Free slots are counted over this many days from today. */
export const checkHorizonDays = 14;

export interface EhrCheckReport {
  diagnosis: EhrDiagnosis;
  reachable: boolean;
  practitionersBySpecialty: Partial<Record<Specialty, number>>;
  practitioners: number;
  freeSlotsNext14Days: number;
  /** What a call needs, each ok or the error it met (messages name resource types and statuses, never what was searched for). */
  capabilities: Array<{ name: string; ok: boolean; problem?: string }>;
  canServeCalls: boolean;
}

function messageOf(error: unknown): string {
  return isFrontdeskError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}

export async function checkEhr(ehr: EhrBackend, clock: Clock): Promise<EhrCheckReport> {
  const context = { sessionId: 'ehr-check' };
  const capabilities: EhrCheckReport['capabilities'] = [];
  async function attempt<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      capabilities.push({ name, ok: true });
      return result;
    } catch (error) {
      capabilities.push({ name, ok: false, problem: messageOf(error) });
      return undefined;
    }
  }

  const reachable = (await attempt('reach the EHR', () => ehr.ping().then(() => true))) ?? false;
  const practitionersBySpecialty: EhrCheckReport['practitionersBySpecialty'] = {};
  const providers = new Map<string, true>();
  let freeSlots = 0;
  const today = wallDateOf(wallNow(clock));
  const horizon = addDays(today, checkHorizonDays);
  if (reachable) {
    await attempt('search practitioners by specialty', async () => {
      for (const specialty of specialties) {
        const found = await ehr.searchProviders({ specialty }, context);
        practitionersBySpecialty[specialty] = found.length;
        for (const provider of found) providers.set(provider.providerId, true);
      }
    });
    await attempt('search free slots', async () => {
      for (const providerId of providers.keys()) {
        const dates = await ehr.getAvailableDates({ providerId: providerId as never, after: addDays(today, -1), limit: checkHorizonDays + 1 }, context);
        for (const date of dates.filter((candidate) => candidate < horizon)) {
          freeSlots += (await ehr.getAvailableSlots({ providerId: providerId as never, date }, context)).length;
        }
      }
    });
    // A claim no record can match: it exercises the verification search without counting against anyone.
    await attempt('search patients (verification)', () =>
      ehr.verifyPatient({ lastName: 'Frontdeskcheck', dateOfBirth: '1900-01-01', phone: '+15550100000' }, context),
    );
    await attempt('search a patient’s appointments', () => ehr.getPatientAppointments({ ...context, patientId: 'frontdesk-check' as PatientId }));
  }
  const diagnosis = (await ehr.diagnose?.()) ?? { backend: 'unknown', endpoint: '', authentication: 'unknown', refusedSearches: [] };
  return {
    diagnosis,
    reachable,
    practitionersBySpecialty,
    practitioners: providers.size,
    freeSlotsNext14Days: freeSlots,
    capabilities,
    canServeCalls: reachable && diagnosis.authenticated !== false && providers.size > 0 && capabilities.every((capability) => capability.ok),
  };
}

export function formatEhrCheck(report: EhrCheckReport): string {
  const { diagnosis } = report;
  const authentication =
    diagnosis.authenticated === undefined ? diagnosis.authentication : `${diagnosis.authentication}: ${diagnosis.authenticated ? 'authenticated' : 'NOT authenticated'}`;
  const bySpecialty = specialties.map((specialty) => `${specialty} ${report.practitionersBySpecialty[specialty] ?? 0}`).join(', ');
  const lines = [
    `EHR: ${diagnosis.backend} ${diagnosis.endpoint}`,
    `authentication: ${authentication}`,
    `reachable: ${report.reachable ? 'yes' : 'no'}`,
    `practitioners: ${report.practitioners} (${bySpecialty})`,
    `free slots in the next ${checkHorizonDays} days: ${report.freeSlotsNext14Days}`,
    ...report.capabilities.map((capability) => `${capability.name}: ${capability.ok ? 'ok' : `FAILED — ${capability.problem}`}`),
    `searches the server refused: ${diagnosis.refusedSearches.length ? diagnosis.refusedSearches.join(', ') : 'none'}`,
    `can serve a call: ${report.canServeCalls ? 'yes' : 'NO'}`,
  ];
  return `${lines.join('\n')}\n`;
}
