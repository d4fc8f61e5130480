// The refill part's vocabulary: what it keeps in the call's context and the prompts it speaks. Types only, no I/O.
import type { Medication, MedicationList, Pharmacy } from '../../src/ehr/types.ts';
import type { CallMachineContext } from '../scheduling/types.ts';

/** One refill the call has dealt with, for the closing summary. */
export type RefillDone =
  | { kind: 'refillRequested'; medication: Medication; pharmacy: Pharmacy; confirmationCode: string }
  | { kind: 'careTeamMessaged'; medication: Medication };

export interface RefillSlots {
  /** What get_medications returned (active medications, pharmacy on file, pharmacies). */
  list?: MedicationList;
  medication?: Medication;
  pharmacy?: Pharmacy;
  done: RefillDone[];
}

/** The call line's context with the refill part's slots. */
export type RefillContext = CallMachineContext & { refill: RefillSlots };

export const refillPromptKeys = [
  'chooseMedication',
  'noActiveMedications',
  'controlledSubstance',
  'confirmPharmacy',
  'askPharmacy',
  'confirmRefill',
  'refillRequested',
  'refillNotRequested',
] as const;
export type RefillPromptKey = (typeof refillPromptKeys)[number];

/** The refill part's questions (the loop guard counts them). */
export const refillQuestionKeys: readonly RefillPromptKey[] = ['chooseMedication', 'confirmPharmacy', 'askPharmacy', 'confirmRefill'];
