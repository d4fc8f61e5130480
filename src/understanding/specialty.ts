// Specialties by name or by everyday words ("heart doctor" → cardiology, "my kid" → pediatrics).
import type { Specialty } from '../ehr/types.ts';

/** Named specialties outrank everyday cues; a child cue outranks a generic "checkup". */
const cues: Array<{ specialty: Specialty; strength: number; pattern: RegExp }> = [
  { specialty: 'cardiology', strength: 3, pattern: /\bcardi(?:ology|ologist|ologists|ac|o)\b/ },
  { specialty: 'dermatology', strength: 3, pattern: /\bderm(?:atology|atologist|atologists|o)?\b/ },
  { specialty: 'pediatrics', strength: 3, pattern: /\bp(?:a)?ediatric(?:s|ian|ians)?\b/ },
  { specialty: 'family medicine', strength: 3, pattern: /\bfamily (?:medicine|practice|physician|doctor)\b|\bprimary care\b|\bgeneral practi(?:tioner|ce)\b|\bgp\b/ },
  { specialty: 'cardiology', strength: 2, pattern: /\bheart (?:doctor|specialist|clinic|check|problem|problems|condition|murmur|palpitations|rhythm)\b|\bpalpitations\b|\bblood pressure\b/ },
  { specialty: 'dermatology', strength: 2, pattern: /\bskin (?:doctor|specialist|problem|problems|condition|check|rash)?\b|\brash(?:es)?\b|\bacne\b|\bmoles?\b|\beczema\b|\bpsoriasis\b/ },
  { specialty: 'pediatrics', strength: 2, pattern: /\b(?:my|our) (?:kid|kids|child|children|baby|toddler|infant|newborn|son|daughter|little one|little boy|little girl)\b|\b(?:child|children|kid|kids)(?:'s)? doctor\b|\bfor (?:a|my) (?:child|kid|baby)\b/ },
  { specialty: 'family medicine', strength: 1, pattern: /\bcheck-?ups?\b|\b(?:a|my|annual|yearly) physical\b|\bregular doctor\b|\bgeneral (?:doctor|checkup)\b|\bannual exam\b/ },
];

/** The specialty an utterance names or implies, if one stands out. */
export function findSpecialty(text: string): Specialty | undefined {
  const lower = text.toLowerCase();
  const matched = cues.filter((cue) => cue.pattern.test(lower));
  if (matched.length === 0) return undefined;
  const strongest = Math.max(...matched.map((cue) => cue.strength));
  const top = new Set(matched.filter((cue) => cue.strength === strongest).map((cue) => cue.specialty));
  return top.size === 1 ? [...top][0] : undefined;
}
