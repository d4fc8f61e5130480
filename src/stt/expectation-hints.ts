// Words a cloud recognizer should favour in the current state: offered options, clinic vocabulary, expected slot words.
import { specialties } from '../ehr/types.ts';
import type { Expectation, SlotName } from '../understanding/types.ts';

/** Words that answer a slot whatever the clinic; names and dates are left to the recognizer's own model. */
const slotWords: Partial<Record<SlotName, readonly string[]>> = {
  intent: ['appointment', 'book', 'cancel', 'reschedule'],
  specialty: specialties,
  yesNo: ['yes', 'no'],
};

/**
 * Distinct hint phrases, most relevant first: offered option labels and names, then vocabulary, then slot words.
 * `limit` caps the count because vendors cap prompt size (Deepgram keyterms: 500 tokens in all).
 */
export function expectationHints(expectation: Expectation | undefined, limit = 50): string[] {
  if (!expectation) return [];
  const hints: string[] = [];
  for (const option of expectation.options ?? []) {
    if (option.name) hints.push(option.name);
    hints.push(option.label);
  }
  hints.push(...(expectation.vocabulary?.providerNames ?? []), ...(expectation.vocabulary?.locations ?? []));
  for (const slot of expectation.slots) hints.push(...(slotWords[slot] ?? []));
  const seen = new Set<string>();
  const distinct: string[] = [];
  for (const hint of hints) {
    const trimmed = hint.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === '' || seen.has(key)) continue;
    seen.add(key);
    distinct.push(trimmed);
  }
  return distinct.slice(0, limit);
}
