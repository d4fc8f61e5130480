// Picking an offered item by what it is called: a medication by its name or what it is for ("the cholesterol one"), a pharmacy by its name.
import { heardWord, wordsOf } from './fuzzy.ts';
import type { OfferedOption } from './types.ts';

/** Words that name no item in particular ("the pharmacy", "my pills"). */
const genericWords = new Set(['the', 'my', 'a', 'an', 'of', 'and', 'for', 'one', 'mg', 'pharmacy', 'drug', 'drugs', 'store', 'pill', 'pills', 'medication', 'medicine']);

/** The words that tell this option apart: in its name or keywords, in no other option, not generic. */
function distinctiveWords(option: OfferedOption, others: readonly OfferedOption[]): string[] {
  const own = new Set(wordsOf([option.name ?? option.label, ...(option.keywords ?? [])].join(' ')));
  const elsewhere = new Set(others.flatMap((other) => wordsOf([other.name ?? other.label, ...(other.keywords ?? [])].join(' '))));
  return [...own].filter((word) => word.length >= 3 && !genericWords.has(word) && !/^\d+$/.test(word) && !elsewhere.has(word));
}

/** The offered option whose name (or keyword) the caller said, if exactly one fits; its index. */
export function findOfferedName(text: string, options: readonly OfferedOption[]): number | undefined {
  const heard = wordsOf(text);
  const scores = options.map((option, index) => {
    const others = options.filter((_, otherIndex) => otherIndex !== index);
    return distinctiveWords(option, others).filter((word) => heardWord(word, heard)).length;
  });
  const best = Math.max(0, ...scores);
  if (best === 0) return undefined;
  const winners = scores.flatMap((score, index) => (score === best ? [index] : []));
  return winners.length === 1 ? winners[0] : undefined;
}
