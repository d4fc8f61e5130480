// Clinic wall-clock time: one injectable clock, so "now", "next Tuesday" and free slots are reproducible.

/** A clinic calendar date, YYYY-MM-DD. */
export type WallDate = string;
/** A clinic wall-clock instant to the minute, YYYY-MM-DDTHH:mm. */
export type WallTime = string;

export interface Clock {
  /** The current instant. */
  now(): Date;
  /** The clinic's IANA time zone, e.g. "America/New_York". */
  readonly timeZone: string;
}

/** The real clock, or one that starts at `startAt` and then advances with real time (for `--now`). */
export function createClock(options: { timeZone?: string; startAt?: Date } = {}): Clock {
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!options.startAt) return { timeZone, now: () => new Date() };
  const offset = options.startAt.getTime() - Date.now();
  return { timeZone, now: () => new Date(Date.now() + offset) };
}

/** A clock frozen at one instant, advanced by hand (tests). */
export function createManualClock(startAt: Date, timeZone = 'UTC'): Clock & { advance(ms: number): void } {
  let current = startAt.getTime();
  return {
    timeZone,
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
  };
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The clinic wall time (YYYY-MM-DDTHH:mm) of an instant. */
export function toWallTime(instant: Date, timeZone: string): WallTime {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function wallNow(clock: Clock): WallTime {
  return toWallTime(clock.now(), clock.timeZone);
}

export function wallDateOf(time: WallTime): WallDate {
  return time.slice(0, 10);
}

/** Adds whole days to a clinic date (calendar arithmetic, no time zone involved). */
export function addDays(date: WallDate, days: number): WallDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const result = new Date(Date.UTC(year, month - 1, day + days));
  return result.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, for a clinic date. */
export function dayOfWeek(date: WallDate): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}
