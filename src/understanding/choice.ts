// Picking one of the options just offered: by ordinal, number, time, provider name or day.
import type { OfferedOption } from './types.ts';
import { findTime } from './time-of-day.ts';
import { findWeekday } from './appointment-date.ts';
import { dayOfWeek } from '../clock.ts';
import { heardWord, wordsOf } from './fuzzy.ts';
import { findMonthName } from './date-of-birth.ts';

const ordinalWords: Record<string, number> = {
  first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5,
  sixth: 6, '6th': 6, seventh: 7, '7th': 7, eighth: 8, '8th': 8, ninth: 9, '9th': 9,
};
const titleWords = new Set(['dr', 'doctor', 'doc', 'mr', 'mrs', 'ms', 'miss', 'prof', 'professor', 'md', 'np', 'pa', 'do']);

/** A choice: 0-based index into the options, and the option's time when the caller picked it by time. */
export interface Choice {
  choice: number;
  time?: string;
}

/** A position said as an ordinal or a number ("the second one", "number two", "option 3", "the last one"), 1-based. */
function findPosition(normalized: string, count: number): number | undefined {
  const text = normalized.toLowerCase();
  if (/\b(?:the )?(?:last|final|latest|bottom)(?: one| option| slot)?\b/.test(text) && !/\blast name\b/.test(text)) return count;
  if (count === 3 && /\bthe middle(?: one)?\b/.test(text)) return 2;
  if (/\b(?:the )?(?:earliest|soonest|first available)(?: one| option| slot| time)?\b/.test(text)) return 1;
  // No preference: the first, as the agent offered them.
  if (/^(?:(?:um|uh|oh|well|so|okay|ok|i mean)\s)*(?:either(?: one)?|any(?: one)? of (?:them|those)|whichever(?: one)?|(?:it )?(?:doesn'?t|does not) matter|no preference|i don'?t (?:mind|care)|anyone|anybody)\b/.test(text)) return 1;
  if (/\b(?:the )?(?:first|1st|earliest) (?:one )?of (?:those|them|these)\b/.test(text)) return 1;
  const ordinal = /\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|1st|2nd|3rd|[4-9]th)\b(?! (?:of|day|week|month))/.exec(text);
  // "the ninth" of three options, or "December second", is a day of the month, not a position.
  const position = ordinal ? ordinalWords[ordinal[1]!]! : undefined;
  if (position !== undefined && !/\b(?:first|last) name\b/.test(text) && position <= count && findMonthName(text) === undefined) return position;
  const numbered = /\b(?:number|option|choice|#) ?(\d{1,2})\b/.exec(text);
  if (numbered) return Number(numbered[1]);
  const bare = /^(?:(?:um|uh|the|oh)\s)*(\d)(?: one| please)?[.!]*$/.exec(text.trim());
  if (bare) return Number(bare[1]);
  return undefined;
}

/** Which options the text's time, name and day point to; undefined for a cue the caller did not give. */
function filterByCues(normalized: string, options: readonly OfferedOption[]): { indexes: number[]; byTime: boolean } | undefined {
  let candidates = options.map((_, index) => index);
  let anyCue = false;
  let byTime = false;

  const heard = findTime(normalized, { loose: true });
  if (heard && options.some((option) => option.time)) {
    const matchesClock = (option: OfferedOption, exactMinute: boolean): boolean => {
      if (!option.time) return false;
      const [hour, minute] = option.time.split(':').map(Number) as [number, number];
      const hourMatches = heard.meridiem
        ? hour === (heard.meridiem === 'pm' ? (heard.hour % 12) + 12 : heard.hour % 12)
        : hour % 12 === heard.hour % 12;
      const minuteMatches = heard.minute === undefined ? !exactMinute || minute === 0 : minute === heard.minute;
      return hourMatches && minuteMatches;
    };
    let byClock = candidates.filter((index) => matchesClock(options[index]!, true));
    if (byClock.length === 0 && heard.minute === undefined) byClock = candidates.filter((index) => matchesClock(options[index]!, false));
    if (byClock.length > 0) {
      candidates = byClock;
      anyCue = true;
      byTime = true;
    }
  }

  const heardWords = wordsOf(normalized);
  // By the option's name, or a word said with it that no other option has ("the one at Riverside", not "the clinic").
  const keywordWords = options.map((option) => new Set(wordsOf((option.keywords ?? []).join(' '))));
  const byName = candidates.filter((index) => {
    const name = options[index]!.name;
    const own = [...keywordWords[index]!].filter((word) => keywordWords.every((words, other) => other === index || !words.has(word)));
    return [...(name ? wordsOf(name) : []), ...own].some((word) => word.length >= 3 && !titleWords.has(word) && heardWord(word, heardWords));
  });
  if (byName.length > 0) {
    candidates = byName;
    anyCue = true;
  }

  const day = findDayOfMonth(normalized);
  if (day !== undefined && options.some((option) => option.date)) {
    const month = findMonthName(normalized.toLowerCase());
    const byDate = candidates.filter((index) => {
      const date = options[index]!.date;
      return date !== undefined && Number(date.slice(8, 10)) === day && (month === undefined || Number(date.slice(5, 7)) === month);
    });
    // A day no option falls on picks nothing, rather than whatever the other cues leave.
    if (byDate.length === 0) return undefined;
    candidates = byDate;
    anyCue = true;
  }

  const weekday = findWeekday(normalized);
  if (weekday !== undefined) {
    const byDay = candidates.filter((index) => options[index]!.date !== undefined && dayOfWeek(options[index]!.date!) === weekday);
    if (byDay.length > 0) {
      candidates = byDay;
      anyCue = true;
    }
  }
  return anyCue ? { indexes: candidates, byTime } : undefined;
}

/** A day of the month said as an ordinal ("the 9th", "December 9th"), when it cannot be a position in the list. */
function findDayOfMonth(normalized: string): number | undefined {
  const match = /\b(\d{1,2})(?:st|nd|rd|th)\b/.exec(normalized.toLowerCase());
  const day = match ? Number(match[1]) : undefined;
  return day !== undefined && day >= 1 && day <= 31 ? day : undefined;
}

const numberWord = String.raw`(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fourty|forty-five|fifty)`;
/** "the nine thirty one": the final "one" stands for the option, so the time is nine thirty, not 9:31. */
const pronounOneAfterNumbers = new RegExp(String.raw`\b((?:the|that|this) ${numberWord}(?:[\s-]+${numberWord})*)[\s-]+one\b`, 'g');

/** The utterance with "one" standing for an option dropped after a spoken time, before number words become digits. */
export function withoutPronounOne(text: string): string {
  return text.toLowerCase().replace(pronounOneAfterNumbers, '$1');
}

/** The option the caller picked, if exactly one fits what was said. */
export function findChoice(normalized: string, options: readonly OfferedOption[]): Choice | undefined {
  if (options.length === 0) return undefined;
  const position = findPosition(normalized, options.length);
  if (position !== undefined) {
    return position >= 1 && position <= options.length ? withTime(position - 1, options, false) : undefined;
  }
  const cues = filterByCues(normalized, options);
  if (cues && cues.indexes.length === 1) return withTime(cues.indexes[0]!, options, cues.byTime);
  return undefined;
}

function withTime(index: number, options: readonly OfferedOption[], byTime: boolean): Choice {
  const time = options[index]!.time;
  return byTime && time ? { choice: index, time } : { choice: index };
}

/** A keyed choice: the digit is the 1-based option number. */
export function choiceFromDigits(digits: string, count: number): number | undefined {
  if (!/^\d{1,2}$/.test(digits)) return undefined;
  const position = Number(digits);
  return position >= 1 && position <= count ? position - 1 : undefined;
}
