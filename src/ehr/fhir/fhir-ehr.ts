// The FHIR R4 EHR: an `Ehr` over a FHIR server (SMART Backend Services when a client key is configured), with verification lockouts kept locally.
import { cleanReason, requireDate } from '../requests.ts';
import type { Location, Patient, Practitioner } from '@medplum/fhirtypes';
import { toWallTime, type Clock, type WallTime } from '../../clock.ts';
import { isFrontdeskError } from '../../errors.ts';
import type { AuditTrail } from '../../audit/types.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { isKeyedLastName, lastNameKey, lastNameLockKey, lastNameMatches, normalisePhone } from '../identity.ts';
import type { EhrBackend, EhrDiagnosis } from '../backend.ts';
import { callerLockoutKey, claimLockoutKeys, type LockoutPolicy } from '../verification-lockout.ts';
import type { CallContext, PatientId, VerificationClaim, VerifyResult } from '../types.ts';
import { createFhirClient } from './fhir-client.ts';
import { createFhirDirectory, displayNameOf } from './fhir-directory.ts';
import { createFhirMedications } from './fhir-medications.ts';
import { createFhirScheduling } from './fhir-scheduling.ts';
import { openLocalLockouts, type LocalLockouts } from './local-lockouts.ts';
import { createSmartAuth, type SmartAuth } from './smart-auth.ts';
import { defaultSpecialtyCodes, type SpecialtyCodes } from './specialty-codes.ts';

export interface FhirEhrOptions {
  /** FHIR R4 base URL, e.g. https://ehr.example.org/fhir/R4 */
  baseUrl: string;
  clock: Clock;
  /** Local SQLite file holding verification failures and locks. */
  lockoutFile: string;
  /** Receives 'verification_locked' when a failed attempt starts a lock. */
  auditTrail?: AuditTrail;
  logger?: Logger;
  /** Per HTTP request, ms. Default 5000. */
  timeoutMs?: number;
  specialtyCodes?: SpecialtyCodes;
  /** SMART Backend Services; unset = an open server (a sandbox, or one behind a trusted proxy). */
  smart?: { clientId: string; privateKeyPem: string; keyId?: string; tokenUrl?: string; scope: string };
  lockoutPolicy?: LockoutPolicy;
  defaultCountry?: 'US' | 'CA' | 'GB';
  fetch?: typeof fetch;
  /** Lockouts kept elsewhere (the shared PostgreSQL with FRONTDESK_DATABASE_URL); `lockoutFile` is then not opened. */
  lockouts?: Pick<LocalLockouts, 'close'> & { decide(...input: Parameters<LocalLockouts['decide']>): ReturnType<LocalLockouts['decide']> | Promise<ReturnType<LocalLockouts['decide']>> };
}

