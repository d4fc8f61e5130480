// An in-memory hash-chained audit trail (tests, and sessions run without a file).
import type { Clock } from '../clock.ts';
import { emptyChainHead, headAfter, sealRecord, type ChainHead } from './chain.ts';
import type { AuditEntry, AuditRecord, AuditTrail } from './types.ts';

export interface MemoryAuditTrail extends AuditTrail {
  /** Every record appended so far, in order (copies). */
  records(): AuditRecord[];
}

export function createMemoryAuditTrail(options: { clock?: Clock } = {}): MemoryAuditTrail {
  const records: AuditRecord[] = [];
  let head: ChainHead = emptyChainHead;
  return {
    append(entry: AuditEntry) {
      const record = sealRecord(entry, head, options.clock?.now() ?? new Date());
      records.push(record);
      head = headAfter(record);
    },
    async flush() {},
    async close() {},
    records: () => records.map((record) => structuredClone(record)),
  };
}
