// The audit trail as a JSON-lines file: each record hash-chained to the one before, appended synchronously so order holds and nothing returned is lost.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { FrontdeskError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { checkRecord, emptyChainHead, headAfter, recordLine, sealRecord, type ChainHead } from './chain.ts';
import type { AuditEntry, AuditRecord, AuditTrail } from './types.ts';

/**
 * Opens (or creates) an audit file and continues its chain from the last line.
 * `append` writes the whole line with one synchronous write before returning, so a killed process keeps every
 * record whose append returned; `flush` additionally fsyncs, for power loss. One writer per file: two processes
 * appending to the same file would fork the chain.
 */
export function createFileAuditTrail(path: string, options: { clock?: Clock } = {}): AuditTrail {
  const descriptor = openSync(path, 'a+');
  let head: ChainHead;
  try {
    head = readChainHead(descriptor);
  } catch (error) {
    closeSync(descriptor);
    throw error;
  }
  let closed = false;
  return {
    append(entry: AuditEntry) {
      if (closed) throw new FrontdeskError('AUDIT_TAMPERED', 'append after close');
      const record = sealRecord(entry, head, options.clock?.now() ?? new Date());
      const bytes = Buffer.from(recordLine(record));
      let written = 0;
      while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
      head = headAfter(record);
    },
    async flush() {
      if (!closed) fsyncSync(descriptor);
    },
    async close() {
      if (closed) return;
      closed = true;
      fsyncSync(descriptor);
      closeSync(descriptor);
    },
  };
}

/** Reads only the file's tail to find the last record; refuses to extend a file whose last line does not verify on its own. */
function readChainHead(descriptor: number): ChainHead {
  const lastLine = readLastLine(descriptor);
  if (lastLine === undefined) return emptyChainHead;
  let record: unknown;
  try {
    record = JSON.parse(lastLine);
  } catch (error) {
    throw new FrontdeskError('AUDIT_TAMPERED', 'last line of the audit file is not JSON', { cause: error });
  }
  const typed = record as AuditRecord;
  // Check the record against itself (its own link and sequence are taken on trust; `verifyAuditFile` checks the whole file).
  const problem = checkRecord(record, { nextSequence: typed.sequence, previousHash: typed.previousHash });
  if (problem) throw new FrontdeskError('AUDIT_TAMPERED', `last line of the audit file: ${problem}`);
  return headAfter(typed);
}

function readLastLine(descriptor: number): string | undefined {
  const size = fstatSync(descriptor).size;
  if (size === 0) return undefined;
  const chunkSize = 64 * 1024;
  let end = size;
  let tail = Buffer.alloc(0);
  // Skip the trailing newline(s), then grow the window backwards until it holds a newline before the last line.
  for (;;) {
    const start = Math.max(0, end - chunkSize);
    const chunk = Buffer.alloc(end - start);
    readSync(descriptor, chunk, 0, chunk.length, start);
    tail = Buffer.concat([chunk, tail]);
    end = start;
    const text = tail.toString('utf8').replace(/\n+$/, '');
    const newline = text.lastIndexOf('\n');
    if (newline >= 0) return text.slice(newline + 1);
    if (start === 0) return text.length > 0 ? text : undefined;
  }
}
