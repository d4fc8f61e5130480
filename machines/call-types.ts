// The call statechart's vocabulary: context, events, what it says and why a call ends. Types only, no I/O.
import type { WallDate } from '../src/clock.ts';
import type {
  Appointment,
  PatientId,
  Provider,
  Slot,
  Specialty,
  VerificationClaim,
  VerifiedSession,
  VerifyResult,
} from '../src/ehr/types.ts';
import type { DateOfBirthParts, Intent, OfferedOption, SlotName, Understanding } from '../src/understanding/types.ts';

export type EndReason = 'completed' | 'handoff' | 'lockout' | 'emergency' | 'hangup' | 'no-input';

/** What has been done in this call, for the closing summary. */
export type DoneItem =
  | { kind: 'booked'; appointment: Appointment }
  | { kind: 'cancelled'; appointment: Appointment }
  | { kind: 'rescheduled'; from: Appointment; to: Appointment }
  | { kind: 'listed'; count: number };

export interface VerificationSlots {
  lastName?: string;
  dateOfBirth?: DateOfBirthParts;
  phone?: string;
}

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
  endReason?: EndReason;
}

export interface CallMachineInput {
  sessionId: string;
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
  'verificationFailed',
  'verified',
  'lockout',
  'askSpecialty',
  'noProviders',
  'chooseProvider',
  'providerChosen',
  'askDate',
  'noSlotsOnDate',
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
}

/** State meta: what the state waits for from the caller. */
export interface StateMeta {
  expects: SlotName[];
}

export type { VerificationClaim, VerifiedSession, VerifyResult };
