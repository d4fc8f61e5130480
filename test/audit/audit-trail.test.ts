import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, genesisMac, macRecord, type ChainProblem } from '../../src/audit/chain.ts';
import { createFileAuditTrail } from '../../src/audit/file-audit-trail.ts';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import type { AuditEntry, AuditRecord } from '../../src/audit/types.ts';
import { verifyAuditFile } from '../../src/audit/verify-audit-file.ts';
import { createManualClock } from '../../src/clock.ts';

const entries: AuditEntry[] = [
  { sessionId: 'call-1', action: 'call_started', outcome: 'ok' },
  { sessionId: 'call-1', action: 'verify_patient', outcome: 'verified', patientId: 'P1001' },
  { sessionId: 'call-1', action: 'book_appointment', outcome: 'ok', patientId: 'P1001', detail: { slotId: 'D01-202503061000', appointmentId: 'A-1' } },
  { sessionId: 'call-1', action: 'get_patient_appointments', outcome: 'ok', patientId: 'P1001', detail: { results: 1 } },
  { sessionId: 'call-1', action: 'call_ended', outcome: 'ok', detail: { reason: 'caller-hung-up' } },
];

/** What an attacker who can write the file but has not the key does: recompute every MAC after an edit with a key of their own. */
const attackerKey = randomBytes(32);
function rechain(records: AuditRecord[]): string[] {
  let previousMac = genesisMac;
  return records.map((record, index) => {
    const relinked = { ...record, sequence: index, previousMac };
    const mac = macRecord(relinked, attackerKey);
    previousMac = mac;
    return canonicalJson({ ...relinked, mac });
  });
}

