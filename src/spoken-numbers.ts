// Numbers in words, the one speller: what the agent's voice says (src/dialog/speech.ts) and what the recogniser's grammars expect a caller to say (src/stt/spoken-words.ts).

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ordinalOnes = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
const ordinalTens = ['', '', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth', 'seventieth', 'eightieth', 'ninetieth'];

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
  return `${speakNumber(high)} ${low < 10 ? `oh ${speakNumber(low)}` : speakNumber(low)}`;
}
