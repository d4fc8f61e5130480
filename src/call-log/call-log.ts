// The call log of one call: what the engine heard (utterances with confidence, keypad, silence, hang-up), the events it sent, what the tools returned, and what it said and where it went; written as the call runs.
import { join } from 'node:path';
import { z } from 'zod';
import type { SessionEvent, SessionTrace } from '../dialog/session.ts';
import { FrontdeskError, errorCodes, type ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import { createCallLogFile, readCallLogFile } from './call-log-file.ts';

/** The call log format's version, in its first entry. */
export const callLogVersion = 1;

const event = z.object({ type: z.string() }).passthrough();
const recordedError = z.object({ name: z.string(), message: z.string(), code: z.string().optional(), retryable: z.boolean().optional() });

export const callLogEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    version: z.literal(callLogVersion),
    sessionId: z.string(),
    flow: z.string(),
    /** The clinic's wall-clock time the call started at, e.g. 2026-12-01T09:00:00. */
    clinicNow: z.string(),
    today: z.string(),
    replies: z.object({ clinicName: z.string(), maxSpokenOptions: z.number() }),
    /** Agent lines were reworded by an LLM: replay compares prompt keys, not words. */
    phrased: z.boolean(),
    transport: z.string().optional(),
    /** UTC instant the call started. */
    startedAt: z.string(),
  }),
  z.object({
    type: z.literal('caller'),
    text: z.string().optional(),
    dtmf: z.string().optional(),
    /** The recognizer's confidence, 0–1; absent for typed text and keypad. */
    confidence: z.number().optional(),
    event,
  }),
  z.object({ type: z.literal('silence'), event }),
  z.object({ type: z.literal('hangup'), event }),
  z.object({ type: z.literal('tool'), actor: z.string(), name: z.string(), output: z.unknown().optional(), error: recordedError.optional() }),
  z.object({ type: z.literal('agent'), key: z.string(), text: z.string() }),
  z.object({ type: z.literal('state'), value: z.string() }),
  z.object({ type: z.literal('end'), reason: z.string() }),
]);

export type CallLogEntry = z.infer<typeof callLogEntrySchema>;
export type CallLogHeader = Extract<CallLogEntry, { type: 'call' }>;
export type RecordedError = z.infer<typeof recordedError>;

/** An actor's error as the log keeps it: enough to rebuild a FrontdeskError the machine's guards recognise. */
export function recordError(error: unknown): RecordedError {
  if (error instanceof FrontdeskError) return { name: error.name, message: error.message, code: error.code, retryable: error.retryable };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error an actor threw, rebuilt from the log (a FrontdeskError with its code when it was one). */
export function reviveError(recorded: RecordedError): Error {
  if (recorded.code && Object.hasOwn(errorCodes, recorded.code)) {
    const error = new FrontdeskError(recorded.code as ErrorCode, undefined, { ...(recorded.retryable === undefined ? {} : { retryable: recorded.retryable }) });
    error.message = recorded.message;
    return error;
  }
  const error = new Error(recorded.message);
  error.name = recorded.name;
  return error;
}

/** Where a call's log goes under the call-log directory: YYYY/MM/DD/<session id>.calllog (UTC date of its start). */
export function callLogPath(directory: string, sessionId: string, startedAt: Date): string {
  const iso = startedAt.toISOString();
  return join(directory, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), `${sessionId}.calllog`);
}

export interface CallLogRecorder {
  /** Pass as the session's `trace`. */
  trace(entry: SessionTrace): void;
  /** Subscribe to the session with it. */
  event(event: SessionEvent): void;
  /** Resolves when the log is on disk and closed (after the call's end, or `close()`); never rejects. */
  readonly done: Promise<void>;
  /** Closes the log now (the call was abandoned before it ended). */
  close(): Promise<void>;
  readonly path: string;
}

