// The keyed MAC chain shared by every audit trail (file, memory, Postgres) and its verifier: canonical JSON, record MACs, sealing, signed checkpoints.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from './types.ts';

/** previousMac of the first record of a segment. */
export const genesisMac = '0'.repeat(64);

/** The action of the record that opens a new segment after a break found at start (its detail names the break). */
export const segmentStartAction = 'audit_segment_started';

/** JSON with object keys sorted at every depth, so the same record always MACs the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

/** The audit key: 32 bytes, kept outside the audit trail (FRONTDESK_AUDIT_KEY or a 0600 key file). */
export type AuditKey = Buffer;

/**
 * HMAC-SHA256 hex over the record's canonical JSON without its `mac` field. The record holds `previousMac`, so the MAC
 * covers the previous MAC and the record: without the key, no record can be edited, inserted, removed or appended
 * with the chain recomputed.
 */
export function macRecord(record: Omit<AuditRecord, 'mac'> | AuditRecord, key: AuditKey): string {
  const { mac: _ignored, ...withoutMac } = record as AuditRecord;
  return createHmac('sha256', key).update('frontdesk-audit-record\n').update(canonicalJson(withoutMac)).digest('hex');
}

/** Where a segment of the chain stands: the next record's sequence and the MAC it must link to. */
export interface ChainHead {
  nextSequence: number;
  previousMac: string;
}

export const emptyChainHead: ChainHead = { nextSequence: 0, previousMac: genesisMac };

/** Builds the next record of the chain from an entry; the caller stores it and advances the head with `headAfter`. */
export function sealRecord(entry: AuditEntry, head: ChainHead, at: Date, key: AuditKey): AuditRecord {
  const unsealed: Omit<AuditRecord, 'mac'> = {
    sequence: head.nextSequence,
    at: at.toISOString(),
    previousMac: head.previousMac,
    sessionId: entry.sessionId,
    action: entry.action,
    outcome: entry.outcome,
    ...(entry.patientId !== undefined ? { patientId: entry.patientId } : {}),
    ...(entry.detail !== undefined ? { detail: { ...entry.detail } } : {}),
  };
  return { ...unsealed, mac: macRecord(unsealed, key) };
}

export function headAfter(record: AuditRecord): ChainHead {
  return { nextSequence: record.sequence + 1, previousMac: record.mac };
}

/** The line written for a record: canonical JSON, so a re-serialised record compares equal byte for byte. */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}

/**
 * What a check can find, each a kind of tampering (or damage):
 * - `unparseable`: a line that is not a record (garbage, a half-written line);
 * - `mac-mismatch`: a record whose MAC does not match its content — edited, inserted or appended without the key,
 *   even with every hash after it recomputed;
 * - `sequence-gap`: a record out of sequence (a line deleted, duplicated or moved);
 * - `broken-link`: a record that does not link to the one before it (lines swapped or spliced from elsewhere);
 * - `truncated`: the trail ends before a signed checkpoint's record count (records dropped from the end);
 * - `checkpoint-mismatch`: the record at a checkpoint's position is not the one the checkpoint signed (history rewritten);
 * - `checkpoint-forged`: a checkpoint whose signature does not verify;
 * - `segment-after-break`: a new segment started after a break found at start (its record names that break);
 * - `call-ended-without-start`: a `call_ended` with no `call_started` of its session in the same segment.
 */
export type ChainProblem =
  | 'unparseable'
  | 'mac-mismatch'
  | 'sequence-gap'
  | 'broken-link'
  | 'truncated'
  | 'checkpoint-mismatch'
  | 'checkpoint-forged'
  | 'segment-after-break'
  | 'call-ended-without-start';

/** One line each, for `frontdesk audit verify`. */
export const chainProblemDescriptions: Record<ChainProblem, string> = {
  unparseable: 'a line that is not an audit record (garbage or a half-written line)',
  'mac-mismatch': 'a record edited, inserted or appended without the audit key (its MAC does not match, even if hashes after it were recomputed)',
  'sequence-gap': 'a record out of sequence (a line deleted, duplicated or moved)',
  'broken-link': 'a record that does not link to the one before it (lines swapped or spliced)',
  truncated: 'records removed from the end (the trail is shorter than a signed checkpoint)',
  'checkpoint-mismatch': 'the record at a signed checkpoint is not the one signed (history rewritten before the checkpoint)',
  'checkpoint-forged': 'a checkpoint whose signature does not verify',
  'segment-after-break': 'a new segment begun at start after a broken chain (its first record names the break)',
  'call-ended-without-start': 'a call_ended with no call_started for its session',
};

/** Checks one record against the head before it; returns the first problem or undefined. */
export function checkRecord(value: unknown, head: ChainHead, key: AuditKey): ChainProblem | undefined {
  if (!isRecordShape(value)) return 'unparseable';
  if (!sameHex(macRecord(value, key), value.mac)) return 'mac-mismatch';
  if (value.sequence !== head.nextSequence) return 'sequence-gap';
  if (value.previousMac !== head.previousMac) return 'broken-link';
  return undefined;
}

