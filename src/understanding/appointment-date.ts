// Appointment days said relative to the clinic clock ("next Tuesday", "tomorrow", "December 3rd", "the 3rd") → YYYY-MM-DD.
import * as chrono from 'chrono-node';
import { addDays, dayOfWeek, wallDateOf, type WallDate, type WallTime } from '../clock.ts';

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const weekdayPattern = /\b(sun|mon|tues|wednes|thurs|fri|satur)days?\b/;

function weekdayIndex(word: string): number {
  return weekdays.findIndex((name) => name.startsWith(word.slice(0, 3)));
}

/** The next date (today included) falling on a weekday. */
function nextWeekday(today: WallDate, weekday: number): WallDate {
  return addDays(today, (weekday - dayOfWeek(today) + 7) % 7);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// "The earliest you have", "as soon as possible", "whatever is first", "first available", "any day is fine".
const soonestPattern =
  /\b(?:as (?:soon|early) as (?:possible|you can|you have)|asap|(?:the )?(?:earliest|soonest|first available|next available)\b|whatever(?: day)?(?: is| you have)(?: open)? (?:first|earliest|soonest|open)|(?:the )?first (?:day|opening|appointment|date)(?: you have| available| that's free| open)|any ?day(?: is (?:fine|ok|okay|good)| works)?|whenever(?: you have| is)?(?: something| anything)?(?: open| free| first)?\b)/;

/** Whether the caller, asked for a day, wants the first day with an opening rather than naming one. */
export function asksForSoonest(text: string): boolean {
  return soonestPattern.test(text.toLowerCase());
}

/** A weekday name in text, as 0 = Sunday … 6 = Saturday. */
export function findWeekday(text: string): number | undefined {
  const match = weekdayPattern.exec(text.toLowerCase());
  return match ? weekdayIndex(match[1]!) : undefined;
}

/**
 * Finds an appointment day, on or after today, in text whose number words were already turned into digits.
 * A bare weekday that is today means next week's ("Monday" said on a Monday); "this Monday" or "today" means today.
 * `dayOnly` lets a lone day of the month count ("the 3rd"), which is only safe when the question asked for a day.
 */
export function findAppointmentDate(normalized: string, now: WallTime, options: { dayOnly: boolean } = { dayOnly: true }): WallDate | undefined {
  const text = normalized.toLowerCase();
  const today = wallDateOf(now);

  const weekFrom = /\b(?:a|1) week from (today|tomorrow|[a-z]+day)\b/.exec(text);
  if (weekFrom) {
    const anchor = weekFrom[1]!;
    if (anchor === 'today') return addDays(today, 7);
    if (anchor === 'tomorrow') return addDays(today, 8);
    const weekday = weekdayIndex(anchor);
    if (weekday >= 0) return addDays(nextWeekday(addDays(today, 1), weekday), 7);
  }

  // "Friday the 11th": the day of the month decides (chrono reads only the weekday), the weekday picks among months.
  const weekdayAndDay = /\b(sun|mon|tues|wednes|thurs|fri|satur)days?,? (?:the )?(\d{1,2})(?:st|nd|rd|th)\b(?! of (?!the)| (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/.exec(text);
  if (weekdayAndDay) {
    const found = upcomingDayOfMonth(Number(weekdayAndDay[2]), today, weekdayIndex(weekdayAndDay[1]!));
    if (found) return found;
  }

  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const reference = new Date(year, month - 1, day, 12, 0);
  for (const result of chrono.casual.parse(text, { instant: reference }, { forwardDate: true })) {
    const matched = result.text.toLowerCase().trim();
    if (/^(?:(?:next|this|last|coming) )?(?:week|month|year)$|^(?:a|1) (?:week|month)$/.test(matched)) continue;
    const certainDay = result.start.isCertain('day') || result.start.isCertain('weekday');
    if (!certainDay) continue;
    const found = `${result.start.get('year')}-${pad(result.start.get('month') ?? 0)}-${pad(result.start.get('day') ?? 0)}`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(found)) continue;
    const bareWeekday = result.start.isCertain('weekday') && !result.start.isCertain('day') && /^(?:on )?[a-z]+$/.test(matched);
    if (bareWeekday && found === today && !/\b(this|today)\b/.test(text)) return addDays(today, 7);
    if (found < today) continue;
    return found;
  }

  // "the 3rd", "on the 15th": the next such day of a month.
  const dayOnly = /\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b/.exec(text) ?? /^(?:on )?(\d{1,2})(?:st|nd|rd|th)\.?$/.exec(text.trim());
  if (dayOnly && options.dayOnly) return upcomingDayOfMonth(Number(dayOnly[1]), today);
  return undefined;
}

/**
 * An appointment day typed on the keypad: month and day ("1216", the next December 16th from today) or with the year
 * ("12162026"); a date that does not exist or has passed is none.
 */
export function appointmentDateFromDigits(digits: string, now: WallTime): WallDate | undefined {
  if (!/^\d{4}(?:\d{4})?$/.test(digits)) return undefined;
  const today = wallDateOf(now);
  const month = Number(digits.slice(0, 2));
  const day = Number(digits.slice(2, 4));
  const thisYear = Number(today.slice(0, 4));
  const years = digits.length === 8 ? [Number(digits.slice(4))] : [thisYear, thisYear + 1];
  for (const year of years) {
    if (!isRealDate(year, month, day)) continue;
    const date = `${year}-${pad(month)}-${pad(day)}`;
    if (date >= today) return date;
  }
  return undefined;
}

/** The next date (today included, within three months) with this day of the month; with `weekday`, the first that falls on it, if any does. */
function upcomingDayOfMonth(wanted: number, today: WallDate, weekday?: number): WallDate | undefined {
  const [year, month] = today.split('-').map(Number) as [number, number, number];
  const candidates: WallDate[] = [];
  for (let step = 0; step < 3; step += 1) {
    const monthIndex = month - 1 + step;
    const candidateYear = year + Math.floor(monthIndex / 12);
    const candidateMonth = (monthIndex % 12) + 1;
    if (!isRealDate(candidateYear, candidateMonth, wanted)) continue;
    const candidate = `${candidateYear}-${pad(candidateMonth)}-${pad(wanted)}`;
    if (candidate >= today) candidates.push(candidate);
  }
  return candidates.find((candidate) => weekday === undefined || dayOfWeek(candidate) === weekday) ?? candidates[0];
}
