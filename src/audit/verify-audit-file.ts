// Verifies an audit file end to end: every line parses, hashes to its `hash`, follows its predecessor's sequence and hash.
import { readFileSync } from 'node:fs';
import { checkRecord, emptyChainHead, headAfter, type ChainHead, type ChainProblem } from './chain.ts';
import type { AuditRecord } from './types.ts';

export type AuditVerification =
  | { ok: true; records: number }
  /** `records` counts the lines that verified before the first bad one; `firstBadLine` is 1-based. */
  | { ok: false; records: number; firstBadLine: number; problem: ChainProblem };

export function verifyAuditFile(path: string): AuditVerification {
  return verifyAuditText(readFileSync(path, 'utf8'));
}

/** Same check over the file's text (one record per line; a final newline is expected, blank lines are not). */
export function verifyAuditText(text: string): AuditVerification {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  if (text.length === 0) return { ok: true, records: 0 };
  let head: ChainHead = emptyChainHead;
  for (const [index, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, records: index, firstBadLine: index + 1, problem: 'unparseable' };
    }
    const problem = checkRecord(value, head);
    if (problem) return { ok: false, records: index, firstBadLine: index + 1, problem };
    head = headAfter(value as AuditRecord);
  }
  return { ok: true, records: lines.length };
}
