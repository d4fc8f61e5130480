// Shared by the understanding behaviour tables: one clock, one vocabulary, one call into the rule extractor.
import { createRuleExtractor } from '../../src/understanding/rule-extractor.ts';
import type { Expectation, SlotName, Understanding } from '../../src/understanding/types.ts';

/** Monday, November 30, 2026, nine in the morning at the clinic. */
export const now = '2026-11-30T09:00';
export const vocabulary = {
  locations: ['Downtown Clinic', 'Riverside Medical Center', 'North Hills Office'],
  providerNames: ['Dr. Samuel Whitfield', 'Dr. Amara Okafor', 'Dr. Ben Lee'],
};
const extractor = createRuleExtractor();

/** What the rule extractor understands from `text` when the call expects `slots`. */
export function understand(text: string, slots: SlotName[], extra: Partial<Expectation> = {}): Promise<Understanding> {
  return extractor.extract({ text, now, expectation: { slots, vocabulary, ...extra } });
}

/** One behaviour-table row: what the caller said, what the call expected, what must be understood. */
export type Row = [text: string, slots: SlotName[], expected: Understanding];

/** The identity question: last name, date of birth and phone all open at once. */
export const identity: SlotName[] = ['lastName', 'dateOfBirth', 'phone'];
