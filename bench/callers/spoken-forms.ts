// How callers say names, dates and numbers aloud, several ways each: spelled names, ordinal or numeric dates, phone numbers digit by digit or in chunks, "oh" for zero.

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinals = [
  '', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth',
  'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth',
];
const units = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const teens = ['thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const digitWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** A seeded choice among alternatives. */
export type Pick = <T>(values: readonly T[]) => T;

/** 1–31 as an ordinal: "fifteenth", "twenty first", "thirtieth". */
export const ordinalWord = (day: number): string => (day <= 20 ? ordinals[day]! : day === 30 ? 'thirtieth' : `${tens[Math.floor(day / 10)]} ${ordinals[day % 10]}`);

/** 1–99 as a cardinal: "fifteen", "twenty one". */
const cardinalWords = (value: number): string =>
  value <= 12 ? units[value]! : value < 20 ? teens[value - 13]! : `${tens[Math.floor(value / 10)]}${value % 10 ? ` ${units[value % 10]}` : ''}`;

/** 1900–2099 as said aloud: "nineteen eighty five", "nineteen ninety", "two thousand one". */
export function yearWords(year: number): string {
  if (year >= 2000 && year < 2010) return `two thousand${year % 10 ? ` ${units[year % 10]}` : ''}`;
  const century = year < 2000 ? 'nineteen' : 'twenty';
  const rest = year % 100;
  return `${century} ${rest < 10 ? `oh ${units[rest]}` : cardinalWords(rest)}`;
}

/** An ISO date (YYYY-MM-DD) as a person says it: "January fifteenth nineteen eighty five", "the fifteenth of January, nineteen eighty five", "one fifteen eighty five". */
export function birthDateWords(isoDate: string, pick: Pick): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const shortYear = yearWords(year).replace(/^nineteen /, '');
  return pick([
    `${months[month - 1]} ${ordinalWord(day)} ${yearWords(year)}`,
    `${months[month - 1]} ${ordinalWord(day)}, ${yearWords(year)}`,
    `the ${ordinalWord(day)} of ${months[month - 1]}, ${yearWords(year)}`,
    `${cardinalWords(month)} ${cardinalWords(day)} ${shortYear}`,
  ]);
}

/** Month and ordinal day only: "January fifteenth". */
export const monthDayWords = (isoDate: string): string => {
  const [, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return `${months[month - 1]} ${ordinalWord(day)}`;
};

/** Ten digits said one by one, in the 3-3-4 chunks people pause between, sometimes with "oh" for zero. */
export function phoneWords(digits: string, pick: Pick): string {
  const zero = pick(['zero', 'zero', 'oh']);
  const say = (part: string) => [...part].map((digit) => (digit === '0' ? zero : digitWords[Number(digit)])).join(' ');
  const chunks = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)].map(say);
  return pick([chunks.join(' '), chunks.join(', '), `${chunks[0]}, ${chunks[1]}... ${chunks[2]}`]);
}

/** "S M I T H". */
export const spelled = (name: string): string => [...name.toUpperCase()].join(' ');

/** Text as the recogniser would print it, to compare with a transcript: lower case, words only. */
export function normalisedWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[-,.?!;:]/g, ' ')
    .replace(/[^a-z0-9' ]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}
