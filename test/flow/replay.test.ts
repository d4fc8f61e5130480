// `frontdesk replay`: a booking logged by a real `frontdesk serve` replays identically; a reworded flow is caught at the read-back turn; a wrong key or a missing file is bad input.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCallLog, type RecordedCall } from '../../src/call-log/call-log.ts';
import { replayCommand } from '../../src/flow/replay-command.ts';
import { FrameClient } from '../server/server-support.ts';
import { runCommand } from '../helpers/run-command.ts';

const binary = new URL('../../bin/frontdesk.js', import.meta.url).pathname;
const happyBooking = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/happy-booking.json', import.meta.url), 'utf8')) as { steps: string[] };
const rewordedFlow = join(import.meta.dirname, 'reworded-flow.ts');

const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-replay-'));

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Starts `frontdesk serve` as operators do, on `directory`; resolves once it listens. */
async function startServe(directory: string) {
  const child = spawn(process.execPath, [binary, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', directory, '--now', '2026-12-01T09:00:00-05:00', '--flow', 'scheduling'], {
    // No FRONTDESK_RECORDING_KEY: the server generates the key into its data directory, as on a first start.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', FRONTDESK_RECORDINGS: 'local', FRONTDESK_TIMEZONE: 'America/New_York' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${output.stderr}`)));
  });
  return { child, output, exited, url };
}

/** Takes one typed booking over /ws/text on a real `frontdesk serve`, stops it with SIGTERM; returns the call log's path. */
async function recordBookingWithServe(): Promise<string> {
  const serve = await startServe(dataDir);
  const client = await FrameClient.connect(`ws://${serve.url}/ws/text`);
  await client.next((frame) => frame.type === 'agent', 0);
  for (const line of happyBooking.steps) await client.say(line);
  expect(await client.next((frame) => frame.type === 'end', 0)).toEqual({ type: 'end', reason: 'completed' });
  await client.closed;
  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
  // The server's own log lines (info level) carry no call content (not "1985": a timestamp or an id can hold it).
  expect(serve.output.stdout + serve.output.stderr).not.toMatch(/Smith|1985-01-15|annual checkup|heart doctor|nineteen eighty/);
  const logs = filesUnder(join(dataDir, 'call-logs'));
  expect(logs).toHaveLength(1);
  return logs[0]!;
}

const replay = (argv: string[], env: Record<string, string> = {}) => runCommand((args, output) => replayCommand(args, output, env), argv);