export function createFhirEhr(options: FhirEhrOptions): EhrBackend {
  const { clock } = options;
  const logger = options.logger ?? silentLogger();
  const timeoutMs = options.timeoutMs ?? 5000;
  const smart: SmartAuth | undefined = options.smart
    ? createSmartAuth({ baseUrl: options.baseUrl, timeoutMs, ...options.smart, ...(options.fetch ? { fetch: options.fetch } : {}) })
    : undefined;
  const client = createFhirClient({
    baseUrl: options.baseUrl,
    timeoutMs,
    ...(smart ? { authorization: () => smart.authorization(), onUnauthorized: () => smart.invalidate() } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const directory = createFhirDirectory({ client, specialtyCodes: options.specialtyCodes ?? defaultSpecialtyCodes });
  const scheduling = createFhirScheduling({ client, directory, clock, logger });
  const medications = createFhirMedications({ client, clock });
  const lockouts = options.lockouts ?? openLocalLockouts(options.lockoutFile, options.lockoutPolicy);

  /** Minute-resolution wall times round up, so "locked until 10:15" is never earlier than the real end. */
  const wallTimeCeiling = (epochMs: number): WallTime => toWallTime(new Date(Math.ceil(epochMs / 60_000) * 60_000), clock.timeZone);

  async function verify(claim: VerificationClaim, context: CallContext): Promise<VerifyResult> {
    const lastName = claim.lastName.trim();
    if (!lastNameKey(lastName) || !/^\d{4}-\d{2}-\d{2}$/.test(claim.dateOfBirth)) return { outcome: 'mismatch' };
    const phone = normalisePhone(claim.phone, options.defaultCountry);
    // FHIR's string search is "starts with, any case": the exact last name (or, typed on the keypad, its keys) is checked here.
    const hasLastName = (patient: Patient) => (patient.name ?? []).some((name) => name.family !== undefined && lastNameMatches(lastName, name.family));
    // FHIR search values escape "," "$" "|" and the backslash itself; a name holding one must not become an OR.
    const family = lastName.replace(/[\\,$|]/g, (character) => `\\${character}`);
    // A name typed on the keypad is searched for by birth date alone, its records' names compared by their keys.
    const byName: Array<[string, string]> = isKeyedLastName(lastName) ? [] : [['family', family]];
    const candidates = await client.search<Patient>('Patient', [...byName, ['birthdate', claim.dateOfBirth], ['_count', '50']]);
    const matches = candidates.filter(
      (patient) =>
        patient.active !== false &&
        patient.birthDate === claim.dateOfBirth &&
        hasLastName(patient) &&
        (patient.telecom ?? []).some((telecom) => (telecom.system === 'phone' || telecom.system === 'sms') && telecom.value && normalisePhone(telecom.value, options.defaultCountry) === phone),
    );
    // Two records matching every field is as unverifiable as none: no record is chosen for the caller.
    const match = matches.length === 1 ? matches[0]!.id : undefined;
    // Keyed on the claim and the caller's number, never on the records a last name names: no oracle, as with the embedded EHR.
    const { decision, lockStarts } = await lockouts.decide({
      claimKeys: claimLockoutKeys({ lastNameKey: lastNameLockKey(lastName), phone, dateOfBirth: claim.dateOfBirth }),
      ...(context.callerNumber ? { callerKey: callerLockoutKey(context.callerNumber) } : {}),
      match,
      nowMs: clock.now().getTime(),
    });
    for (const lock of lockStarts) {
      options.auditTrail?.append({ sessionId: context.sessionId, action: 'verification_locked', outcome: 'locked', detail: { until: wallTimeCeiling(lock.untilMs), scope: lock.scope } });
    }
    if (decision.outcome === 'verified') return { outcome: 'verified', patientId: decision.patientId as PatientId };
    if (decision.outcome === 'locked') return { outcome: 'locked', until: wallTimeCeiling(decision.untilMs) };
    return { outcome: 'mismatch' };
  }

  async function ping(): Promise<void> {
    await client.search<Practitioner>('Practitioner', [['_count', '1']]);
  }

  const ehr: EhrBackend = {
    verifyPatient: (claim, context) => verify(claim, context),
    searchProviders: (query) => directory.searchProviders(query),
    async getAvailableSlots(query) {
      requireDate(query.date);
      const next = new Date(Date.parse(`${query.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return scheduling.freeSlots(query.providerId, query.date, next);
    },
    async getAvailableDates(query) {
      requireDate(query.after);
      return scheduling.availableDates(query.providerId, query.after, Math.max(0, Math.floor(query.limit)));
    },
    bookAppointment: async (session, request) =>
      scheduling.book(session.patientId, request.slotId, cleanReason(request.reason), `${session.sessionId}:${request.slotId}`),
    getPatientAppointments: (session) => scheduling.upcoming(session.patientId),
    cancelAppointment: (session, appointmentId) => scheduling.cancel(session.patientId, appointmentId),
    rescheduleAppointment: (session, request) =>
      scheduling.reschedule(session.patientId, request.appointmentId, request.newSlotId, `${session.sessionId}:${request.newSlotId}`),

    getMedications: (session) => medications.list(session.patientId),
    requestRefill: (session, request) =>
      medications.requestRefill(session.patientId, request.medicationId, request.pharmacyId, `${session.sessionId}:${request.medicationId}`),
    messageCareTeam: (session, request) =>
      medications.messageCareTeam(session.patientId, request.medicationId, request.topic, `${session.sessionId}:${request.medicationId}`),

    async listVocabulary() {
      // Names for the extractor and speech hints; a server that is down at start must not stop the process.
      try {
        const [locations, practitioners] = await Promise.all([
          client.search<Location>('Location', [['_count', '200']]),
          client.search<Practitioner>('Practitioner', [['_count', '500']]),
        ]);
        return {
          locations: [...new Set(locations.flatMap((location) => (location.name ? [location.name] : [])))].sort(),
          providerNames: [...new Set(practitioners.flatMap((practitioner) => displayNameOf(practitioner.name) ?? []))].sort(),
        };
      } catch (error) {
        logger.warn({ errorCode: isFrontdeskError(error) ? error.code : 'unknown' }, 'FHIR EHR vocabulary could not be read; locations and provider names are not hinted');
        return { locations: [], providerNames: [] };
      }
    },
    // Reading every patient's name out of a clinic's EHR to tune a recogniser is not something a phone line should do.
    listPatientLastNames: async () => [],

    async diagnose(): Promise<EhrDiagnosis> {
      let authenticated: boolean | undefined;
      if (smart) {
        try {
          await smart.authorization();
          authenticated = true;
        } catch {
          authenticated = false;
        }
      }
      return {
        backend: 'fhir',
        endpoint: options.baseUrl,
        authentication: smart ? (authenticated ? `SMART Backend Services (token from ${smart.tokenUrl()})` : 'SMART Backend Services: no token') : 'none configured',
        ...(authenticated === undefined ? {} : { authenticated }),
        refusedSearches: [...directory.refusedSearches],
      };
    },

    ping,
    async close() {
      lockouts.close();
    },
  };
  return ehr;
}
