// The wire form of an understanding for LLM structured outputs (every field required, null when unsure) and its checked conversion.
import { z } from 'zod';
import { specialties } from '../ehr/types.ts';
import { FrontdeskError } from '../errors.ts';
import { intents, understandingSchema, type Expectation, type Understanding } from '../understanding/types.ts';

/**
 * Strict structured outputs require every property and no optional ones, so absence is `null` here. Formats
 * (E.164, YYYY-MM-DD, HH:mm) are described rather than enforced in the JSON Schema, which keeps the schema within
 * what strict mode accepts; `understandingSchema` checks them after the nulls are dropped.
 */
export const extractionWireSchema = z
  .object({
    intent: z.enum(intents).nullable().describe('What the caller wants to do, if they said so'),
    lastName: z.string().nullable().describe("The caller's own last name, upper case, e.g. SMITH"),
    dateOfBirth: z
      .object({
        year: z.number().int().nullable(),
        month: z.number().int().nullable().describe('1-12'),
        day: z.number().int().nullable().describe('1-31'),
      })
      .nullable()
      .describe("The caller's date of birth; only the parts they said"),
    phone: z.string().nullable().describe('E.164, e.g. +15550101234; US numbers get +1'),
    specialty: z.enum(specialties).nullable(),
    location: z.string().nullable().describe('One of the clinic locations, spelled exactly as listed'),
    date: z.string().nullable().describe('Appointment day, YYYY-MM-DD'),
    soonest: z.boolean().nullable().describe('true when, asked for a day, the caller wants the first day with an opening instead of naming one'),
    time: z.string().nullable().describe('Appointment time, HH:mm 24-hour'),
    choice: z.number().int().nullable().describe('0-based index of the offered option the caller picked'),
    reason: z.string().nullable().describe("Reason for the visit in the caller's words, under 200 characters"),
    yesNo: z.boolean().nullable().describe('true for yes or agreement, false for no or refusal'),
    emergency: z.boolean().nullable().describe('true only for acute wording: happening now, severe, suicidal thoughts'),
    symptom: z.boolean().nullable().describe('true for a serious symptom said as a visit reason, not urgent, or in the past'),
    humanRequested: z.boolean().nullable(),
    clinicalQuestion: z.boolean().nullable(),
    repeatRequested: z.boolean().nullable(),
  })
  .strict();

export type ExtractionWire = z.infer<typeof extractionWireSchema>;

function invalid(detail: string, cause?: unknown): FrontdeskError {
  return new FrontdeskError('EXTRACTION_INVALID', detail, cause === undefined ? {} : { cause });
}

/**
 * Parses a model's JSON text into a validated understanding for this expectation: nulls dropped, names and
 * numbers normalised, a choice outside the options or a location outside the vocabulary refused.
 * Throws EXTRACTION_INVALID; the error detail names fields, never their values (they may be PHI).
 */
export function understandingFromModelOutput(content: string, expectation: Expectation): Understanding {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    // No cause attached: the parser's message quotes the text, which may hold PHI.
    throw invalid('model output is not JSON');
  }
  const wire = extractionWireSchema.safeParse(json);
  if (!wire.success) throw invalid(`model output does not match the schema at ${fieldsOf(wire.error)}`, wire.error);

  const result: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(wire.data)) {
    if (value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    result[field] = value;
  }
  // A false flag says nothing the machine acts on; keep understandings as small as the rules' are.
  for (const flag of ['soonest', 'emergency', 'symptom', 'humanRequested', 'clinicalQuestion', 'repeatRequested'] as const) {
    if (result[flag] === false) delete result[flag];
  }
  if (wire.data.dateOfBirth) {
    const parts = Object.fromEntries(Object.entries(wire.data.dateOfBirth).filter(([, value]) => value !== null));
    if (Object.keys(parts).length === 0) delete result.dateOfBirth;
    else result.dateOfBirth = parts;
  }
  if (typeof result.lastName === 'string') result.lastName = result.lastName.trim().toUpperCase();
  if (typeof result.phone === 'string') result.phone = result.phone.replace(/[\s().-]/g, '');
  if (typeof result.reason === 'string') result.reason = result.reason.trim();
  if (typeof result.time === 'string' && /^\d:\d{2}$/.test(result.time)) result.time = `0${result.time}`;

  if (typeof result.choice === 'number') {
    const optionCount = expectation.options?.length ?? 0;
    if (result.choice < 0 || result.choice >= optionCount) throw invalid(`choice is outside the ${optionCount} offered options`);
  }
  if (typeof result.location === 'string') {
    const wanted = result.location.toLowerCase();
    const known = expectation.vocabulary?.locations.find((location) => location.toLowerCase() === wanted);
    if (!known) throw invalid('location is not one of the clinic locations');
    result.location = known;
  }

  const parsed = understandingSchema.safeParse(result);
  if (!parsed.success) throw invalid(`model output fails validation at ${fieldsOf(parsed.error)}`, parsed.error);
  return parsed.data;
}

/** The failing field paths of a zod error: names only, never the values. */
function fieldsOf(error: z.ZodError): string {
  const paths = [...new Set(error.issues.map((issue) => issue.path.join('.') || '(root)'))];
  return paths.join(', ');
}