describe('frontdesk replay', () => {
  let logFile: string;
  let recording: RecordedCall;
  let key: string;

  beforeAll(async () => {
    logFile = await recordBookingWithServe();
    key = readFileSync(join(dataDir, 'recording.key'), 'utf8').trim();
    recording = await readCallLog(logFile, Buffer.from(key, 'hex'));
  }, 120_000);

  it('keeps an encrypted log of what the call heard and did, with the flow and the clinic time', async () => {
    const bytes = readFileSync(logFile);
    expect(bytes.includes('Smith')).toBe(false);
    expect(bytes.includes('heart doctor')).toBe(false);
    expect(recording.complete).toBe(true);
    expect(recording.header).toMatchObject({ type: 'call', flow: 'scheduling', clinicNow: '2026-12-01T09:00', today: '2026-12-01', phrased: false });
    const heard = recording.entries.filter((entry) => entry.type === 'caller').map((entry) => entry.type === 'caller' && entry.text);
    expect(heard).toEqual(happyBooking.steps);
    const tools = recording.entries.flatMap((entry) => (entry.type === 'tool' ? [entry] : []));
    expect(tools.map((tool) => tool.actor)).toEqual(['verifyPatient', 'searchProviders', 'getAvailableSlots', 'bookAppointment']);
    expect(tools[0]!.output).toMatchObject({ outcome: 'verified' });
    expect(recording.entries.at(-1)).toEqual({ type: 'end', reason: 'completed' });
    expect(recording.entries.some((entry) => entry.type === 'agent' && entry.key === 'confirmBooking')).toBe(true);
  });

  it('replays the logged call identically against the flow it ran, with the key the server generated in its data directory', async () => {
    const result = await replay([logFile], { FRONTDESK_DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('flow scheduling, clinic time 2026-12-01T09:00, 10 caller turns');
    expect(result.stdout).toMatch(/result: identical \(11 turns/);
    expect(result.code).toBe(0);
  });

  it('reports the read-back turn when the flow rewords it, with the caller line that led there', async () => {
    const result = await replay([logFile, '--flow', rewordedFlow, '--key', key]);
    expect(result.stdout).toContain('replayed against flow scheduling-reworded');
    expect(result.stdout).toContain('turn 8 differs (turns 0–7 identical): the caller said "annual checkup" → caller.spoke');
    expect(result.stdout).toMatch(/ {2}recorded {2}agent \[confirmBooking\] "To confirm: Wednesday, December ninth at nine thirty AM with Dr\. Samuel Whitfield/);
    expect(result.stdout).toContain('  replayed  agent [confirmBooking] "Shall I book that for you?"');
    expect(result.stdout).toContain('result: DIFFERENT at turn 8');
    expect(result.code).toBe(1);
  });

  it('reports a tool the changed flow invokes that the recorded call never answered: the greeting that lists appointments', async () => {
    const result = await replay([logFile, '--flow', join(import.meta.dirname, 'leaky-flow.ts'), '--key', key]);
    expect(result.stdout).toContain('turn 0 differs: the greeting');
    expect(result.stdout).toContain('  same      state greeting');
    expect(result.stdout).toContain('  replayed  tool listAppointments (get_patient_appointments): invoked, but the recorded call has no outcome for it here');
    expect(result.code).toBe(1);
  });

  it('replays a call whose server was killed mid-call, up to its last entry', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'frontdesk-replay-crash-'));
    const serve = await startServe(crashDir);
    const client = await FrameClient.connect(`ws://${serve.url}/ws/text`);
    await client.next((frame) => frame.type === 'agent', 0);
    for (const line of happyBooking.steps.slice(0, 4)) await client.say(line);
    // The fourth line has been taken (the providers it asked for were looked up) when the process dies.
    await client.next((frame) => frame.type === 'tool' && frame.name === 'search_providers', 0);
    serve.child.kill('SIGKILL');
    await serve.exited;
    const [log] = filesUnder(join(crashDir, 'call-logs'));
    const result = await replay([log!, '--data-dir', crashDir]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('4 caller turns (the log stops mid-call: the server stopped before the call ended)');
    expect(result.stdout).toMatch(/result: identical \(5 turns/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('takes the key from FRONTDESK_RECORDING_KEY, as the server does', async () => {
    expect(await replay([logFile], { FRONTDESK_RECORDING_KEY: key, FRONTDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'frontdesk-replay-empty-')) })).toMatchObject({ code: 0 });
  });

  it('refuses a wrong key with a clear message, exit 2', async () => {
    const result = await replay([logFile, '--key', randomBytes(32).toString('hex')]);
    expect(result.stderr).toMatch(/^frontdesk replay: The call log cannot be read: .* does not decrypt with this key \(the wrong recording key, or the file was altered\)\n$/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it('says what is missing: the file, or any recording key', async () => {
    const missing = await replay([join(dataDir, 'no-such.calllog'), '--key', key]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
    const noKey = await replay([logFile, '--data-dir', mkdtempSync(join(tmpdir(), 'frontdesk-replay-empty-'))]);
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('no recording key: pass --key, set FRONTDESK_RECORDING_KEY') });
  });

  it('refuses a file that is not a call log, and a log altered after it was written', async () => {
    const notALog = join(dataDir, 'not-a-log.calllog');
    writeFileSync(notALog, 'hello');
    expect(await replay([notALog, '--key', key])).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a frontdesk call log') });
    const altered = Buffer.from(readFileSync(logFile));
    altered[altered.length - 20]! ^= 0x01;
    const alteredFile = join(dataDir, 'altered.calllog');
    writeFileSync(alteredFile, altered);
    expect(await replay([alteredFile, '--key', key])).toMatchObject({ code: 2, stderr: expect.stringMatching(/record \d+ does not authenticate/) });
  });
});

