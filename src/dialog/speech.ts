// Formatting for the ear: dates, times, codes, ordinals and lists as a text-to-speech voice should read them.
import type { WallDate, WallTime } from '../clock.ts';

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ordinalOnes = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
const ordinalTens = ['', '', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth', 'seventieth', 'eightieth', 'ninetieth'];
const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A whole number 0–9999 in words: 42 → "forty-two", 2026 → "two thousand twenty-six". */
export function speakNumber(value: number): string {
  if (!Number.isInteger(value) || value < 0) return String(value);
  if (value < 20) return ones[value]!;
  if (value < 100) return tens[Math.floor(value / 10)]! + (value % 10 ? `-${ones[value % 10]}` : '');
  if (value < 1000) return `${ones[Math.floor(value / 100)]} hundred${value % 100 ? ` ${speakNumber(value % 100)}` : ''}`;
  if (value < 10000) return `${speakNumber(Math.floor(value / 1000))} thousand${value % 1000 ? ` ${speakNumber(value % 1000)}` : ''}`;
  return String(value);
}

/** An ordinal in words: 1 → "first", 22 → "twenty-second", 30 → "thirtieth". */
export function speakOrdinal(value: number): string {
  if (!Number.isInteger(value) || value < 0) return String(value);
  if (value < 20) return ordinalOnes[value]!;
  if (value < 100) return value % 10 ? `${tens[Math.floor(value / 10)]}-${ordinalOnes[value % 10]}` : ordinalTens[Math.floor(value / 10)]!;
  const remainder = value % 100;
  if (remainder === 0) return `${speakNumber(value)}th`;
  return `${speakNumber(value - remainder)} ${speakOrdinal(remainder)}`;
}

/** A year as said aloud: 1985 → "nineteen eighty-five", 2026 → "twenty twenty-six", 2005 → "two thousand five". */
export function speakYear(year: number): string {
  if (year >= 2000 && year < 2010) return speakNumber(year);
  const high = Math.floor(year / 100);
  const low = year % 100;
  if (low === 0) return `${speakNumber(high)} hundred`;
  return `${speakNumber(high)} ${low < 10 ? `oh ${ones[low]}` : speakNumber(low)}`;
}

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
  const minutes = minute === 0 ? '' : minute < 10 ? ` oh ${ones[minute]}` : ` ${speakNumber(minute)}`;
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
  return groups.map((group) => [...group].map((digit) => ones[Number(digit)]).join(' ')).join(', ');
}
