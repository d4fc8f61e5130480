// Clinic locations from the EHR's vocabulary, matched case-insensitively on their distinctive words.
import { heardWord, wordsOf } from './fuzzy.ts';

/** Words that name no particular place. */
const genericWords = new Set(['the', 'clinic', 'office', 'center', 'centre', 'medical', 'health', 'healthcare', 'hospital', 'practice', 'location', 'campus', 'building', 'street', 'st', 'avenue', 'ave', 'road', 'rd', 'of', 'and', 'at', 'care']);

/** The location (spelled exactly as in `locations`) the caller named, if exactly one matches. */
export function findLocation(text: string, locations: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  const heard = wordsOf(lower);
  const whole = locations.filter((location) => lower.includes(location.toLowerCase()));
  if (whole.length === 1) return whole[0];
  const matches = locations.filter((location) => {
    const distinctive = wordsOf(location).filter((word) => !genericWords.has(word));
    return distinctive.length > 0 && distinctive.some((word) => heardWord(word, heard));
  });
  if (matches.length === 1) return matches[0];
  // Several share a word ("North Clinic", "North Annex"): keep the one whose every distinctive word was heard.
  const complete = matches.filter((location) => wordsOf(location).filter((word) => !genericWords.has(word)).every((word) => heardWord(word, heard)));
  return complete.length === 1 ? complete[0] : undefined;
}
