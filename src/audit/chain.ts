// The hash chain shared by every audit trail and its verifier: canonical JSON, record hashing, sealing the next record.
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './types.ts';

/** previousHash of the first record in a trail. */
export const genesisHash = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same record always hashes the same. */
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

/** SHA-256 hex over the record's canonical JSON without its `hash` field. */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...withoutHash } = record as AuditRecord;
  return createHash('sha256').update(canonicalJson(withoutHash)).digest('hex');
}

/** Where the chain stands: the next record's sequence and the hash it must link to. */
export interface ChainHead {
  nextSequence: number;
  previousHash: string;
}

export const emptyChainHead: ChainHead = { nextSequence: 0, previousHash: genesisHash };

/** Builds the next record of the chain from an entry; the caller writes it and advances the head with `headAfter`. */
export function sealRecord(entry: AuditEntry, head: ChainHead, at: Date): AuditRecord {
  const unsealed: Omit<AuditRecord, 'hash'> = {
    sequence: head.nextSequence,
    at: at.toISOString(),
    previousHash: head.previousHash,
    sessionId: entry.sessionId,
    action: entry.action,
    outcome: entry.outcome,
    ...(entry.patientId !== undefined ? { patientId: entry.patientId } : {}),
    ...(entry.detail !== undefined ? { detail: { ...entry.detail } } : {}),
  };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export function headAfter(record: AuditRecord): ChainHead {
  return { nextSequence: record.sequence + 1, previousHash: record.hash };
}

/** The line written for a record: canonical JSON, so a re-serialised record compares equal byte for byte. */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}

export type ChainProblem = 'hash-mismatch' | 'broken-link' | 'sequence-gap' | 'unparseable';

/** Checks one record against the chain head before it; returns the first problem or undefined. */
export function checkRecord(value: unknown, head: ChainHead): ChainProblem | undefined {
  if (!isRecordShape(value)) return 'unparseable';
  if (hashRecord(value) !== value.hash) return 'hash-mismatch';
  if (value.sequence !== head.nextSequence) return 'sequence-gap';
  if (value.previousHash !== head.previousHash) return 'broken-link';
  return undefined;
}

function isRecordShape(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    Number.isInteger(record.sequence) &&
    typeof record.at === 'string' &&
    typeof record.previousHash === 'string' &&
    typeof record.hash === 'string' &&
    typeof record.sessionId === 'string' &&
    typeof record.action === 'string' &&
    typeof record.outcome === 'string'
  );
}