describe('the keyed, checkpointed audit trail', () => {
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

  const lines = (): string[] => readFileSync(path, 'utf8').trimEnd().split('\n');
  const records = (): AuditRecord[] => lines().map((line) => JSON.parse(line) as AuditRecord);
  const rewrite = (text: string[]) => writeFileSync(path, `${text.join('\n')}\n`);
  const found = () => verifyAuditFile(path).problems.map(({ line, problem }) => [line, problem] as [number, ChainProblem]);

  it('writes one JSON line per record, each MAC-chained to the one before with a key kept beside it, 0600', async () => {
    await writeTrail();
    const written = records();
    expect(written.map((record) => record.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(written[0]!.previousMac).toBe(genesisMac);
    expect(written[0]!.at).toBe('2025-03-05T15:00:00.000Z');
    const key = Buffer.from(readFileSync(join(directory, 'audit.key'), 'utf8').trim(), 'hex');
    for (const [index, record] of written.entries()) {
      expect(macRecord(record, key)).toBe(record.mac);
      if (index > 0) expect(record.previousMac).toBe(written[index - 1]!.mac);
    }
    expect(written[2]).toMatchObject(entries[2]!);
    expect(readFileSync(path, 'utf8')).not.toContain(key.toString('hex'));
    for (const file of ['audit.jsonl', 'audit.key', 'audit.checkpoints.jsonl']) expect(statSync(join(directory, file)).mode & 0o777).toBe(0o600);
    expect(verifyAuditFile(path)).toEqual({ ok: true, records: 5, segments: 1, checkpoints: 1, problems: [] });
  });

  it('signs a checkpoint (head MAC, record count, time) after every call ends and at close', async () => {
    await writeTrail();
    const checkpoints = readFileSync(join(directory, 'audit.checkpoints.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(checkpoints).toEqual([expect.objectContaining({ records: 5, sequence: 4, mac: records()[4]!.mac, at: '2025-03-05T15:00:00.000Z', signature: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('continues the chain of an existing file, verified since the last checkpoint', async () => {
    await writeTrail();
    const reopened = createFileAuditTrail(path);
    expect(reopened.breakFound).toBeUndefined();
    expect(reopened.crashedCalls).toEqual([]);
    for (const entry of entries) reopened.append({ ...entry, sessionId: 'call-2' });
    await reopened.close();
    expect(verifyAuditFile(path)).toMatchObject({ ok: true, records: 10, segments: 1, checkpoints: 2 });
    expect(records().map((record) => record.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  describe('names each of the ten tamperings', () => {
    it('1. an edited field: mac-mismatch at that line', async () => {
      await writeTrail();
      const edited = lines();
      edited[2] = edited[2]!.replace('"outcome":"ok"', '"outcome":"conflict"');
      rewrite(edited);
      expect(found()).toEqual([[3, 'mac-mismatch']]);
    });

    it('2. an edit whose own MAC was recomputed without the key: mac-mismatch at that line', async () => {
      await writeTrail();
      const edited = lines();
      const forged = { ...records()[1]!, patientId: 'P1004' };
      edited[1] = canonicalJson({ ...forged, mac: macRecord(forged, attackerKey) });
      rewrite(edited);
      expect(found()[0]).toEqual([2, 'mac-mismatch']);
    });

    it('3. a deleted line: sequence-gap', async () => {
      await writeTrail();
      rewrite(lines().filter((_, index) => index !== 1));
      expect(found()).toEqual([[2, 'sequence-gap'], [5, 'truncated']]);
    });

    it('4. reordered lines: sequence-gap', async () => {
      await writeTrail();
      const reordered = lines();
      [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
      rewrite(reordered);
      expect(found()[0]).toEqual([3, 'sequence-gap']);
    });

    it('5. a line that is not JSON: unparseable', async () => {
      await writeTrail();
      appendFileSync(path, '{"sequence":5,"at":"2025-03-05T15:\n');
      expect(found()).toEqual([[6, 'unparseable']]);
    });

    it('6. a damaged last line is never extended silently: a new segment names the break', async () => {
      await writeTrail();
      appendFileSync(path, '{"sequence":5,"at":"2025-03-05T15:');
      const reopened = createFileAuditTrail(path);
      expect(reopened.breakFound).toEqual({ problem: 'unparseable', line: 6 });
      reopened.append({ sessionId: 'call-2', action: 'call_started', outcome: 'ok' });
      reopened.append({ sessionId: 'call-2', action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
      await reopened.close();
      const text = lines();
      expect(JSON.parse(text[6]!)).toMatchObject({ sequence: 0, previousMac: genesisMac, action: 'audit_segment_started', outcome: 'chain_broken', detail: { problem: 'unparseable', line: 6 } });
      const result = verifyAuditFile(path);
      expect(result).toMatchObject({ ok: false, records: 9, segments: 2 });
      expect(result.problems).toEqual([{ line: 6, problem: 'unparseable' }, { line: 7, problem: 'segment-after-break', detail: 'unparseable' }]);
    });

    it('7. the last line dropped: truncated (before the last checkpoint)', async () => {
      await writeTrail();
      rewrite(lines().slice(0, -1));
      expect(found()).toEqual([[5, 'truncated']]);
    });

    it('7b. truncation back to any point before the last checkpoint', async () => {
      await writeTrail();
      for (const keep of [0, 1, 2, 3]) {
        writeFileSync(path, keep === 0 ? '' : `${lines().slice(0, keep).join('\n')}\n`);
        expect(found()).toEqual([[5, 'truncated']]);
        rmSync(join(directory, 'audit.checkpoints.jsonl'));
        rmSync(path);
        await writeTrail();
      }
    });

    it('8. an appended record with its MAC computed without the key: mac-mismatch', async () => {
      await writeTrail();
      const last = records().at(-1)!;
      const appended = { ...last, sequence: 5, previousMac: last.mac, action: 'book_appointment', detail: { slotId: 'D01-1' } } as AuditRecord;
      appendFileSync(path, `${canonicalJson({ ...appended, mac: macRecord(appended, attackerKey) })}\n`);
      expect(found()).toEqual([[6, 'mac-mismatch']]);
    });

    it('9. a field edited with the chain recomputed after it: mac-mismatch at the edit', async () => {
      await writeTrail();
      const edited = records();
      edited[1] = { ...edited[1]!, patientId: 'P1004' };
      rewrite(rechain(edited));
      expect(found()).toEqual([[1, 'mac-mismatch'], [5, 'checkpoint-mismatch']]);
    });

    it('10. a middle line deleted with the chain recomputed: mac-mismatch, and shorter than its checkpoint', async () => {
      await writeTrail();
      rewrite(rechain(records().filter((_, index) => index !== 2)));
      expect(found()).toEqual([[1, 'mac-mismatch'], [5, 'truncated']]);
    });
  });

  it('a forged checkpoint is named', async () => {
    await writeTrail();
    const checkpointFile = join(directory, 'audit.checkpoints.jsonl');
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8').trim()) as Record<string, unknown>;
    appendFileSync(checkpointFile, `${JSON.stringify({ ...checkpoint, records: 2 })}\n`);
    expect(found()).toEqual([[2, 'checkpoint-forged']]);
  });

  it('at start verifies the whole chain since the last checkpoint: a middle line deleted is a break, and a new segment begins', async () => {
    await writeTrail();
    rewrite(lines().filter((_, index) => index !== 1));
    const reopened = createFileAuditTrail(path);
    expect(reopened.breakFound?.problem).toMatch(/truncated|checkpoint-mismatch/);
    await reopened.close();
    // Without any checkpoint the whole file is verified from its first line.
    rmSync(join(directory, 'audit.checkpoints.jsonl'));
    rmSync(path);
    await writeTrail();
    rmSync(join(directory, 'audit.checkpoints.jsonl'));
    rewrite(lines().filter((_, index) => index !== 1));
    const again = createFileAuditTrail(path);
    expect(again.breakFound).toEqual({ problem: 'sequence-gap', line: 2 });
    await again.close();
    expect(JSON.parse(lines().at(-1)!)).toMatchObject({ action: 'audit_segment_started', detail: { problem: 'sequence-gap', line: 2 } });
  });

  it('names a call_ended without its call_started', async () => {
    const trail = createFileAuditTrail(path);
    trail.append({ sessionId: 'call-7', action: 'call_ended', outcome: 'ok', detail: { reason: 'hangup' } });
    await trail.close();
    expect(found()).toEqual([[1, 'call-ended-without-start']]);
  });

  it('closes calls a crash left open with call_ended reason crashed', async () => {
    const crashed = createFileAuditTrail(path);
    crashed.append({ sessionId: 'call-8', action: 'call_started', outcome: 'ok' });
    crashed.append({ sessionId: 'call-9', action: 'call_started', outcome: 'ok' });
    crashed.append({ sessionId: 'call-9', action: 'call_ended', outcome: 'ok', detail: { reason: 'completed' } });
    crashed.append({ sessionId: 'call-10', action: 'call_started', outcome: 'ok' });
    // No close: the process died here.
    const restarted = createFileAuditTrail(path);
    expect(restarted.crashedCalls).toEqual(['call-10', 'call-8']);
    await restarted.close();
    expect(records().slice(-2).map((record) => [record.sessionId, record.action, record.detail])).toEqual([
      ['call-10', 'call_ended', { reason: 'crashed' }],
      ['call-8', 'call_ended', { reason: 'crashed' }],
    ]);
    expect(verifyAuditFile(path).ok).toBe(true);
  });

  it('refuses to verify without the key, and uses FRONTDESK_AUDIT_KEY when given', async () => {
    const keyHex = randomBytes(32).toString('hex');
    const trail = createFileAuditTrail(path, { keyHex });
    for (const entry of entries) trail.append(entry);
    await trail.close();
    expect(existsSync(join(directory, 'audit.key'))).toBe(false);
    expect(() => verifyAuditFile(path)).toThrow(/no audit key/);
    expect(verifyAuditFile(path, { keyHex }).ok).toBe(true);
    expect(verifyAuditFile(path, { keyHex: randomBytes(32).toString('hex') }).problems[0]).toEqual({ line: 1, problem: 'mac-mismatch' });
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
    expect(verifyAuditFile(path)).toMatchObject({ ok: true, records: 500 });
  });

  it('chains records in memory the same way', () => {
    const key = randomBytes(32);
    const trail = createMemoryAuditTrail({ key });
    for (const entry of entries) trail.append(entry);
    const written = trail.records();
    expect(written.map((record) => record.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(written.every((record, index) => macRecord(record, key) === record.mac && (index === 0 || record.previousMac === written[index - 1]!.mac))).toBe(true);
  });
});
