// Spoken numbers to digits ("nineteen eighty-five" → 1985, "fifteenth" → 15th), so date, phone and time parsers see digits.

const units: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
const teens: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const tens: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ordinalUnits: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
};
const ordinalOthers: Record<string, number> = {
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

const numberWords = new Set([
  ...Object.keys(units),
  ...Object.keys(teens),
  ...Object.keys(tens),
  ...Object.keys(ordinalUnits),
  ...Object.keys(ordinalOthers),
  'oh',
  'hundred',
  'thousand',
  'and',
  'double',
  'triple',
]);

/** Words after which a lone "one" is a pronoun ("the second one", "that one"), not a digit. */
const pronounOneAfter = new Set(['the', 'that', 'this', 'which', 'other', 'last', 'next', 'later', 'earlier', 'each', 'any', 'every', 'a', 'no', 'new', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'middle', 'final', 'another', 'same', 'earliest', 'latest', 'soonest', 'earlier', 'later', 'morning', 'afternoon', 'early', 'late', 'good', 'better']);

/** "1st", "2nd", "3rd", "4th" … for a number. */
export function ordinalSuffix(value: number): string {
  const lastTwo = value % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${value}th`;
  switch (value % 10) {
    case 1:
      return `${value}st`;
    case 2:
      return `${value}nd`;
    case 3:
      return `${value}rd`;
    default:
      return `${value}th`;
  }
}

function ordinalValue(word: string): number | undefined {
  return ordinalUnits[word] ?? ordinalOthers[word];
}

/** A two-digit tail of a year after "nineteen"/"twenty": "eighty five" → 85, "oh five" → 5, "ten" → 10. */
function readYearTail(words: string[], start: number): { value: number; length: number } | undefined {
  const first = words[start];
  if (first === undefined) return undefined;
  if (first === 'oh' || first === 'zero') {
    const next = words[start + 1];
    if (next !== undefined && units[next] !== undefined && units[next] !== 0) return { value: units[next], length: 2 };
    return undefined;
  }
  if (teens[first] !== undefined) return { value: teens[first], length: 1 };
  if (tens[first] !== undefined) {
    const next = words[start + 1];
    if (next !== undefined && units[next] !== undefined && units[next] !== 0) return { value: tens[first] + units[next], length: 2 };
    return { value: tens[first], length: 1 };
  }
  return undefined;
}

/** Converts one run of number words into digit tokens. */
function convertRun(words: string[], previousWord: string | undefined): string[] {
  const output: string[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index]!;
    const next = words[index + 1];

    if ((word === 'double' || word === 'triple') && next !== undefined && (units[next] !== undefined || next === 'oh')) {
      const digit = next === 'oh' ? 0 : units[next]!;
      output.push(...Array<string>(word === 'double' ? 2 : 3).fill(String(digit)));
      index += 2;
      continue;
    }

    // A lone "one" after a determiner is a pronoun: "the second one".
    if (word === 'one' && next === undefined && pronounOneAfter.has(index === 0 ? (previousWord ?? '') : words[index - 1]!)) {
      output.push('one');
      index += 1;
      continue;
    }

    // "oh five" → 05; a lone "oh" between digits → 0.
    if (word === 'oh') {
      if (next !== undefined && units[next] !== undefined) {
        output.push(`0${units[next]}`);
        index += 2;
      } else {
        output.push(index > 0 || next !== undefined ? '0' : 'oh');
        index += 1;
      }
      continue;
    }

    // Years said in pairs: "nineteen eighty five", "twenty twenty five", "twenty oh one", "nineteen hundred".
    const lead = teens[word] ?? tens[word];
    if ((lead === 19 || lead === 20) && next !== undefined && !(lead === 20 && units[next] !== undefined)) {
      if (next === 'hundred') {
        const tail = words[index + 2] === 'and' ? readYearTail(words, index + 3) : readYearTail(words, index + 2);
        if (tail) {
          output.push(String(lead * 100 + tail.value));
          index += 2 + (words[index + 2] === 'and' ? 1 : 0) + tail.length;
        } else {
          output.push(String(lead * 100));
          index += 2;
        }
        continue;
      }
      const tail = readYearTail(words, index + 1);
      if (tail && tail.value >= 1) {
        output.push(String(lead * 100 + tail.value));
        index += 1 + tail.length;
        continue;
      }
    }

    if (ordinalValue(word) !== undefined) {
      output.push(ordinalSuffix(ordinalValue(word)!));
      index += 1;
      continue;
    }

    // A cardinal: "twenty five", "two thousand and one", "one hundred twelve".
    if (units[word] !== undefined || teens[word] !== undefined || tens[word] !== undefined) {
      let total = 0;
      let current = 0;
      let last: 'unit' | 'teen' | 'tens' | 'hundred' | 'thousand' | undefined;
      let cursor = index;
      let ordinal = false;
      while (cursor < words.length) {
        const token = words[cursor]!;
        if (units[token] !== undefined && (last === undefined || last === 'tens' || last === 'hundred' || last === 'thousand')) {
          if (last === undefined && units[token] === 0) {
            current = 0;
            last = 'unit';
            cursor += 1;
            break; // "zero" is a digit on its own
          }
          current += units[token];
          last = 'unit';
        } else if (teens[token] !== undefined && (last === undefined || last === 'hundred' || last === 'thousand')) {
          current += teens[token];
          last = 'teen';
        } else if (tens[token] !== undefined && (last === undefined || last === 'hundred' || last === 'thousand')) {
          current += tens[token];
          last = 'tens';
        } else if (ordinalUnits[token] !== undefined && last === 'tens') {
          current += ordinalUnits[token];
          ordinal = true;
          cursor += 1;
          break;
        } else if (ordinalValue(token) !== undefined && (last === 'hundred' || last === 'thousand')) {
          current += ordinalValue(token)!;
          ordinal = true;
          cursor += 1;
          break;
        } else if (token === 'hundred' && last !== undefined && last !== 'hundred' && last !== 'thousand' && current > 0 && current < 100) {
          current *= 100;
          last = 'hundred';
        } else if (token === 'thousand' && last !== undefined && last !== 'thousand' && current > 0 && total === 0) {
          total = current * 1000;
          current = 0;
          last = 'thousand';
        } else if (token === 'and' && (last === 'hundred' || last === 'thousand') && cursor + 1 < words.length) {
          // "two thousand and one": "and" joins, nothing to add
        } else {
          break;
        }
        cursor += 1;
      }
      const value = total + current;
      output.push(ordinal ? ordinalSuffix(value) : String(value));
      index = cursor;
      continue;
    }

    output.push(word); // "and", "hundred", "double" that joined nothing stay words
    index += 1;
  }
  return output;
}

const wordPattern = /[a-z]+/g;

/**
 * Rewrites spoken numbers as digits, keeping everything else as it was (lower-cased).
 * Digit words said one by one stay separate ("five five five" → "5 5 5"); years said in pairs join.
 */
export function normalizeNumberWords(text: string): string {
  const lower = text.toLowerCase();
  const tokens: Array<{ start: number; end: number; word: string }> = [];
  for (const match of lower.matchAll(wordPattern)) {
    tokens.push({ start: match.index, end: match.index + match[0].length, word: match[0] });
  }
  let result = '';
  let written = 0;
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    if (!numberWords.has(token.word) || token.word === 'and' || isStandaloneWord(lower, tokens, index)) {
      index += 1;
      continue;
    }
    // Extend the run over number words separated by spaces or hyphens only.
    let end = index;
    while (end + 1 < tokens.length) {
      const gap = lower.slice(tokens[end]!.end, tokens[end + 1]!.start);
      if (!/^[\s-]+$/.test(gap) || !numberWords.has(tokens[end + 1]!.word)) break;
      end += 1;
    }
    while (end > index && tokens[end]!.word === 'and') end -= 1;
    const runWords = tokens.slice(index, end + 1).map((item) => item.word);
    const previousWord = index > 0 ? tokens[index - 1]!.word : undefined;
    const converted = convertRun(runWords, previousWord);
    result += lower.slice(written, token.start) + converted.join(' ');
    written = tokens[end]!.end;
    index = end + 1;
  }
  return result + lower.slice(written);
}

/** A token that only looks like a number word: a lone "oh" ("oh, it's Smith") or a word glued to digits or an apostrophe. */
function isStandaloneWord(text: string, tokens: Array<{ start: number; end: number; word: string }>, index: number): boolean {
  const token = tokens[index]!;
  const before = text[token.start - 1];
  const after = text[token.end];
  if ((before !== undefined && /[\d']/.test(before)) || (after !== undefined && /[\d']/.test(after))) return true;
  if (token.word === 'oh' || token.word === 'double' || token.word === 'triple' || token.word === 'hundred' || token.word === 'thousand') {
    const next = tokens[index + 1];
    const gap = next ? text.slice(token.end, next.start) : '';
    const nextIsNumber = next !== undefined && /^[\s-]+$/.test(gap) && numberWords.has(next.word) && next.word !== 'and';
    return !nextIsNumber;
  }
  return false;
}
