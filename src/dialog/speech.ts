// Formatting for the ear: dates, times, codes, ordinals and lists as a text-to-speech voice should read them.
import type { WallDate, WallTime } from '../clock.ts';
import { speakNumber, speakOrdinal, speakYear } from '../spoken-numbers.ts';

// Numbers are spelled in one place; these names stay exported from here for the callers of the formatting.
export { speakNumber, speakOrdinal, speakYear };

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function dateParts(date: WallDate): { year: number; month: number; day: number; weekday: number } {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return { year, month, day, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** A clinic date for the ear: '2026-12-01' → "Tuesday, December first" (with `includeYear`, ", twenty twenty-six"). */
export function speakDate(date: WallDate, options: { includeYear?: boolean } = {}): string {
  const { year, month, day, weekday } = dateParts(date);
  const spoken = `${weekdayNames[weekday]}, ${monthNames[month - 1]} ${speakOrdinal(day)}`;
  return options.includeYear ? `${spoken}, ${speakYear(year)}` : spoken;
}

/** A 24-hour 'HH:mm' for the ear: '10:30' → "ten thirty AM", '14:00' → "two PM", '09:05' → "nine oh five AM", '12:00' → "twelve noon". */
export function speakTime(time: string): string {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  if (hour === 12 && minute === 0) return 'twelve noon';
  if (hour === 0 && minute === 0) return 'twelve midnight';
  const meridiem = hour < 12 ? 'AM' : 'PM';
  const clockHour = hour % 12 === 0 ? 12 : hour % 12;
  const minutes = minute === 0 ? '' : minute < 10 ? ` oh ${speakNumber(minute)}` : ` ${speakNumber(minute)}`;
  return `${speakNumber(clockHour)}${minutes} ${meridiem}`;
}

/** A clinic wall time for the ear: '2026-12-01T10:30' → "Tuesday, December first at ten thirty AM". */
export function speakDateTime(wallTime: WallTime): string {
  return `${speakDate(wallTime.slice(0, 10))} at ${speakTime(wallTime.slice(11, 16))}`;
}

/** A code read one character at a time: 'K7Q2XZ' → "K, 7, Q, 2, X, Z" (the commas make a voice pause between characters). */
export function spellCode(code: string): string {
  return [...code.replace(/\s+/g, '')].map((character) => character.toUpperCase()).join(', ');
}

/** A spoken list: ['a', 'b', 'c'] → "a, b, or c"; two items → "a or b"; one → "a". */
export function speakList(items: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  if (items.length === 2) return `${items[0]} ${conjunction} ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items[items.length - 1]}`;
}

/** A birth date for the ear, with its year and no weekday: '1985-01-15' → "January fifteenth, nineteen eighty-five". */
export function speakBirthDate(date: WallDate): string {
  const { year, month, day } = dateParts(date);
  return `${monthNames[month - 1]} ${speakOrdinal(day)}, ${speakYear(year)}`;
}

/** A US phone number read back in its groups: '+15550101234' → "five five five, zero one zero, one two three four". */
export function speakPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
  const groups = digits.length === 10 ? [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)] : [digits];
  return groups.map((group) => [...group].map((digit) => speakNumber(Number(digit))).join(' ')).join(', ');
}
