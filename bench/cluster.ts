// `npm run bench:cluster`: N calls spread over 1, 2 and 3 `frontdesk serve` processes on one PostgreSQL, against one process on SQLite and files, on this machine: per-turn latency, EHR (database) time per tool call, and Twilio hand-offs answered by another instance.
// `npm run bench:cluster -- 90` runs 90 text calls per configuration (default 60) and a sixth as many Twilio calls.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startInstance, webSocketOrigin, type FrontdeskInstance } from '../test/helpers/frontdesk-cluster.ts';
import { startPostgresServer } from '../test/helpers/postgres-server.ts';
import { TwilioTestClient } from '../test/helpers/twilio-client.ts';
import { FrameClient, scenarioNow } from '../test/server/server-support.ts';

const root = join(import.meta.dirname, '..');
const resultsDirectory = join(root, 'bench/results');
const textCalls = Number(process.argv[2] ?? 60);
const twilioCalls = Math.max(3, Math.round(textCalls / 6));
/** Callers ring spread over this window, ms: a busy line, not a single instant. */
const arrivalWindowMs = 5000;

/** Each text call verifies and hears the patient's appointments: one verification (lockout rows), one listing, audit records. */
const patients = [
  ['what appointments do I have', 'Chen', 'November 2nd 1990', '555-010-9012', 'no thanks'],
  ['what appointments do I have', 'Garcia', 'March 14th 1972', '555-010-5678', 'no thanks'],
  ['what appointments do I have', 'Smith', 'January 15th 1985', '555-010-1234', 'no thanks'],
];

interface Configuration {
  name: string;
  instances: number;
  shared: boolean;
}

interface Result {
  configuration: string;
  instances: number;
  sharedState: 'postgres' | 'sqlite and files';
  textCalls: { completed: number; failed: number };
  /** Caller line sent → first agent line back, ms. */
  turnMs: { p50: number; p99: number; count: number };
  /** EHR time per tool call as the session measured it (the database round trips on Postgres), ms, by tool. */
  toolMs: Record<string, { p50: number; p99: number; count: number }>;
  twilio: {
    calls: number;
    /** Stream start → first agent audio, ms. */
    greetingMs: { p50: number; p99: number };
    /** The <Connect> action on another instance than the media stream's (when there is one) → TwiML back, ms. */
    afterStreamMs: { p50: number; p99: number };
    transferred: number;
  };
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! * 10) / 10;
}

async function textCall(instance: FrontdeskInstance, lines: readonly string[], turns: number[], tools: Map<string, number[]>): Promise<boolean> {
  const client = await FrameClient.connect(webSocketOrigin(instance, '/ws/text'));
  await client.next((frame) => frame.type === 'agent', 0);
  for (const line of lines) {
    const sentAt = performance.now();
    await client.say(line);
    turns.push(performance.now() - sentAt);
  }
  const end = await client.next((frame) => frame.type === 'end', 0);
  for (const tool of client.ofType('tool')) {
    const list = tools.get(String(tool.name)) ?? [];
    list.push(Number(tool.durationMs));
    tools.set(String(tool.name), list);
  }
  return end.reason === 'completed';
}

