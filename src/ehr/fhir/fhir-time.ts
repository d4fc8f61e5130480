// Clinic wall times to FHIR instants and back: FHIR carries offsets, the rest of frontdesk speaks the clinic's wall clock.
import { toWallTime, type WallDate, type WallTime } from '../../clock.ts';

/** Minutes to add to UTC to get the wall time in `timeZone` at `instantMs`. */
function offsetMinutes(instantMs: number, timeZone: string): number {
  const wall = toWallTime(new Date(instantMs), timeZone);
  const asUtc = Date.parse(`${wall}:00Z`);
  return Math.round((asUtc - (instantMs - (instantMs % 60_000))) / 60_000);
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** The FHIR instant (with the zone's offset, e.g. "2026-12-09T09:30:00-05:00") of a clinic wall time. */
export function fhirInstantOf(wall: WallTime, timeZone: string): string {
  const asUtc = Date.parse(`${wall}:00Z`);
  // Two passes settle the offset across a daylight-saving change.
  let instant = asUtc - offsetMinutes(asUtc, timeZone) * 60_000;
  instant = asUtc - offsetMinutes(instant, timeZone) * 60_000;
  return `${wall}:00${offsetText(offsetMinutes(instant, timeZone))}`;
}

/** The start of a clinic date as a FHIR instant. */
export function fhirStartOfDay(date: WallDate, timeZone: string): string {
  return fhirInstantOf(`${date}T00:00`, timeZone);
}

/** The clinic wall time of a FHIR instant or dateTime; undefined when it does not parse. */
export function wallTimeOfFhir(instant: string | undefined, timeZone: string): WallTime | undefined {
  if (!instant) return undefined;
  const parsed = Date.parse(instant);
  return Number.isNaN(parsed) ? undefined : toWallTime(new Date(parsed), timeZone);
}

/** Whole minutes between two FHIR instants (a slot's length). */
export function minutesBetween(start: string | undefined, end: string | undefined): number | undefined {
  if (!start || !end) return undefined;
  const minutes = Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : undefined;
}
