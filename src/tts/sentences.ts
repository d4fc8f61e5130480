// Splits a reply into sentences so synthesis of the first can start while the rest is still queued.

// Lower-case forms of abbreviations whose period does not end a sentence.
const abbreviations = new Set(['dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'mt', 'jr', 'sr', 'vs', 'etc', 'e.g', 'i.e', 'no', 'apt', 'ave', 'approx', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'mon', 'tue', 'tues', 'wed', 'thu', 'thurs', 'fri', 'sat', 'sun']);

/**
 * Returns the sentences of `text`, trimmed, in order. A sentence ends at ".", "!" or "?" (with closing quotes or brackets)
 * followed by white space; not after a known abbreviation ("Dr."), a single initial ("J."), or inside a number or time ("10:30", "3.5").
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  const pattern = /[.!?]+["')\]]*(?=\s+|$)/g;
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    const end = (match.index ?? 0) + match[0].length;
    if (match[0].startsWith('.') && !/[!?]/.test(match[0])) {
      const before = text.slice(start, match.index);
      const lastWord = (before.match(/(\S+)$/)?.[1] ?? '').toLowerCase().replace(/^["'(\[]+/, '');
      if (abbreviations.has(lastWord) || /^[a-z]$/i.test(lastWord)) continue;
      // "a.m." followed by a lower-case word continues the sentence; followed by a capital it may end it.
      const next = text.slice(end).trimStart();
      if ((lastWord === 'a.m' || lastWord === 'p.m') && /^[a-z]/.test(next)) continue;
    }
    const sentence = text.slice(start, end).trim();
    if (sentence.length > 0) sentences.push(sentence);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest.length > 0) sentences.push(rest);
  return sentences;
}