/** A record that validly opens a new segment: the segment action, sequence 0, linked to genesis, MAC verified. */
export function isSegmentStart(value: unknown, key: AuditKey): value is AuditRecord {
  return (
    isRecordShape(value) &&
    value.action === segmentStartAction &&
    value.sequence === 0 &&
    value.previousMac === genesisMac &&
    sameHex(macRecord(value, key), value.mac)
  );
}

export function isRecordShape(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    Number.isInteger(record.sequence) &&
    typeof record.at === 'string' &&
    typeof record.previousMac === 'string' &&
    typeof record.mac === 'string' &&
    typeof record.sessionId === 'string' &&
    typeof record.action === 'string' &&
    typeof record.outcome === 'string'
  );
}

function sameHex(expected: string, actual: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(actual, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signs a checkpoint: the chain head (`mac` of the last record), the record count of the whole trail (all segments),
 * the time, and whatever position a backend needs to find the record again (`bytes` for a file).
 */
export function signCheckpoint(checkpoint: Omit<AuditCheckpoint, 'signature'>, key: AuditKey): AuditCheckpoint {
  return { ...checkpoint, signature: checkpointSignature(checkpoint, key) };
}

function checkpointSignature(checkpoint: Omit<AuditCheckpoint, 'signature'> | AuditCheckpoint, key: AuditKey): string {
  const { signature: _ignored, ...unsigned } = checkpoint as AuditCheckpoint;
  return createHmac('sha256', key).update('frontdesk-audit-checkpoint\n').update(canonicalJson(unsigned)).digest('hex');
}

export function isCheckpointShape(value: unknown): value is AuditCheckpoint {
  if (value === null || typeof value !== 'object') return false;
  const checkpoint = value as Record<string, unknown>;
  return (
    Number.isInteger(checkpoint.records) &&
    (checkpoint.records as number) >= 1 &&
    Number.isInteger(checkpoint.sequence) &&
    typeof checkpoint.mac === 'string' &&
    typeof checkpoint.at === 'string' &&
    typeof checkpoint.signature === 'string'
  );
}

/** True when the value is a checkpoint signed with this key. */
export function checkpointVerifies(value: unknown, key: AuditKey): value is AuditCheckpoint {
  return isCheckpointShape(value) && sameHex(checkpointSignature(value, key), value.signature);
}

/** One problem found in a trail: where (1-based record position in the whole trail) and what. */
export interface TrailProblem {
  /** 1-based position of the record (the file's line) where the problem shows; for `truncated`, the checkpoint's count. */
  line: number;
  problem: ChainProblem;
  /** For `segment-after-break`: the break the segment's first record names. */
  detail?: string;
}

export interface TrailVerification {
  ok: boolean;
  /** Records (lines) in the trail. */
  records: number;
  /** Segments in the trail (1 for an unbroken trail). */
  segments: number;
  /** Valid checkpoints checked against the trail. */
  checkpoints: number;
  problems: TrailProblem[];
}

/**
 * Verifies a whole trail given as parsed records (or `undefined` for unparseable entries) and its checkpoints:
 * the MAC chain of every segment, a segment start after every break, each checkpoint's signature and position, and
 * that every `call_ended` has its `call_started`. Backend-independent: the file verifier and a database verifier
 * feed it their rows.
 */
export function verifyTrail(records: readonly unknown[], checkpoints: readonly unknown[], key: AuditKey): TrailVerification {
  const problems: TrailProblem[] = [];
  let head: ChainHead = emptyChainHead;
  let broken = false;
  let segments = records.length > 0 ? 1 : 0;
  let started = new Set<string>();
  const macs: Array<string | undefined> = [];
  for (const [index, value] of records.entries()) {
    const line = index + 1;
    macs.push(isRecordShape(value) ? value.mac : undefined);
    if (index > 0 && isSegmentStart(value, key)) {
      segments += 1;
      const named = value.detail?.problem;
      problems.push({ line, problem: 'segment-after-break', ...(typeof named === 'string' ? { detail: named } : {}) });
      head = headAfter(value);
      broken = false;
      started = new Set();
      continue;
    }
    if (broken) continue;
    const problem = checkRecord(value, head, key);
    if (problem) {
      problems.push({ line, problem });
      broken = true;
      continue;
    }
    const record = value as AuditRecord;
    if (record.action === 'call_started') started.add(record.sessionId);
    if (record.action === 'call_ended' && !started.has(record.sessionId)) problems.push({ line, problem: 'call-ended-without-start' });
    head = headAfter(record);
  }
  let valid = 0;
  for (const checkpoint of checkpoints) {
    if (!checkpointVerifies(checkpoint, key)) {
      problems.push({ line: isCheckpointShape(checkpoint) ? checkpoint.records : 0, problem: 'checkpoint-forged' });
      continue;
    }
    valid += 1;
    if (checkpoint.records > records.length) problems.push({ line: checkpoint.records, problem: 'truncated' });
    else if (macs[checkpoint.records - 1] !== checkpoint.mac) problems.push({ line: checkpoint.records, problem: 'checkpoint-mismatch' });
  }
  // One report per position and kind: a truncation seen by several checkpoints is one truncation.
  const unique = new Map(problems.map((problem) => [`${problem.line}:${problem.problem}`, problem]));
  const sorted = [...unique.values()].sort((left, right) => left.line - right.line);
  return { ok: sorted.length === 0, records: records.length, segments, checkpoints: valid, problems: sorted };
}
