// The application logger: pino with PHI fields redacted wherever they appear.
import { pino, type Logger } from 'pino';

/** Field names that may carry PHI; pino replaces their values before anything is written. */
export const redactedPaths = [
  'text',
  'transcript',
  'utterance',
  'lastName',
  'dateOfBirth',
  'phone',
  'reason',
  'claim',
  '*.text',
  '*.transcript',
  '*.utterance',
  '*.lastName',
  '*.dateOfBirth',
  '*.phone',
  '*.reason',
  '*.claim',
];

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: redactedPaths, censor: '[redacted]' }, base: undefined },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