async function twilioCall(media: FrontdeskInstance, webhook: FrontdeskInstance): Promise<{ greetingMs: number; afterStreamMs: number; transferred: boolean }> {
  const client = new TwilioTestClient({ url: webSocketOrigin(media, '/twilio/media') });
  await client.start();
  const startedAt = performance.now();
  const firstMedia = await client.firstMediaAfter(0, 60_000);
  client.pressDigit('0');
  client.pressDigit('#');
  await client.closed;
  const askedAt = performance.now();
  const twiml = await fetch(`${webhook.origin}/twilio/after-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ CallSid: client.callSid }),
  }).then((response) => response.text());
  return { greetingMs: firstMedia - startedAt, afterStreamMs: performance.now() - askedAt, transferred: twiml.includes('<Dial>') };
}

async function measure(configuration: Configuration): Promise<Result> {
  const postgres = configuration.shared ? await startPostgresServer() : undefined;
  const databaseUrl = postgres ? await postgres.createDatabase('frontdesk_bench') : undefined;
  const instances = await Promise.all(
    Array.from({ length: configuration.instances }, (_, index) =>
      startInstance({
        ...(databaseUrl ? { databaseUrl } : {}),
        instanceId: `bench-${index}`,
        now: scenarioNow,
        env: { FRONTDESK_HANDOFF_NUMBER: '+15550123456', FRONTDESK_AUDIT_KEY: 'ab'.repeat(32) },
      }),
    ),
  );
  try {
    const turns: number[] = [];
    const tools = new Map<string, number[]>();
    const twilioResults: Array<{ greetingMs: number; afterStreamMs: number; transferred: boolean }> = [];
    const textOutcomes = Promise.all(
      Array.from({ length: textCalls }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, (index * arrivalWindowMs) / textCalls));
        return textCall(instances[index % instances.length]!, patients[index % patients.length]!, turns, tools).catch(() => false);
      }),
    );
    const twilioOutcomes = Promise.all(
      Array.from({ length: twilioCalls }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, (index * arrivalWindowMs) / twilioCalls));
        // The webhook goes to the next instance: with more than one, never the one that carried the stream.
        const result = await twilioCall(instances[index % instances.length]!, instances[(index + 1) % instances.length]!).catch(() => undefined);
        if (result) twilioResults.push(result);
      }),
    );
    const outcomes = await textOutcomes;
    await twilioOutcomes;
    return {
      configuration: configuration.name,
      instances: configuration.instances,
      sharedState: configuration.shared ? 'postgres' : 'sqlite and files',
      textCalls: { completed: outcomes.filter(Boolean).length, failed: outcomes.filter((outcome) => !outcome).length },
      turnMs: { p50: percentile(turns, 0.5), p99: percentile(turns, 0.99), count: turns.length },
      toolMs: Object.fromEntries([...tools].map(([name, values]) => [name, { p50: percentile(values, 0.5), p99: percentile(values, 0.99), count: values.length }])),
      twilio: {
        calls: twilioResults.length,
        greetingMs: { p50: percentile(twilioResults.map((result) => result.greetingMs), 0.5), p99: percentile(twilioResults.map((result) => result.greetingMs), 0.99) },
        afterStreamMs: { p50: percentile(twilioResults.map((result) => result.afterStreamMs), 0.5), p99: percentile(twilioResults.map((result) => result.afterStreamMs), 0.99) },
        transferred: twilioResults.filter((result) => result.transferred).length,
      },
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    postgres?.destroy();
  }
}

const configurations: Configuration[] = [
  { name: '1 instance, SQLite and files', instances: 1, shared: false },
  { name: '1 instance, PostgreSQL', instances: 1, shared: true },
  { name: '2 instances, PostgreSQL', instances: 2, shared: true },
  { name: '3 instances, PostgreSQL', instances: 3, shared: true },
];

const results: Result[] = [];
for (const configuration of configurations) {
  process.stderr.write(`bench:cluster: ${configuration.name}, ${textCalls} text calls and ${twilioCalls} Twilio calls…\n`);
  results.push(await measure(configuration));
}

const baseline = results[0]!;
const toolNames = [...new Set(results.flatMap((result) => Object.keys(result.toolMs)))].sort();
const ratio = (value: number, base: number) => (Number.isFinite(value) && base > 0 ? `${Math.round((value / base) * 10) / 10}×` : '–');
const lines = [
  `# bench:cluster`,
  '',
  `${textCalls} text calls (verify, list appointments, goodbye; 5 caller lines each) and ${twilioCalls} Twilio calls (greeting, 0 for staff, the <Connect> action sent to another instance when there is one), arriving over ${arrivalWindowMs / 1000} s, per configuration; all instances, PostgreSQL and the callers on this machine (${cpus().length} cores, shared). Run: \`npm run bench:cluster -- ${textCalls}\`.`,
  '',
  '| configuration | text calls completed | turn p50 / p99 ms | turn p50 vs SQLite | Twilio greeting p50 / p99 ms | after-stream p50 / p99 ms | transferred |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (result) =>
      `| ${result.configuration} | ${result.textCalls.completed}/${textCalls} | ${result.turnMs.p50} / ${result.turnMs.p99} | ${ratio(result.turnMs.p50, baseline.turnMs.p50)} | ${result.twilio.greetingMs.p50} / ${result.twilio.greetingMs.p99} | ${result.twilio.afterStreamMs.p50} / ${result.twilio.afterStreamMs.p99} | ${result.twilio.transferred}/${twilioCalls} |`,
  ),
  '',
  'EHR time per tool call (p50 / p99 ms, as the session measured it; on PostgreSQL that is the database round trips):',
  '',
  `| configuration | ${toolNames.join(' | ')} |`,
  `|---|${toolNames.map(() => '---').join('|')}|`,
  ...results.map((result) => `| ${result.configuration} | ${toolNames.map((name) => (result.toolMs[name] ? `${result.toolMs[name]!.p50} / ${result.toolMs[name]!.p99}` : '–')).join(' | ')} |`),
  '',
];
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, 'cluster.json'), `${JSON.stringify({ textCalls, twilioCalls, arrivalWindowMs, cores: cpus().length, results }, null, 2)}\n`);
writeFileSync(join(resultsDirectory, 'cluster.md'), `${lines.join('\n')}`);
process.stdout.write(`${lines.join('\n')}`);
