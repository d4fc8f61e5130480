// Which FHIR codes mean which of our specialties: NUCC provider taxonomy and SNOMED CT by default, replaceable per specialty.
import type { CodeableConcept } from '@medplum/fhirtypes';
import { specialties, type Specialty } from '../types.ts';

export const nuccTaxonomySystem = 'http://nucc.org/provider-taxonomy';
export const snomedSystem = 'http://snomed.info/sct';

/** A code, optionally with its system; without one it matches that code in any system. */
export interface SpecialtyCode {
  system?: string;
  code: string;
}

export type SpecialtyCodes = Readonly<Record<Specialty, readonly SpecialtyCode[]>>;

export const defaultSpecialtyCodes: SpecialtyCodes = {
  'family medicine': [
    { system: nuccTaxonomySystem, code: '207Q00000X' },
    { system: snomedSystem, code: '419772000' },
  ],
  cardiology: [
    { system: nuccTaxonomySystem, code: '207RC0000X' },
    { system: snomedSystem, code: '394579002' },
  ],
  dermatology: [
    { system: nuccTaxonomySystem, code: '207N00000X' },
    { system: snomedSystem, code: '394582007' },
  ],
  pediatrics: [
    { system: nuccTaxonomySystem, code: '208000000X' },
    { system: snomedSystem, code: '394537008' },
  ],
};

/** The defaults with `overrides` replacing whole specialties. */
export function specialtyCodesWith(overrides: Partial<Record<Specialty, readonly SpecialtyCode[]>> = {}): SpecialtyCodes {
  return { ...defaultSpecialtyCodes, ...overrides };
}

/** The value of a token search for any of the specialty's codes: "system|code,system|code". */
export function specialtySearchValue(specialty: Specialty, codes: SpecialtyCodes): string {
  return codes[specialty].map((entry) => (entry.system ? `${entry.system}|${entry.code}` : entry.code)).join(',');
}

function textKey(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The specialty these concepts name: a coding whose code (and system, when the map gives one) is in the map, or —
 * for a concept that carries only text, as hand-entered roles often do — text equal to the specialty's name.
 */
export function specialtyOfConcepts(concepts: readonly CodeableConcept[] | undefined, codes: SpecialtyCodes): Specialty | undefined {
  for (const concept of concepts ?? []) {
    for (const coding of concept.coding ?? []) {
      for (const specialty of specialties) {
        if (codes[specialty].some((entry) => entry.code === coding.code && (entry.system === undefined || entry.system === coding.system))) {
          return specialty;
        }
      }
    }
    if ((concept.coding ?? []).length === 0 && concept.text) {
      const key = textKey(concept.text);
      const named = specialties.find((specialty) => specialty === key);
      if (named) return named;
    }
  }
  return undefined;
}
