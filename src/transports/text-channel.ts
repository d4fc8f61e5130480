// The text channel: caller lines in, JSON events out, over any line source (stdin, a WebSocket); shared by `frontdesk chat` and /ws/text.
import type { CallSession, SessionEvent } from '../dialog/session.ts';

/** One event of the text channel's wire format. */
export type ChannelEvent =
  | { type: 'agent'; text: string }
  | { type: 'state'; value: string }
  | { type: 'tool'; name: string; ok: boolean; durationMs: number }
  | { type: 'slots'; slots: Record<string, unknown> }
  | { type: 'end'; reason: string };

/** What a caller line asks for: words, keypad digits, or the silence of a no-input window. */
export type CallerInput = { kind: 'turn'; text?: string; dtmf?: string } | { kind: 'silence' };

/** Session events as the channel writes them; `slots` (masked) only when asked, since the acceptance format lists four types. */
export function channelEvent(event: SessionEvent, options: { slots?: boolean } = {}): ChannelEvent | undefined {
  switch (event.type) {
    case 'agent':
      return { type: 'agent', text: event.text };
    case 'state':
      return { type: 'state', value: event.value };
    case 'tool':
      return { type: 'tool', name: event.name, ok: event.ok, durationMs: event.durationMs };
    case 'slots':
      return options.slots ? { type: 'slots', slots: event.slots } : undefined;
    case 'end':
      return { type: 'end', reason: event.reason };
  }
}

const dtmfPattern = /^[0-9*#]{1,32}$/;

/**
 * Reads one caller line. Plain text is an utterance; an empty line is a silent turn; a JSON object
 * `{"text": "...", "dtmf": "123#"}` carries keypad digits (with or without words), `{"silence": true}` a silent turn.
 * Returns an error message for a line that is JSON but not a valid turn.
 */
export function parseCallerLine(line: string): CallerInput | { kind: 'invalid'; message: string } {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'silence' };
  if (!trimmed.startsWith('{')) return { kind: 'turn', text: trimmed };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'turn', text: trimmed };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid', message: 'a JSON turn must be an object' };
  const record = value as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((key) => !['text', 'dtmf', 'silence'].includes(key));
  if (unknownKeys.length > 0) return { kind: 'invalid', message: `unknown field ${unknownKeys.join(', ')} (use text, dtmf or silence)` };
  if (record.silence === true) return { kind: 'silence' };
  const text = record.text;
  const dtmf = record.dtmf;
  if (text !== undefined && typeof text !== 'string') return { kind: 'invalid', message: 'text must be a string' };
  if (dtmf !== undefined && (typeof dtmf !== 'string' || !dtmfPattern.test(dtmf))) return { kind: 'invalid', message: 'dtmf must be keypad digits 0-9, * and #' };
  if (!text && !dtmf) return { kind: 'silence' };
  return { kind: 'turn', ...(text ? { text } : {}), ...(dtmf ? { dtmf } : {}) };
}

/** Hands one parsed line to the session. */
export function deliver(session: CallSession, input: CallerInput): Promise<void> {
  if (input.kind === 'silence') return session.silence();
  return session.hear({ ...(input.text ? { text: input.text } : {}), ...(input.dtmf ? { dtmf: input.dtmf } : {}) });
}

export interface JsonlChannelOptions {
  session: CallSession;
  /** Caller lines; when they run out the caller has hung up. */
  lines: AsyncIterable<string>;
  /** Receives one JSON line (without newline) per event. */
  write: (line: string) => void;
  /** Reports a line that could not be used (it is skipped; the call goes on). */
  onInvalidLine?: (message: string, lineNumber: number) => void;
  slots?: boolean;
}

/** Runs a whole call over lines: greets, takes each line as a turn, hangs up at end of input; resolves with the end reason. */
export async function runJsonlChannel(options: JsonlChannelOptions): Promise<string> {
  const { session } = options;
  const unsubscribe = session.subscribe((event) => {
    const wire = channelEvent(event, { slots: options.slots ?? false });
    if (wire) options.write(JSON.stringify(wire));
  });
  try {
    await session.start();
    let lineNumber = 0;
    for await (const line of options.lines) {
      lineNumber += 1;
      if (session.isEnded()) break;
      const input = parseCallerLine(line);
      if (input.kind === 'invalid') {
        options.onInvalidLine?.(input.message, lineNumber);
        continue;
      }
      await deliver(session, input);
    }
    if (!session.isEnded()) session.hangUp();
    return await session.ended;
  } finally {
    unsubscribe();
  }
}
