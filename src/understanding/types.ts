// What the caller meant, as slot values: the contract between any extractor (rules, LLM) and the call machine.
import { z } from 'zod';
import { specialties } from '../ehr/types.ts';

export const intents = ['book', 'list', 'cancel', 'reschedule', 'refill', 'other'] as const;
export type Intent = (typeof intents)[number];

export const slotNames = [
  'intent',
  'lastName',
  'dateOfBirth',
  'phone',
  'specialty',
  'location',
  'date',
  'time',
  'choice',
  'reason',
  'yesNo',
  'medication',
  'pharmacy',
] as const;
export type SlotName = (typeof slotNames)[number];

/** One option the agent just offered (a provider, a slot, an appointment), for "the second one" or "ten thirty". */
export interface OfferedOption {
  /** Spoken label, e.g. "Dr. Amara Okafor" or "Tuesday, December first at ten thirty AM". */
  label: string;
  /** Provider or person name in the option, if any (matched by "Doctor Okafor"). */
  name?: string;
  /** YYYY-MM-DD, if the option is on a date. */
  date?: string;
  /** HH:mm (24 h), if the option is at a time. */
  time?: string;
  /** Everyday words that also pick it, e.g. a medication's purpose ("blood pressure"). */
  keywords?: string[];
}

/** What the current state of the call expects; built from the machine's state meta plus its context. */
export interface Expectation {
  /** The slots the current question asks for, most expected first. */
  slots: SlotName[];
  /** Options just offered, when `choice` is expected. */
  options?: OfferedOption[];
  /** Known words of the domain: clinic locations and provider names (from the EHR). */
  vocabulary?: { locations: string[]; providerNames: string[] };
  /** The question asked for one part of a slot: `birthYear`, the year of a birth date whose month and day are known. */
  askedFor?: 'birthYear';
}

const dateParts = z
  .object({
    year: z.number().int().min(1900).max(2100).optional(),
    month: z.number().int().min(1).max(12).optional(),
    day: z.number().int().min(1).max(31).optional(),
  })
  .strict();

/** The schema every extractor's output is validated against (LLM output especially). */
export const understandingSchema = z
  .object({
    intent: z.enum(intents).optional(),
    /** Upper-case last name, e.g. "SMITH". */
    lastName: z.string().min(1).max(60).optional(),
    /** Possibly partial: "no, it's 1984" yields only `year`, merged into what was collected. */
    dateOfBirth: dateParts.optional(),
    /** E.164, e.g. +15550101234. */
    phone: z.string().regex(/^\+[1-9]\d{7,14}$/).optional(),
    specialty: z.enum(specialties).optional(),
    /** A location name exactly as in `Expectation.vocabulary.locations`. */
    location: z.string().optional(),
    /** Clinic date YYYY-MM-DD (appointment day, resolved against the clock). */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    /** The caller wants the first day with an opening ("the earliest you have", "as soon as possible"), asked for a day. */
    soonest: z.boolean().optional(),
    /** HH:mm 24 h. */
    time: z.string().regex(/^\d{2}:\d{2}$/).optional(),
    /** 0-based index into `Expectation.options`. */
    choice: z.number().int().min(0).optional(),
    /** Free-text visit reason. */
    reason: z.string().min(1).max(200).optional(),
    yesNo: z.boolean().optional(),
    /** The `name` of the offered medication the caller named (by name or by what it is for). */
    medication: z.string().min(1).max(80).optional(),
    /** The `name` of the offered pharmacy the caller named. */
    pharmacy: z.string().min(1).max(80).optional(),
    /**
     * Values the caller gave in a form no patient's can have, left out of the fields above: a run of digits that is
     * not a phone number's length, a date that cannot be a birth date. The machine re-asks with a hint.
     */
    malformed: z.array(z.enum(['phone', 'dateOfBirth'])).optional(),
    /** Interrupts the machine handles in any state. */
    emergency: z.boolean().optional(),
    /**
     * A symptom that can be serious (chest pain or tightness, shortness of breath, bleeding…) said without acute wording:
     * as a visit reason, "nothing urgent", or in the past. The machine gives the 911 advisory and asks whether it is
     * happening now. Acute wording sets `emergency` instead.
     */
    symptom: z.boolean().optional(),
    humanRequested: z.boolean().optional(),
    clinicalQuestion: z.boolean().optional(),
    /** "What?", "say that again". */
    repeatRequested: z.boolean().optional(),
  })
  .strict();

export type Understanding = z.infer<typeof understandingSchema>;
export type DateOfBirthParts = NonNullable<Understanding['dateOfBirth']>;

export interface ExtractionInput {
  /** What the caller said (a final transcript or a typed line). */
  text?: string;
  /** Keypad digits pressed, e.g. "01151985" for a date of birth or "2" for a menu choice. */
  dtmf?: string;
  expectation: Expectation;
  /** Clinic wall time YYYY-MM-DDTHH:mm, the reference for "next Tuesday". */
  now: string;
  abortSignal?: AbortSignal;
}

/** Turns an utterance into validated slot values. It never chooses a transition. */
export interface Extractor {
  readonly name: string;
  extract(input: ExtractionInput): Promise<Understanding>;
}
