// The audit trail as a JSON-lines file: each record MAC-chained to the one before with a key kept elsewhere, appended synchronously, checkpointed to a separate file.
import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { FrontdeskError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { defaultAuditKeyFile, defaultCheckpointFile, loadAuditKey } from './audit-key.ts';
import {
  checkRecord,
  checkpointVerifies,
  emptyChainHead,
  headAfter,
  isRecordShape,
  isSegmentStart,
  recordLine,
  sealRecord,
  segmentStartAction,
  signCheckpoint,
  type AuditKey,
  type ChainHead,
  type ChainProblem,
} from './chain.ts';
import type { AuditCheckpoint, AuditEntry, AuditRecord, AuditTrail } from './types.ts';

/** Somewhere else signed checkpoints go (S3). `write` must not throw. */
export interface CheckpointSink {
  write(checkpoint: AuditCheckpoint): void;
  whenIdle?(): Promise<void>;
}

export interface FileAuditTrailOptions {
  clock?: Clock;
  /** The audit key itself (tests, a caller that loaded it already). */
  key?: AuditKey;
  /** FRONTDESK_AUDIT_KEY: 64 hex characters. Without it (and without `key`) the key file is read or generated. */
  keyHex?: string;
  /** Default `audit.key` beside the audit file. */
  keyFile?: string;
  /** Default `<name>.checkpoints.jsonl` beside the audit file. */
  checkpointFile?: string;
  /** A checkpoint is written at least this often while records are appended, ms. Default 60,000. */
  checkpointIntervalMs?: number;
  /** Further checkpoint sinks (an object store); written after the local checkpoint file has it; `close` waits for them. */
  checkpointSinks?: CheckpointSink[];
  /** Told (ids and kinds only) when the chain was found broken at start and a new segment began. */
  onBreak?: (found: { problem: ChainProblem; line: number }) => void;
}

/** A file trail also reports what it found and did at start. */
export interface FileAuditTrail extends AuditTrail {
  /** Sessions that had `call_started` without `call_ended` when the file was opened: closed with reason `crashed`. */
  readonly crashedCalls: readonly string[];
  /** The break found at start, if any (a new segment was started after it). */
  readonly breakFound: { problem: ChainProblem; line: number } | undefined;
}

/**
 * Opens (or creates, 0600) an audit file. At start the chain since the last signed checkpoint is verified; a broken
 * chain is never extended silently: a new segment begins with a record naming the break. Calls left open by a crash
 * are closed with `call_ended` reason `crashed`. `append` writes the whole line with one synchronous write before
 * returning; a checkpoint (fsync first) follows every `call_ended`, at least every minute while appending, and close.
 * One writer per file: two processes appending to the same file would fork the chain.
 */
export function createFileAuditTrail(path: string, options: FileAuditTrailOptions = {}): FileAuditTrail {
  const key =
    options.key ??
    loadAuditKey({ ...(options.keyHex !== undefined ? { keyHex: options.keyHex } : {}), keyFile: options.keyFile ?? defaultAuditKeyFile(path), create: true }).key;
  const checkpointFile = options.checkpointFile ?? defaultCheckpointFile(path);
  const now = () => options.clock?.now() ?? new Date();
  const descriptor = openSync(path, 'a+', 0o600);
  let state: StartState;
  try {
    fchmodSync(descriptor, 0o600);
    state = readStartState(descriptor, lastCheckpoint(checkpointFile, key), key);
  } catch (error) {
    closeSync(descriptor);
    throw error;
  }
  let { head, records, bytes } = state;
  const openCalls = new Set(state.openCalls);
  let checkpointedRecords = state.checkpointRecords;
  let closed = false;

  function write(text: string): void {
    const buffer = Buffer.from(text);
    let written = 0;
    while (written < buffer.length) written += writeSync(descriptor, buffer, written, buffer.length - written);
    bytes += buffer.length;
  }

  function appendRecord(entry: AuditEntry): void {
    const record = sealRecord(entry, head, now(), key);
    write(recordLine(record));
    head = headAfter(record);
    records += 1;
    if (record.action === 'call_started') openCalls.add(record.sessionId);
    if (record.action === 'call_ended') openCalls.delete(record.sessionId);
  }

  function checkpoint(): void {
    if (closed || records === 0 || records === checkpointedRecords) return;
    // The trail reaches the disk before a checkpoint that vouches for it.
    fsyncSync(descriptor);
    const signed = signCheckpoint(
      { records, sequence: head.nextSequence - 1, mac: head.previousMac, at: now().toISOString(), bytes, openCalls: [...openCalls].sort() },
      key,
    );
    const sink = openSync(checkpointFile, 'a', 0o600);
    try {
      fchmodSync(sink, 0o600);
      const line = Buffer.from(`${JSON.stringify(signed)}\n`);
      let written = 0;
      while (written < line.length) written += writeSync(sink, line, written, line.length - written);
      fsyncSync(sink);
    } finally {
      closeSync(sink);
    }
    checkpointedRecords = records;
    for (const other of options.checkpointSinks ?? []) other.write(signed);
  }

  if (state.breakFound) {
    // A half-written last line must not swallow the segment's first record.
    if (state.endsMidLine) write('\n');
    head = emptyChainHead;
    appendRecord({
      sessionId: 'audit',
      action: segmentStartAction,
      outcome: 'chain_broken',
      detail: { problem: state.breakFound.problem, line: state.breakFound.line },
    });
    options.onBreak?.(state.breakFound);
  }
  const crashedCalls = [...openCalls].sort();
  for (const sessionId of crashedCalls) appendRecord({ sessionId, action: 'call_ended', outcome: 'ok', detail: { reason: 'crashed' } });
  if (state.breakFound || crashedCalls.length > 0) checkpoint();

  const timer = setInterval(checkpoint, options.checkpointIntervalMs ?? 60_000);
  timer.unref();

  return {
    crashedCalls,
    breakFound: state.breakFound,
    append(entry: AuditEntry) {
      if (closed) throw new FrontdeskError('AUDIT_TAMPERED', 'append after close');
      appendRecord(entry);
      if (entry.action === 'call_ended') checkpoint();
    },
    checkpoint,
    async flush() {
      if (!closed) fsyncSync(descriptor);
    },
    async close() {
      if (closed) return;
      clearInterval(timer);
      checkpoint();
      closed = true;
      fsyncSync(descriptor);
      closeSync(descriptor);
      await Promise.all((options.checkpointSinks ?? []).map((sink) => sink.whenIdle?.()));
    },
  };
}

/** Reads a checkpoint file's lines: parsed values, or undefined for a line that is not JSON. An absent file has none. */
export function readCheckpointFile(checkpointFile: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(checkpointFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return undefined;
      }
    });
}

