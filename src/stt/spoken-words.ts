// Turns written labels ("Dr. Amara Okafor", "Tuesday 10:30 AM") into the lower-case words a caller would say, for grammars.
import { speakNumber, speakOrdinal } from '../spoken-numbers.ts';

const abbreviations: Record<string, string[]> = {
  dr: ['doctor'],
  st: ['saint'],
  mt: ['mount'],
  ave: ['avenue'],
  am: ['a', 'm'],
  pm: ['p', 'm'],
};

/** 0–99 as a caller's words, e.g. 45 → "forty five". */
export function spokenNumber(value: number): string {
  return speakNumber(value).replaceAll('-', ' ');
}

/** A day of the month as an ordinal, 1–31: 7 → "seventh", 21 → "twenty first". */
export function spokenOrdinal(day: number): string {
  return speakOrdinal(day).replaceAll('-', ' ');
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
