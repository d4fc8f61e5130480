// The commands with FRONTDESK_DATABASE_URL: a text call's audit goes to the database, audit verify (no file) accepts it, audit export writes JSON lines the file verifier accepts too, and ehr check reads the PostgreSQL EHR.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

const frontdeskBin = fileURLToPath(new URL('../../bin/frontdesk.js', import.meta.url));
const callFile = fileURLToPath(new URL('../../fixtures/calls/john-smith-books.txt', import.meta.url));

let server: PostgresServer;
let directory: string;
beforeAll(async () => {
  server = await startPostgresServer();
  directory = mkdtempSync(join(tmpdir(), 'frontdesk-commands-'));
});
afterAll(() => {
  server?.destroy();
  rmSync(directory, { recursive: true, force: true });
});

function frontdesk(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [frontdeskBin, ...args], { env: { ...process.env, FRONTDESK_DATA_DIR: directory, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

describe('frontdesk commands on PostgreSQL', () => {
  it('keeps a text call in the database, verifies the chain there, and exports it as JSON lines the file verifier accepts', async () => {
    const env = { FRONTDESK_DATABASE_URL: await server.createDatabase(), FRONTDESK_AUDIT_KEY: randomBytes(32).toString('hex') };
    const chat = await frontdesk(['chat', '--jsonl', '--now', '2026-12-01T09:00:00-05:00'], env, readFileSync(callFile, 'utf8'));
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain('"name":"book_appointment","ok":true');
    const verified = await frontdesk(['audit', 'verify'], env);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^audit chain in the database intact: [1-9]\d* records/);
    const exported = join(directory, 'exported.jsonl');
    expect((await frontdesk(['audit', 'export', exported], env)).code).toBe(0);
    const lines = readFileSync(exported, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).action)).toEqual(expect.arrayContaining(['call_started', 'verify_patient', 'book_appointment', 'call_ended']));
    const fileCheck = await frontdesk(['audit', 'verify', exported], env);
    expect(fileCheck.stdout).toMatch(/intact/);
    // The export holds ids and actions, never the caller's details.
    expect(readFileSync(exported, 'utf8')).not.toMatch(/Smith|1985|0101234|annual checkup/);
  }, 60_000);

  it('audit verify without a file and without a database says what to give it', async () => {
    const result = await frontdesk(['audit', 'verify'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FRONTDESK_DATABASE_URL is unset');
  });

  it('ehr check reads the embedded EHR in PostgreSQL', async () => {
    const env = { FRONTDESK_DATABASE_URL: await server.createDatabase() };
    const result = await frontdesk(['ehr', 'check', '--now', '2026-12-01T09:00:00-05:00'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('postgres');
    expect(result.stdout).toContain('can serve a call: yes');
  }, 60_000);
});