function lastCheckpoint(checkpointFile: string, key: AuditKey): AuditCheckpoint | undefined {
  const all = readCheckpointFile(checkpointFile).filter((value): value is AuditCheckpoint => checkpointVerifies(value, key));
  return all.at(-1);
}

interface StartState {
  head: ChainHead;
  records: number;
  bytes: number;
  openCalls: string[];
  checkpointRecords: number;
  breakFound: { problem: ChainProblem; line: number } | undefined;
  endsMidLine: boolean;
}

/** Verifies the file from the last checkpoint (or from the start without one) to its end. */
function readStartState(descriptor: number, checkpoint: AuditCheckpoint | undefined, key: AuditKey): StartState {
  const size = fstatSync(descriptor).size;
  let head: ChainHead = emptyChainHead;
  let records = 0;
  let offset = 0;
  const openCalls = new Set<string>();
  let breakFound: StartState['breakFound'];
  if (checkpoint?.bytes !== undefined) {
    if (size < checkpoint.bytes) breakFound = { problem: 'truncated', line: checkpoint.records };
    else {
      const line = lineEndingAt(descriptor, checkpoint.bytes);
      const record = parse(line);
      if (!isRecordShape(record) || record.mac !== checkpoint.mac) breakFound = { problem: 'checkpoint-mismatch', line: checkpoint.records };
      else {
        head = headAfter(record);
        records = checkpoint.records;
        offset = checkpoint.bytes;
        for (const sessionId of checkpoint.openCalls ?? []) openCalls.add(sessionId);
      }
    }
  }
  if (breakFound) {
    // The file no longer matches what was signed: count its lines, and start a segment after them.
    const text = readRange(descriptor, 0, size);
    return { head, records: countLines(text), bytes: size, openCalls: [], checkpointRecords: 0, breakFound, endsMidLine: size > 0 && !text.endsWith('\n') };
  }
  const text = readRange(descriptor, offset, size);
  const lines = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
  const endsMidLine = text.length > 0 && !text.endsWith('\n');
  for (const [index, line] of lines.entries()) {
    const value = parse(line);
    const position = records + 1;
    records += 1;
    if (breakFound) continue;
    if (position > 1 && isSegmentStart(value, key)) {
      // A segment begun after an earlier break: continue from it (the earlier break stays in the file for verify).
      head = headAfter(value);
      openCalls.clear();
      continue;
    }
    const problem = endsMidLine && index === lines.length - 1 ? 'unparseable' : checkRecord(value, head, key);
    if (problem) {
      breakFound = { problem, line: position };
      continue;
    }
    const record = value as AuditRecord;
    if (record.action === 'call_started') openCalls.add(record.sessionId);
    if (record.action === 'call_ended') openCalls.delete(record.sessionId);
    head = headAfter(record);
  }
  return {
    head,
    records,
    bytes: size,
    openCalls: breakFound ? [] : [...openCalls],
    checkpointRecords: breakFound ? 0 : checkpoint?.records ?? 0,
    breakFound,
    endsMidLine,
  };
}

function parse(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  return text.replace(/\n$/, '').split('\n').length;
}

function readRange(descriptor: number, start: number, end: number): string {
  if (end <= start) return '';
  const buffer = Buffer.alloc(end - start);
  let read = 0;
  while (read < buffer.length) {
    const got = readSync(descriptor, buffer, read, buffer.length - read, start + read);
    if (got === 0) break;
    read += got;
  }
  return buffer.subarray(0, read).toString('utf8');
}

/** The line whose newline is the byte just before `end` (a checkpoint's `bytes`), read backwards in chunks. */
function lineEndingAt(descriptor: number, end: number): string | undefined {
  if (end === 0) return undefined;
  const chunkSize = 64 * 1024;
  let start = end - 1;
  let tail = Buffer.alloc(0);
  if (readRange(descriptor, end - 1, end) !== '\n') return undefined;
  for (;;) {
    const from = Math.max(0, start - chunkSize);
    const chunk = Buffer.alloc(start - from);
    readSync(descriptor, chunk, 0, chunk.length, from);
    tail = Buffer.concat([chunk, tail]);
    start = from;
    const newline = tail.lastIndexOf(0x0a);
    if (newline >= 0) return tail.subarray(newline + 1).toString('utf8');
    if (from === 0) return tail.toString('utf8');
  }
}