// Session ids become file names: the same rule as recordings.
const storableSessionId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Starts the log of one call at `callLogPath(directory, sessionId, startedAt)`. Each entry is encrypted and written as
 * it happens, so a process that dies mid-call leaves the call up to its last whole entry. A write failure is logged
 * (without content) once and the rest of the log is dropped; the call goes on.
 */
export function recordCallLog(options: { directory: string; key: Uint8Array; sessionId: string; transport?: string; logger: Logger; startedAt?: Date }): CallLogRecorder {
  if (!storableSessionId.test(options.sessionId) || options.sessionId.includes('..')) {
    throw new FrontdeskError('CONFIG_INVALID', 'session id is not usable as a call log name', { retryable: false });
  }
  const startedAt = options.startedAt ?? new Date();
  const path = callLogPath(options.directory, options.sessionId, startedAt);
  const file = createCallLogFile(path, options.key);
  let failed = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const append = (entry: CallLogEntry) => {
    if (failed) return;
    try {
      file.append(entry);
    } catch (error) {
      failed = true;
      options.logger.warn({ err: error instanceof Error ? { name: error.name, code: (error as { code?: string }).code } : undefined, sessionId: options.sessionId }, 'call log could not be written');
    }
  };
  const close = async () => {
    await file.close().catch((error: unknown) => {
      if (!failed) options.logger.warn({ err: error instanceof Error ? { name: error.name } : undefined, sessionId: options.sessionId }, 'call log could not be closed');
    });
    resolveDone();
  };
  return {
    path,
    done,
    close,
    trace(entry) {
      switch (entry.type) {
        case 'started':
          append({
            type: 'call',
            version: callLogVersion,
            sessionId: options.sessionId,
            flow: entry.flow,
            clinicNow: entry.clinicNow,
            today: entry.today,
            replies: { clinicName: entry.replies.clinicName, maxSpokenOptions: entry.replies.maxSpokenOptions },
            phrased: entry.phrased,
            ...(options.transport ? { transport: options.transport } : {}),
            startedAt: startedAt.toISOString(),
          });
          return;
        case 'caller':
          append({ type: 'caller', ...entry.input, event: entry.event });
          return;
        case 'silence':
        case 'hangup':
          append({ type: entry.type, event: entry.event });
          return;
        case 'tool':
          append('error' in entry ? { type: 'tool', actor: entry.actor, name: entry.name, error: recordError(entry.error) } : { type: 'tool', actor: entry.actor, name: entry.name, output: entry.output });
          return;
      }
    },
    event(event) {
      switch (event.type) {
        case 'agent':
          append({ type: 'agent', key: event.key, text: event.text });
          return;
        case 'state':
          append({ type: 'state', value: event.value });
          return;
        case 'end':
          append({ type: 'end', reason: event.reason });
          void close();
          return;
        case 'tool':
        case 'slots':
          return;
      }
    },
  };
}

export interface RecordedCall {
  header: CallLogHeader;
  entries: CallLogEntry[];
  /** The log ends with the call's end; false when the process stopped mid-call (or mid-write). */
  complete: boolean;
}

/** Reads, decrypts and checks a call log; throws CALL_LOG_UNREADABLE with the problem (wrong key, not a call log, a bad entry). */
export async function readCallLog(path: string, key: Uint8Array): Promise<RecordedCall> {
  const { records, truncated } = await readCallLogFile(path, key);
  const entries: CallLogEntry[] = [];
  for (const [index, record] of records.entries()) {
    const parsed = callLogEntrySchema.safeParse(record);
    if (!parsed.success) throw new FrontdeskError('CALL_LOG_UNREADABLE', `${path}: entry ${index + 1} is not a call log entry of version ${callLogVersion}`, { retryable: false });
    entries.push(parsed.data);
  }
  const header = entries[0];
  if (header?.type !== 'call') throw new FrontdeskError('CALL_LOG_UNREADABLE', `${path} does not start with the call's header (an empty or cut log)`, { retryable: false });
  return { header, entries, complete: !truncated && entries.at(-1)?.type === 'end' };
}
