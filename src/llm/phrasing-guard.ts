// Checks an LLM rephrasing against its template: every number, date, time, name and code kept verbatim and in order, nothing added.

const numberWords = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen',
  'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty',
  'seventy', 'eighty', 'ninety', 'hundred', 'thousand',
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth',
  'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'thirtieth',
];
const numberWord = new RegExp(`^(?:${numberWords.join('|')})(?:-(?:${numberWords.join('|')}))?$`, 'i');
/** Words that continue a spoken number or time: "nine oh five AM", "twelve noon". */
const numberTail = /^(?:oh|AM|PM|noon|midnight)$/;
const weekdaysAndMonths = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/;
/** Capitalised words that are grammar, not facts. */
const ordinaryCapitals = /^(?:I|I'm|I'll|I've|I'd|OK|Okay)$/;

interface Token {
  word: string;
  /** Offset in the text, for ordering. */
  index: number;
  sentenceStart: boolean;
  /** A comma, colon or sentence end stands between this token and the previous one. */
  afterBreak: boolean;
}

function tokens(text: string): Token[] {
  const result: Token[] = [];
  let sentenceStart = true;
  let afterBreak = true;
  for (const match of text.matchAll(/[A-Za-z0-9][A-Za-z0-9'’.-]*|[.?!,;:]/g)) {
    const raw = match[0];
    if (/^[.?!]$/.test(raw)) {
      sentenceStart = true;
      afterBreak = true;
      continue;
    }
    if (/^[,;:]$/.test(raw)) {
      afterBreak = true;
      continue;
    }
    // A trailing full stop ends the sentence unless it is an abbreviation like "Dr.".
    const endsSentence = raw.endsWith('.') && !/^(?:Dr|Mr|Mrs|Ms|St|Mt)\.$/.test(raw);
    // "Okafor's" keeps the fact "Okafor".
    const word = raw.replace(/[.-]+$/, '').replace(/['’]s$/, '');
    if (word) result.push({ word, index: match.index, sentenceStart, afterBreak });
    sentenceStart = endsSentence;
    afterBreak = endsSentence;
  }
  return result;
}

/**
 * The facts a phrasing must keep, in text order: digit runs, codes spelled out ("K, 7, Q"), spoken numbers and
 * times ("ten thirty AM", "twenty-first"), and capitalised words past a sentence's first (names, days, months, places).
 * A lone "one" is left out: it is as often a pronoun ("which one") as a number.
 */
export function protectedPhrases(text: string): string[] {
  const found: Array<{ phrase: string; index: number }> = [];
  const codeSpans: Array<[number, number]> = [];
  for (const match of text.matchAll(/\b[A-Z0-9](?:, [A-Z0-9]\b)+/g)) {
    found.push({ phrase: match[0], index: match.index });
    codeSpans.push([match.index, match.index + match[0].length]);
  }
  const inCode = (index: number) => codeSpans.some(([from, to]) => index >= from && index < to);

  const words = tokens(text).filter((token) => !inCode(token.index));
  for (let position = 0; position < words.length; position += 1) {
    const { word, index, sentenceStart } = words[position]!;
    if (numberWord.test(word)) {
      const run = [word];
      while (position + 1 < words.length) {
        const next = words[position + 1]!;
        if (next.afterBreak || !(numberWord.test(next.word) || numberTail.test(next.word))) break;
        run.push(next.word);
        position += 1;
      }
      if (!(run.length === 1 && /^one$/i.test(word))) found.push({ phrase: run.join(' '), index });
      continue;
    }
    if (/\d/.test(word)) {
      for (const digits of word.matchAll(/\d+/g)) found.push({ phrase: digits[0], index: index + digits.index });
      continue;
    }
    if (!/^[A-Z]/.test(word) || ordinaryCapitals.test(word)) continue;
    const factual = !sentenceStart || weekdaysAndMonths.test(word) || (word.length > 1 && word === word.toUpperCase());
    if (factual) found.push({ phrase: word, index });
  }
  return found.sort((left, right) => left.index - right.index).map((entry) => entry.phrase);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type PhrasingVerdict = { ok: true } | { ok: false; reason: 'empty' | 'too-long' | 'formatting' | 'missing' | 'added' | 'question' };

/** Whether `candidate` may be spoken instead of `template`. Reasons name a category only (templates may carry PHI). */
export function checkPhrasing(template: string, candidate: string): PhrasingVerdict {
  const text = candidate.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > template.length * 2 + 40) return { ok: false, reason: 'too-long' };
  if (/[\n*#_`<>{}[\]]/.test(text)) return { ok: false, reason: 'formatting' };
  // A question the machine waits on must still be asked; a statement must not become one.
  if (template.includes('?') !== text.includes('?')) return { ok: false, reason: 'question' };

  const kept = protectedPhrases(template);
  let cursor = 0;
  for (const phrase of kept) {
    const pattern = new RegExp(`(?<![A-Za-z0-9])${escape(phrase)}(?![A-Za-z0-9])`, 'g');
    pattern.lastIndex = cursor;
    const found = pattern.exec(text);
    if (!found) return { ok: false, reason: 'missing' };
    cursor = found.index + phrase.length;
  }
  const allowed = new Set(kept);
  for (const phrase of protectedPhrases(text)) {
    if (!allowed.has(phrase)) return { ok: false, reason: 'added' };
  }
  return { ok: true };
}
