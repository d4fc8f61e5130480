// Scenario files (docs/scenarios.md): a call's caller lines and what must come of it, run through the text channel on a fresh EHR and audit file, and checked into readable differences.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditRecord } from '../audit/types.ts';
import { verifyAuditFile, type AuditVerification } from '../audit/verify-audit-file.ts';
import { openCallRuntime, type CallRuntime, type CallRuntimeOptions } from '../dialog/call-runtime.ts';
import type { Appointment, PatientId, SlotId } from '../ehr/types.ts';
import { silentLogger } from '../log.ts';
import { runJsonlChannel, type ChannelEvent } from '../transports/text-channel.ts';
import { defaultScenarioFlowName, loadFlow } from './catalogue.ts';
import type { Flow } from './types.ts';

const otherCallerBooks = z.object({ otherCallerBooks: z.object({ patientId: z.string(), slotId: z.string() }) }).strict();
const step = z.union([z.string(), otherCallerBooks]);
const appointmentShape = z.object({ providerId: z.string(), start: z.string(), reason: z.string().optional() }).strict();

export const scenarioSchema = z
  .object({
    description: z.string(),
    /** The flow the call runs (a catalogue name); default "scheduling", the flow scenarios were first written for. */
    flow: z.string().optional(),
    /** The clinic clock's start, ISO-8601. */
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

/** Reads and validates a scenario file; throws with the file and the first problem. */
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

/**
 * Runs the scenario on a fresh EHR (the embedded SQLite one seeded from fixtures/ehr, unless `runtime` names another)
 * and a fresh audit file, with the clinic clock at the scenario's `now`; the flow is `options.flow`, else the one the
 * scenario names, else scheduling.
 */
export async function runScenario(
  scenario: Scenario,
  options: { flow?: Flow; runtime?: Partial<CallRuntimeOptions> } = {},
): Promise<ScenarioRun> {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-scenario-'));
  const auditFile = join(directory, 'audit.jsonl');
  const runtime = await openCallRuntime({
    databaseFile: join(directory, 'ehr.db'),
    auditFile,
    timeZone: 'America/New_York',
    now: new Date(scenario.now),
    logger: silentLogger(),
    flow: options.flow ?? (await loadFlow(scenario.flow ?? defaultScenarioFlowName)),
    ...options.runtime,
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
  }
  const audit = readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
  return { events, endReason, upcoming, audit, auditCheck: verifyAuditFile(auditFile), directory };
}

/** Finds each wanted item after the previous one's place; returns the first missing item's index, or -1. */
function inOrder<T, W>(actual: T[], wanted: W[], matches: (candidate: T, item: W) => boolean): { missing: number; after: number } {
  let from = 0;
  for (const [index, item] of wanted.entries()) {
    const found = actual.findIndex((candidate, position) => position >= from && matches(candidate, item));
    if (found < 0) return { missing: index, after: from };
    from = found + 1;
  }
  return { missing: -1, after: from };
}

const shown = (value: unknown) => JSON.stringify(value);

/** What a scenario run did differently from what the scenario expects, as readable lines ("expected … / actual …"); empty when it passed. */
export function scenarioDifferences(scenario: Scenario, run: ScenarioRun): string[] {
  const wanted = scenario.expect;
  const differences: string[] = [];
  if (run.endReason !== wanted.end) differences.push(`end: expected ${wanted.end}, actual ${run.endReason}`);
  const last = run.events.at(-1);
  if (last?.type !== 'end') differences.push(`events: expected the last to be the end of the call, actual ${shown(last ?? null)}`);

  const tools = run.events.flatMap((event) => (event.type === 'tool' ? [{ name: event.name, ok: event.ok }] : []));
  const toolOrder = inOrder(tools, wanted.tools, (candidate, item) => candidate.name === item.name && candidate.ok === item.ok);
  if (toolOrder.missing >= 0) {
    differences.push(`tools: expected ${shown(wanted.tools[toolOrder.missing])} (in order), actual ${tools.map((tool) => `${tool.name}:${tool.ok ? 'ok' : 'failed'}`).join(', ') || 'none'}`);
  }
  for (const name of wanted.noTools) if (tools.some((tool) => tool.name === name)) differences.push(`tools: expected no ${name}, actual it ran`);

  const lines = run.events.flatMap((event) => (event.type === 'agent' ? [event.text] : []));
  const lineOrder = inOrder(lines, wanted.agentSays, (line, pattern) => new RegExp(pattern, 'i').test(line));
  if (lineOrder.missing >= 0) {
    differences.push(`agent lines: expected /${wanted.agentSays[lineOrder.missing]}/ after line ${lineOrder.after}, actual:`);
    for (const [index, line] of lines.entries()) differences.push(`  ${index + 1}. ${line}`);
  }

  const states = new Set(run.events.flatMap((event) => (event.type === 'state' ? [event.value] : [])));
  for (const state of wanted.states) if (!states.has(state)) differences.push(`states: expected to pass ${state}, actual ${[...states].join(' → ')}`);

  for (const [patientId, appointments] of Object.entries(wanted.upcoming)) {
    const withReason = appointments.some((appointment) => appointment.reason !== undefined);
    const pick = ({ providerId, start, reason }: { providerId: string; start: string; reason?: string }) => ({ providerId, start, ...(withReason ? { reason } : {}) });
    const actual = (run.upcoming[patientId] ?? []).map(pick).sort((a, b) => a.start.localeCompare(b.start));
    const expected = appointments.map(pick);
    if (shown(actual) !== shown(expected)) differences.push(`EHR upcoming for ${patientId}: expected ${shown(expected)}, actual ${shown(actual)}`);
  }

  if (!run.auditCheck.ok) differences.push(`audit: the chain does not verify (${shown(run.auditCheck)})`);
  const auditOrder = inOrder(run.audit, wanted.audit, (candidate, record) =>
    candidate.action === record.action &&
    (record.outcome === undefined || candidate.outcome === record.outcome) &&
    (record.patientId === undefined || candidate.patientId === record.patientId),
  );
  if (auditOrder.missing >= 0) {
    differences.push(`audit: expected ${shown(wanted.audit[auditOrder.missing])} (in order), actual ${run.audit.map((record) => `${record.action}:${record.outcome}`).join(', ')}`);
  }
  const lastCall = run.audit.filter((record) => record.action === 'call_ended').at(-1);
  if (lastCall?.detail?.reason !== wanted.end) differences.push(`audit: expected the call to end as ${wanted.end}, actual ${shown(lastCall?.detail ?? null)}`);
  return differences;
}
