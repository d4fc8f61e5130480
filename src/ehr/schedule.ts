// Turns a provider's weekly schedule into concrete slot start times (clinic wall times) on given dates.
import { createHash } from 'node:crypto';
import { addDays, dayOfWeek, type WallDate, type WallTime } from '../clock.ts';
import type { Schedule } from './fixtures.ts';

const weekdayKeys = [undefined, 'mon', 'tue', 'wed', 'thu', 'fri', undefined] as const;

/** Slot starts (wall times) of one provider on one date, in order; empty on weekends and days off. */
export function slotStartsOn(schedule: Schedule, date: WallDate): WallTime[] {
  const key = weekdayKeys[dayOfWeek(date)];
  if (!key) return [];
  const starts: WallTime[] = [];
  for (const [from, to] of schedule.days[key] ?? []) {
    for (let minute = minutesOf(from); minute + schedule.slotMinutes <= minutesOf(to); minute += schedule.slotMinutes) {
      starts.push(`${date}T${clockText(minute)}`);
    }
  }
  return starts;
}

/** The first date on or after `date` on which the schedule has a slot starting at `time` (HH:mm); undefined within a year otherwise. */
export function nextDateWithSlotAt(schedule: Schedule, date: WallDate, time: string): WallDate | undefined {
  for (let offset = 0; offset < 366; offset += 1) {
    const candidate = addDays(date, offset);
    if (slotStartsOn(schedule, candidate).includes(`${candidate}T${time}`)) return candidate;
  }
  return undefined;
}

/** Deterministic slot id: provider id and wall start, so regenerating a range never duplicates a slot. */
export function slotIdOf(providerId: string, start: WallTime): string {
  return `${providerId}-${start.replace(/[-:T]/g, '')}`;
}

/** Whether a generated slot starts out blocked: a hash of its id against `share` (0–1), so seeding is reproducible. */
export function isBlockedAtSeed(slotId: string, share: number): boolean {
  const digest = createHash('sha256').update(slotId).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < share;
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
