// Dates of birth as people say or key them ("January fifteenth nineteen eighty-five", "1/15/85", DTMF MMDDYYYY), whole or as a correction.
import * as chrono from 'chrono-node';
import type { WallTime } from '../clock.ts';
import type { DateOfBirthParts } from './types.ts';

export const monthNames: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10, november: 11, nov: 11,
  december: 12, dec: 12,
};
const monthPattern = new RegExp(String.raw`\b(${Object.keys(monthNames).join('|')})\b\.?`);

/** A month named in text; "may" counts only beside a number ("May 3rd"), as it is also a verb. */
export function findMonthName(text: string): number | undefined {
  const match = monthPattern.exec(text);
  if (!match) return undefined;
  if (match[1] === 'may' && !/\bmay\.?\s+(the\s+)?\d|\d(st|nd|rd|th)?\s+(of\s+)?may\b/.test(text)) return undefined;
  return monthNames[match[1]!];
}

interface Today {
  year: number;
  month: number;
  day: number;
}

function todayOf(now: WallTime): Today {
  return { year: Number(now.slice(0, 4)), month: Number(now.slice(5, 7)), day: Number(now.slice(8, 10)) };
}

/** A two-digit year as a birth year: the most recent year ending in those digits that is not in the future. */
export function expandBirthYear(twoDigits: number, currentYear: number): number {
  const thisCentury = Math.floor(currentYear / 100) * 100 + twoDigits;
  return thisCentury <= currentYear ? thisCentury : thisCentury - 100;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The parts if they make a real, past (or today's) date of birth; a future or impossible date is rejected. */
function checkParts(parts: DateOfBirthParts, today: Today): DateOfBirthParts | undefined {
  const { year, month, day } = parts;
  if (year !== undefined && (year < 1900 || year > today.year)) return undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (month !== undefined && day !== undefined && day > daysInMonth(year ?? 2000, month)) return undefined;
  if (year !== undefined && month !== undefined && day !== undefined) {
    const asNumber = year * 10000 + month * 100 + day;
    if (asNumber > today.year * 10000 + today.month * 100 + today.day) return undefined;
  }
  if (year === undefined && month === undefined && day === undefined) return undefined;
  return parts;
}

function readYear(raw: string, today: Today): number {
  return raw.length <= 2 ? expandBirthYear(Number(raw), today.year) : Number(raw);
}

/** Month, day, year from numbers in US order, or day-first when the first cannot be a month (15/1/85). */
function fromNumbers(first: number, second: number, year: number, today: Today): DateOfBirthParts | undefined {
  const usOrder = checkParts({ year, month: first, day: second }, today);
  if (usOrder) return usOrder;
  if (first > 12) return checkParts({ year, month: second, day: first }, today);
  return undefined;
}

/** A keyed date of birth: MMDDYYYY (or MMDDYY), or the year alone (YYYY: asked for the year, a caller types just that). */
export function dateOfBirthFromDigits(digits: string, now: WallTime): DateOfBirthParts | undefined {
  const today = todayOf(now);
  if (/^\d{4}$/.test(digits)) return checkParts({ year: Number(digits) }, today);
  if (!/^\d{6}(\d{2})?$/.test(digits)) return undefined;
  const year = readYear(digits.slice(4), today);
  return checkParts({ year, month: Number(digits.slice(0, 2)), day: Number(digits.slice(2, 4)) }, today);
}

/**
 * Finds a date of birth in text whose number words were already turned into digits.
 * With `partial` (the question asked for it), also a lone year, month or day: "no, it's 1984" → { year: 1984 }.
 */
export function findDateOfBirth(normalized: string, options: { now: WallTime; partial: boolean }): DateOfBirthParts | undefined {
  const today = todayOf(options.now);
  // "July 4th, '76": an apostrophe year is a two-digit year.
  const text = normalized.toLowerCase().replace(/(^|\s)[‘’']\s?(\d{2})\b/g, (_, space: string, digits: string) => `${space}${expandBirthYear(Number(digits), today.year)}`);

  const iso = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/.exec(text);
  if (iso) return checkParts({ year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }, today);

  const separators = options.partial ? String.raw`\s*[/.-]\s*|\s+` : String.raw`\s*[/.-]\s*`;
  const numeric = new RegExp(String.raw`(?<![\d:])(\d{1,2})(?:${separators})(\d{1,2})(?:${separators})(\d{4}|\d{2})(?![\d:])`).exec(text);
  if (numeric) {
    return fromNumbers(Number(numeric[1]), Number(numeric[2]), readYear(numeric[3]!, today), today);
  }

  if (options.partial) {
    const digitsOnly = text.replace(/[^\d]/g, '');
    if (/^[\d\s.,-]+$/.test(text.trim()) && digitsOnly.length === 8) return dateOfBirthFromDigits(digitsOnly, options.now);
  }

  if (findMonthName(text) !== undefined) {
    const reference = new Date(today.year, today.month - 1, today.day, 12, 0);
    for (const result of chrono.casual.parse(text, { instant: reference })) {
      if (!result.start.isCertain('month') || !result.start.isCertain('day')) continue;
      const month = result.start.get('month') ?? undefined;
      const day = result.start.get('day') ?? undefined;
      let year: number | undefined;
      if (result.start.isCertain('year')) {
        const twoDigitYear = /(?:^|[^\d])'?(\d{2})\s*$/.exec(result.text);
        year = twoDigitYear && !/\d{3,}\s*$/.test(result.text) ? expandBirthYear(Number(twoDigitYear[1]), today.year) : (result.start.get('year') ?? undefined);
      }
      const parts = checkParts(dropUndefined({ year, month, day }), today);
      if (parts && (year !== undefined || options.partial)) return parts;
      if (year !== undefined) return undefined; // a whole date that is impossible or in the future
    }
  }

  if (!options.partial) return undefined;
  // Corrections and pieces: "it's 1984", "actually the sixteenth", "March", "March 1984".
  const parts: DateOfBirthParts = {};
  const year = /(?<![\d/:-])(19\d{2}|20\d{2})(?![\d/:-])/.exec(text);
  if (year) parts.year = Number(year[1]);
  const month = findMonthName(text);
  if (month !== undefined) parts.month = month;
  const day = /(?<![\d/:-])(\d{1,2})(?:st|nd|rd|th)\b/.exec(text) ?? /\bthe (\d{1,2})\b(?![\d/:-])/.exec(text);
  if (day) parts.day = Number(day[1]);
  return checkParts(parts, today);
}

function dropUndefined(parts: { year?: number | undefined; month?: number | undefined; day?: number | undefined }): DateOfBirthParts {
  const result: DateOfBirthParts = {};
  if (parts.year !== undefined) result.year = parts.year;
  if (parts.month !== undefined) result.month = parts.month;
  if (parts.day !== undefined) result.day = parts.day;
  return result;
}
