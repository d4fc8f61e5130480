// An in-memory MAC-chained audit trail (tests, and sessions run without a file).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { emptyChainHead, headAfter, sealRecord, type AuditKey, type ChainHead } from './chain.ts';
import type { AuditEntry, AuditRecord, AuditTrail } from './types.ts';

export interface MemoryAuditTrail extends AuditTrail {
  /** Every record appended so far, in order (copies). */
  records(): AuditRecord[];
}

/** `key` defaults to a random one per trail (nothing outlives the process to verify later). */
export function createMemoryAuditTrail(options: { clock?: Clock; key?: AuditKey } = {}): MemoryAuditTrail {
  const key = options.key ?? randomBytes(32);
  const records: AuditRecord[] = [];
  let head: ChainHead = emptyChainHead;
  return {
    append(entry: AuditEntry) {
      const record = sealRecord(entry, head, options.clock?.now() ?? new Date(), key);
      records.push(record);
      head = headAfter(record);
    },
    async flush() {},
    async close() {},
    records: () => records.map((record) => structuredClone(record)),
  };
}
