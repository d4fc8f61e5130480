// Turns written labels ("Dr. Amara Okafor", "Tuesday 10:30 AM") into the lower-case words a caller would say, for grammars.

const unitWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const teenWords = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tensWords = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

const abbreviations: Record<string, string[]> = {
  dr: ['doctor'],
  st: ['saint'],
  mt: ['mount'],
  ave: ['avenue'],
  am: ['a', 'm'],
  pm: ['p', 'm'],
};

/** 0–99 as words, e.g. 45 → "forty five". */
export function spokenNumber(value: number): string {
  if (value < 10) return unitWords[value] ?? '';
  if (value < 20) return teenWords[value - 10] ?? '';
  const unit = value % 10;
  return `${tensWords[Math.floor(value / 10)]}${unit === 0 ? '' : ` ${unitWords[unit]}`}`;
}

const ordinalUnits = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const ordinalTeens = ['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];

/** A day of the month as an ordinal, 1–31: 7 → "seventh", 21 → "twenty first". */
export function spokenOrdinal(day: number): string {
  if (day < 10) return ordinalUnits[day] ?? '';
  if (day < 20) return ordinalTeens[day - 10] ?? '';
  const unit = day % 10;
  const tens = day < 30 ? 'twenty' : 'thirty';
  return unit === 0 ? `${tens.slice(0, -1)}ieth` : `${tens} ${ordinalUnits[unit]}`;
}

/** "14:30" → "two thirty", "09:05" → "nine oh five", "10:00" → "ten". */
export function spokenTime(hoursMinutes: string): string {
  const [hoursText = '0', minutesText = '0'] = hoursMinutes.split(':');
  const hours = Number(hoursText) % 12 === 0 ? 12 : Number(hoursText) % 12;
  const minutes = Number(minutesText);
  const hourWords = spokenNumber(hours);
  if (minutes === 0) return hourWords;
  return minutes < 10 ? `${hourWords} oh ${spokenNumber(minutes)}` : `${hourWords} ${spokenNumber(minutes)}`;
}

/** Lower-case words with abbreviations, times and small numbers spelled out; anything else non-alphabetic is dropped. */
export function spokenWords(text: string): string[] {
  const words: string[] = [];
  const withTimes = text.replace(/\b(\d{1,2}):(\d{2})\b/g, (_match, hours: string, minutes: string) => ` ${spokenTime(`${hours}:${minutes}`)} `);
  for (const token of withTimes.toLowerCase().split(/[^a-z0-9']+/)) {
    const cleaned = token.replace(/^'+|'+$/g, '');
    if (cleaned.length === 0) continue;
    if (/^\d+$/.test(cleaned)) {
      const value = Number(cleaned);
      if (value < 100) words.push(...spokenNumber(value).split(' '));
      continue;
    }
    words.push(...(abbreviations[cleaned] ?? [cleaned.replace(/[0-9]/g, '')]).filter((word) => word.length > 0));
  }
  return words;
}
