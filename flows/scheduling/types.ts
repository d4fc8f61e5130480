// The scheduling flow's vocabulary: context, events, what it says. Types only, no I/O.
import type { WallDate } from '../../src/clock.ts';
import type {
  Appointment,
  PatientId,
  Provider,
  Slot,
  Specialty,
  VerificationClaim,
  VerifiedSession,
  VerifyResult,
} from '../../src/ehr/types.ts';
import type { DateOfBirthParts, Intent, OfferedOption, SlotName, Understanding } from '../../src/understanding/types.ts';

import type { EndReason } from '../../src/flow/types.ts';
import type { VerificationSlots } from '../../machines/verification.ts';

export type { EndReason, VerificationSlots };

/** What has been done in this call, for the closing summary. */
export type DoneItem =
  | { kind: 'booked'; appointment: Appointment }
  | { kind: 'cancelled'; appointment: Appointment }
  | { kind: 'rescheduled'; from: Appointment; to: Appointment }
  | { kind: 'listed'; count: number };

export interface BookingSlots {
  specialty?: Specialty;
  location?: string;
  /** Providers found for the specialty (up to 3 are offered). */
  providers: Provider[];
  provider?: Provider;
  date?: WallDate;
  /** Free slots on `date`. */
  slots: Slot[];
  /** Dates with free slots, offered when `date` had none. */
  suggestedDates: WallDate[];
  slot?: Slot;
  /** A day the caller insisted on that has no openings, while the nearest opening is offered instead. */
  fullDate?: WallDate;
  /** Time the caller asked for, HH:mm, when it matched no free slot. */
  requestedTime?: string;
  reason?: string;
}

export interface CallMachineContext {
  sessionId: string;
  intent?: Intent;
  verification: VerificationSlots;
  verificationFailures: number;
  /** Set only by a successful verify_patient result; every PHI actor's input is built from it. */
  verifiedPatientId?: PatientId;
  booking: BookingSlots;
  /** The caller's upcoming appointments, as last listed. */
  appointments: Appointment[];
  /** The appointment being cancelled or rescheduled. */
  selectedAppointment?: Appointment;
  /** The options the caller was just offered, for "the second one". */
  offered: OfferedOption[];
  done: DoneItem[];
  /** Consecutive turns with no input. */
  noInputCount: number;
  /** Consecutive utterances that held nothing the state could use. */
  misunderstandings: number;
  /** The question last asked, repeated after silence, a repeat request or a refusal. */
  lastQuestion?: PromptKey;
  /** How many times in a row `lastQuestion` has been asked (loop guard: at most `maxAsksInARow`). */
  questionRepeats: number;
  /** A question would have been asked once too often: the call offers staff instead (or hands off). */
  questionExhausted: boolean;
  /** Times staff was offered in this call: a second exhausted question hands off. */
  staffOffers: number;
  /** Hearings of a value that is not well formed (repair before verification: hint, then the keypad). */
  malformedHearings: { phone: number; dateOfBirth: number };
  /** The question an unsure yes was checked on ("Sorry, I want to be sure I heard you."): a second yes to it is taken. */
  yesCheckedFor?: PromptKey;
  /** Identity values heard without confidence, read back to the caller before they can spend a verification attempt. */
  unsureFields: Array<'phone' | 'dateOfBirth' | 'lastName'>;
  /** Some value of the claim being collected came through a recognizer (not typed, not keyed): it could be misheard. */
  claimHeard?: boolean;
  /** The caller said yes to the whole claim read back before its last allowed attempt. */
  claimConfirmed?: boolean;
  /** Which malformed values the agent is explaining right now, for the hint's words. */
  malformedNow: Array<'phone' | 'dateOfBirth'>;
  /** A serious symptom heard without acute wording: held while the caller is asked whether it is happening now. */
  triage?: { pending: Understanding; resumeQuestion?: PromptKey; resumeRepeats: number };
  /** Clinic date YYYY-MM-DD when the call started: birth dates must be before it, of a plausible age. */
  today?: WallDate;
  endReason?: EndReason;
}

export interface CallMachineInput {
  sessionId: string;
  /** Clinic date YYYY-MM-DD; without it birth dates are checked only for being real calendar dates. */
  today?: WallDate;
}

export type CallEvent =
  | {
      type: 'caller.spoke';
      understanding: Understanding;
      /** How sure the recognizer was of the words, 0–1; absent for typed text and keypad input (certain). */
      confidence?: number;
    }
  | { type: 'caller.stayed_silent' }
  | { type: 'caller.asked_for_repeat' }
  | { type: 'caller.asked_clinical_question' }
  | { type: 'caller.asked_for_human'; /** 0–1, as on `caller.spoke` */ confidence?: number }
  | { type: 'caller.reported_emergency' }
  | { type: 'caller.hung_up' };

/** Everything the agent can say; the words live in src/dialog/replies.ts. */
export const promptKeys = [
  'greeting',
  'askIntent',
  'intentNotUnderstood',
  'offerHuman',
  'verificationIntro',
  'askLastName',
  'askDateOfBirth',
  'askBirthYear',
  'askPhone',
  'phoneMalformed',
  'dateOfBirthMalformed',
  'keypadHint',
  'nameKeypadHint',
  'dateKeypadHint',
  'confirmHeardValues',
  'sayAgain',
  'keepVerifying',
  'verificationFailed',
  'verified',
  'lockout',
  'askSpecialty',
  'noProviders',
  'chooseProvider',
  'providerChosen',
  'askDate',
  'noSlotsOnDate',
  'nearestSlot',
  'chooseSlot',
  'timeNotAvailable',
  'askReason',
  'confirmBooking',
  'booked',
  'slotTaken',
  'notBooked',
  'noAppointments',
  'listAppointments',
  'chooseAppointmentToCancel',
  'confirmCancel',
  'cancelled',
  'notCancelled',
  'chooseAppointmentToReschedule',
  'askRescheduleDate',
  'confirmReschedule',
  'rescheduled',
  'notRescheduled',
  'anythingElse',
  'whatElse',
  'summaryAndGoodbye',
  'notUnderstood',
  'noInput',
  'noInputGoodbye',
  'clinicalRefusal',
  'checkYes',
  'symptomAdvisory',
  'askSymptomsNow',
  'handoff',
  'emergency',
  'systemTrouble',
] as const;
export type PromptKey = (typeof promptKeys)[number];

/** Emitted by the machine each time the agent speaks; the session renders it to words. */
export interface AgentSayEvent {
  type: 'agent.say';
  key: PromptKey;
  /** The context at the moment of speaking: the renderer picks what the template needs. */
  context: CallMachineContext;
  /** For a question: the how-many-th time in a row it is asked (1 first); the third time its words change strategy. */
  repeat: number;
}

/** State meta: what the state waits for from the caller. */
export interface StateMeta {
  expects: SlotName[];
}

export type { VerificationClaim, VerifiedSession, VerifyResult };
