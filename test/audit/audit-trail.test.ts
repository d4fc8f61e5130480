import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, genesisHash, hashRecord } from '../../src/audit/chain.ts';
import { createFileAuditTrail } from '../../src/audit/file-audit-trail.ts';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import type { AuditEntry, AuditRecord } from '../../src/audit/types.ts';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import { createManualClock } from '../../src/clock.ts';
import { isFrontdeskError } from '../../src/errors.ts';

const entries: AuditEntry[] = [
  { sessionId: 'call-1', action: 'call_started', outcome: 'ok' },
  { sessionId: 'call-1', action: 'verify_patient', outcome: 'verified', patientId: 'P1001' },
  { sessionId: 'call-1', action: 'book_appointment', outcome: 'ok', patientId: 'P1001', detail: { slotId: 'D01-202503061000', appointmentId: 'A-1' } },
  { sessionId: 'call-1', action: 'get_patient_appointments', outcome: 'ok', patientId: 'P1001', detail: { results: 1 } },
  { sessionId: 'call-1', action: 'call_ended', outcome: 'ok', detail: { reason: 'caller-hung-up' } },
];

describe('the hash-chained audit trail', () => {
  let directory = '';
  let path = '';
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'frontdesk-audit-'));
    path = join(directory, 'audit.jsonl');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function writeTrail(count = entries.length) {
    const trail = createFileAuditTrail(path, { clock: createManualClock(new Date('2025-03-05T15:00:00Z')) });
    for (const entry of entries.slice(0, count)) trail.append(entry);
    await trail.close();
  }

  function lines(): string[] {
    return readFileSync(path, 'utf8').trimEnd().split('\n');
  }

  it('writes one JSON line per record, each linked to the one before and hashed over itself', async () => {
    await writeTrail();
    const records = lines().map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((record) => record.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(records[0]!.previousHash).toBe(genesisHash);
    expect(records[0]!.at).toBe('2025-03-05T15:00:00.000Z');
    for (const [index, record] of records.entries()) {
      expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hashRecord(record)).toBe(record.hash);
      if (index > 0) expect(record.previousHash).toBe(records[index - 1]!.hash);
    }
    expect(records[2]).toMatchObject(entries[2]!);
    expect(verifyAuditFile(path)).toEqual({ ok: true, records: 5 });
  });

  it('continues the chain of an existing file', async () => {
    await writeTrail(3);
    const reopened = createFileAuditTrail(path);
    reopened.append(entries[3]!);
    reopened.append(entries[4]!);
    await reopened.close();
    expect(verifyAuditFile(path)).toEqual({ ok: true, records: 5 });
    expect((JSON.parse(lines()[3]!) as AuditRecord).sequence).toBe(3);
  });

  it('detects an edited line as a hash mismatch at that line', async () => {
    await writeTrail();
    const edited = lines();
    edited[2] = edited[2]!.replace('"outcome":"ok"', '"outcome":"conflict"');
    writeFileSync(path, `${edited.join('\n')}\n`);
    expect(verifyAuditFile(path)).toEqual({ ok: false, records: 2, firstBadLine: 3, problem: 'hash-mismatch' });
  });

  it('detects an edit whose hash was recomputed as a broken link on the next line', async () => {
    await writeTrail();
    const edited = lines();
    const record = JSON.parse(edited[1]!) as AuditRecord;
    const forged = { ...record, patientId: 'P1004' };
    edited[1] = canonicalJson({ ...forged, hash: hashRecord(forged) });
    writeFileSync(path, `${edited.join('\n')}\n`);
    expect(verifyAuditFile(path)).toEqual({ ok: false, records: 2, firstBadLine: 3, problem: 'broken-link' });
  });

  it('detects a deleted line', async () => {
    await writeTrail();
    const remaining = lines().filter((_, index) => index !== 1);
    writeFileSync(path, `${remaining.join('\n')}\n`);
    expect(verifyAuditFile(path)).toEqual({ ok: false, records: 1, firstBadLine: 2, problem: 'sequence-gap' });
  });

  it('detects reordered lines', async () => {
    await writeTrail();
    const reordered = lines();
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    writeFileSync(path, `${reordered.join('\n')}\n`);
    expect(verifyAuditFile(path)).toEqual({ ok: false, records: 2, firstBadLine: 3, problem: 'sequence-gap' });
  });

  it('detects a line that is not JSON, and refuses to extend a file whose last line is damaged', async () => {
    await writeTrail();
    appendFileSync(path, '{"sequence":5,"at":"2025-03-05T15:\n');
    expect(verifyAuditFile(path)).toEqual({ ok: false, records: 5, firstBadLine: 6, problem: 'unparseable' });
    const error = (() => {
      try {
        createFileAuditTrail(path);
      } catch (caught) {
        return caught;
      }
    })();
    expect(isFrontdeskError(error, 'AUDIT_TAMPERED')).toBe(true);
  });

  it('keeps every record whose append returned when the process is killed', async () => {
    const worker = fileURLToPath(new URL('./audit-append-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', worker, path, '500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('appended 500')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => code !== null && reject(new Error(`worker exited with ${code}`)));
    });
    await new Promise((resolve) => child.once('close', resolve));
    expect(verifyAuditFile(path)).toEqual({ ok: true, records: 500 });
  });

  it('chains records in memory the same way', () => {
    const trail = createMemoryAuditTrail();
    for (const entry of entries) trail.append(entry);
    const records = trail.records();
    expect(records.map((record) => record.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(records.every((record, index) => hashRecord(record) === record.hash && (index === 0 || record.previousHash === records[index - 1]!.hash))).toBe(true);
  });
});
