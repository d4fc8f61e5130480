// The clinic each call rings: `frontdesk serve` in a child process on a loopback port, on a fresh data dir whose EHR is the fixtures seeded at a fixed clinic time, with one fully booked day.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readCallLog } from '../../src/call-log/call-log.ts';
import { callLogDirectoryName } from '../../src/server/call-logs.ts';
import { fullyBookedDay } from './personas.ts';

const root = join(import.meta.dirname, '..', '..');
/** The clinic clock's start: Tuesday December 1, 2026, 9:00 in New York; slots and "this Friday" follow from it. */
export const clinicNow = '2026-12-01T09:00:00-05:00';
export const clinicTimeZone = 'America/New_York';

/**
 * The seeded EHR every call starts from: the fixtures as `frontdesk serve` would seed a new database at `clinicNow`,
 * then every cardiology slot of the fully booked day taken, so the caller who insists on it meets "no openings".
 * Returns the template's path; each call gets a copy.
 */
export async function seedTemplate(directory: string): Promise<string> {
  const [{ openCallRuntime }, { silentLogger }] = await Promise.all([import('../../src/dialog/call-runtime.ts'), import('../../src/log.ts')]);
  const file = join(directory, 'template.sqlite');
  const runtime = await openCallRuntime({ databaseFile: file, auditFile: join(directory, 'template-audit.jsonl'), now: new Date(clinicNow), timeZone: clinicTimeZone, logger: silentLogger() });
  await runtime.close();
  const database = new Database(file);
  try {
    const taken = database
      .prepare(`UPDATE slots SET status = 'blocked' WHERE start LIKE ? AND provider_id IN (SELECT provider_id FROM providers WHERE specialty = ?)`)
      .run(`${fullyBookedDay.date}%`, fullyBookedDay.specialty);
    if (taken.changes === 0) throw new Error(`no ${fullyBookedDay.specialty} slots on ${fullyBookedDay.date} to take: did the fixtures change?`);
  } finally {
    database.close();
  }
  return file;
}

/** Servers still running, killed if the bench itself exits early, so none outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** One running server for one call. */
export interface Clinic {
  port: number;
  dataDirectory: string;
  databaseFile: string;
  auditFile: string;
  /** Hex key of the call's recordings and call log. */
  recordingKey: string;
  /** The agent's lines so far, from the call's log: the words a person on the line hears (Twilio sends only audio). */
  agentLines(): Promise<string[]>;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), remove the data dir unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

/**
 * Starts `frontdesk serve --port 0` on a copy of the template: the embedded defaults (SQLite EHR, PocketSphinx,
 * espeak-ng), recordings and call logs on under one key of the run's (the caller reads the agent's words from the
 * call log), one speech worker thread (one call per process). Resolves once it prints its address.
 */
export function openClinic(template: string): Promise<Clinic> {
  // One start at a time: a start costs ~5 s of CPU (tsx, models), and ten at once on two shared cores take minutes each.
  const started = starting.then(() => startClinic(template));
  starting = started.catch(() => {});
  return started;
}

let starting: Promise<unknown> = Promise.resolve();

async function startClinic(template: string): Promise<Clinic> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-callers-clinic-'));
  const databaseFile = join(dataDirectory, 'ehr.sqlite');
  const auditFile = join(dataDirectory, 'audit.jsonl');
  copyFileSync(template, databaseFile);
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/frontdesk.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDirectory, '--db', databaseFile, '--audit', auditFile, '--now', clinicNow], {
    cwd: root,
    env: { ...process.env, FRONTDESK_TIMEZONE: clinicTimeZone, FRONTDESK_RECORDINGS: 'local', FRONTDESK_RECORDING_KEY: recordingKey, FRONTDESK_STT_THREADS: '1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // The server's log (ids and reasons, no PHI) is kept only to say why a start failed.
  let errorOutput = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (process.env.BENCH_LOG_LEVEL) process.stderr.write(chunk);
    errorOutput = (errorOutput + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child);
    resolve();
  }));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rmSync(dataDirectory, { recursive: true, force: true });
      reject(new Error('frontdesk serve did not start within 120 s'));
    }, 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!/listening on/.test(output)) rmSync(dataDirectory, { recursive: true, force: true });
      reject(new Error(`frontdesk serve exited with ${code} before listening: ${errorOutput.trim().split('\n').at(-1) ?? ''}`));
    });
  });
  return {
    port,
    dataDirectory,
    databaseFile,
    auditFile,
    recordingKey,
    agentLines: () => agentLinesOf(dataDirectory),
    async close(options = {}) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
      if (!options.keep) rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** One key for every server of the run: recordings and call logs are on, as by default. */
const recordingKey = randomBytes(32).toString('hex');

async function agentLinesOf(dataDirectory: string): Promise<string[]> {
  const directory = join(dataDirectory, callLogDirectoryName);
  let files: string[];
  try {
    files = (await readdir(directory, { recursive: true })).filter((file) => file.endsWith('.calllog'));
  } catch {
    return [];
  }
  if (files.length === 0) return [];
  const { entries } = await readCallLog(join(directory, files[0]!), Buffer.from(recordingKey, 'hex'));
  return entries.flatMap((entry) => (entry.type === 'agent' ? [entry.text] : []));
}

/** The audit trail of a call's server: one JSON record per line. */
export interface AuditRecord {
  action: string;
  outcome: string;
  patientId?: string;
  detail?: Record<string, unknown>;
}

export function readAudit(file: string): AuditRecord[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}
