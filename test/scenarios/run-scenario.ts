// Drives one fixture scenario through the text channel on a fresh EHR file and audit file, returning what a checker looks at.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditRecord } from '../../src/audit/types.ts';
import { verifyAuditFile, type AuditVerification } from '../../src/audit/verify-audit-file.ts';
import { openCallRuntime, type CallRuntime } from '../../src/dialog/call-runtime.ts';
import type { Appointment, PatientId, SlotId } from '../../src/ehr/types.ts';
import { silentLogger } from '../../src/log.ts';
import { startFhirServer, type FhirServer } from '../helpers/fhir-server.ts';
import { runJsonlChannel, type ChannelEvent } from '../../src/transports/text-channel.ts';

const otherCallerBooks = z.object({ otherCallerBooks: z.object({ patientId: z.string(), slotId: z.string() }) }).strict();
const step = z.union([z.string(), otherCallerBooks]);
const appointmentShape = z.object({ providerId: z.string(), start: z.string(), reason: z.string().optional() }).strict();

export const scenarioSchema = z
  .object({
    description: z.string(),
    now: z.string(),
    /** Earlier calls on the same EHR and audit file (e.g. failed attempts before this one). */
    before: z.array(z.array(step)).default([]),
    steps: z.array(step),
    expect: z
      .object({
        end: z.enum(['completed', 'handoff', 'lockout', 'emergency', 'hangup', 'no-input']),
        /** Tool calls that must appear, in this order (others may come between). */
        tools: z.array(z.object({ name: z.string(), ok: z.boolean() }).strict()).default([]),
        /** Tool names that must not appear at all. */
        noTools: z.array(z.string()).default([]),
        /** Regular expressions, each matching a later agent line than the one before. */
        agentSays: z.array(z.string()).default([]),
        /** States the call must pass through. */
        states: z.array(z.string()).default([]),
        /** Each patient's upcoming booked appointments after the call, exactly. */
        upcoming: z.record(z.string(), z.array(appointmentShape)).default({}),
        /** Audit records that must appear in this order (fields compared when given). */
        audit: z.array(z.object({ action: z.string(), outcome: z.string().optional(), patientId: z.string().optional() }).strict()).default([]),
      })
      .strict(),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;

export interface ScenarioRun {
  events: ChannelEvent[];
  endReason: string;
  upcoming: Record<string, Array<Pick<Appointment, 'providerId' | 'start' | 'reason'>>>;
  audit: AuditRecord[];
  auditCheck: AuditVerification;
  directory: string;
}

export function loadScenario(path: string): Scenario {
  return scenarioSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

async function runCall(runtime: CallRuntime, steps: Scenario['steps'], events: ChannelEvent[]): Promise<string> {
  const session = runtime.openSession();
  async function* lines() {
    for (const entry of steps) {
      if (typeof entry === 'string') {
        yield entry;
        continue;
      }
      // Another caller, verified in their own session, takes the slot while this caller is still deciding.
      const { patientId, slotId } = entry.otherCallerBooks;
      await runtime.store.bookAppointment({ sessionId: 'other-caller', patientId: patientId as PatientId }, { slotId: slotId as SlotId, reason: 'booked by another caller' });
    }
  }
  return runJsonlChannel({ session, lines: lines(), write: (line) => events.push(JSON.parse(line) as ChannelEvent) });
}

/** The EHR backends every scenario runs on, with the same expectations. */
export const scenarioBackends = ['sqlite', 'fhir'] as const;
export type ScenarioBackend = (typeof scenarioBackends)[number];

/**
 * Runs the scenario on a fresh EHR: the embedded SQLite one, or a local FHIR server seeded with the same clinic
 * (test/helpers/fhir-server.ts) reached through the FHIR adapter, with its lockouts in a fresh local file.
 */
export async function runScenario(scenario: Scenario, options: { backend?: ScenarioBackend } = {}): Promise<ScenarioRun> {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-scenario-'));
  const auditFile = join(directory, 'audit.jsonl');
  const timeZone = 'America/New_York';
  let fhirServer: FhirServer | undefined;
  if (options.backend === 'fhir') fhirServer = await startFhirServer({ now: new Date(scenario.now), timeZone });
  const runtime = await openCallRuntime({
    databaseFile: join(directory, 'ehr.db'),
    ...(fhirServer ? { ehr: { backend: 'fhir' as const, fhir: { baseUrl: fhirServer.baseUrl, scope: '', timeoutMs: 5000, specialtyCodes: {} } } } : {}),
    auditFile,
    timeZone,
    now: new Date(scenario.now),
    logger: silentLogger(),
  });
  const events: ChannelEvent[] = [];
  let endReason: string;
  const upcoming: ScenarioRun['upcoming'] = {};
  try {
    for (const earlier of scenario.before) await runCall(runtime, earlier, []);
    endReason = await runCall(runtime, scenario.steps, events);
    for (const patientId of Object.keys(scenario.expect.upcoming)) {
      const appointments = await runtime.store.getPatientAppointments({ sessionId: 'scenario-check', patientId: patientId as PatientId });
      upcoming[patientId] = appointments
        .filter((appointment) => appointment.status === 'booked')
        .map(({ providerId, start, reason }) => ({ providerId, start, reason }));
    }
  } finally {
    await runtime.close();
    await fhirServer?.close();
  }
  const audit = readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
  return { events, endReason, upcoming, audit, auditCheck: verifyAuditFile(auditFile), directory };
}
