// What the caller wants to do: book, list, cancel, reschedule, or something else.
import type { Intent } from './types.ts';

const appointment = String.raw`(?:appointment|appt|visit|booking|consultation)s?`;
const ownAppointment = String.raw`(?:my|the|our|this|that|his|her|an|a|their)\s(?:\w+\s)?${appointment}`;

const intentPatterns: Array<[Intent, RegExp[]]> = [
  [
    'reschedule',
    [
      /\bre-?schedul\w*\b/,
      /\bre-?book\w*\b/,
      new RegExp(String.raw`\b(?:move|change|switch|shift|push|bump|postpone)\s(?:back\s)?${ownAppointment}`),
      new RegExp(String.raw`\b${appointment}\s(?:to|for)\s(?:a )?(?:different|another|later|earlier)\s(?:day|time|date)\b`),
      new RegExp(String.raw`\b${appointment}\b.*\b(?:move|change|switch|push back|postpone) it\b`),
    ],
  ],
  [
    'cancel',
    [/\bcancel\w*\b/, /\bcall off\b/, new RegExp(String.raw`\b(?:can't|cannot|won't be able to|not able to) make (?:it|${ownAppointment})`)],
  ],
  [
    'list',
    [
      new RegExp(String.raw`\bwhat ${appointment} do i have\b`),
      new RegExp(String.raw`\bwhen(?: is|'s| are) (?:my|our) (?:next )?${appointment}`),
      new RegExp(String.raw`\bdo i have (?:an?|any) (?:upcoming )?${appointment}`),
      new RegExp(String.raw`\b(?:check|confirm|list|review|hear|know|see|view|look up|look at|go over|find) (?:on )?(?:all )?(?:my|our) (?:upcoming |next |scheduled |future )?${appointment}`),
      new RegExp(String.raw`\bwhat (?:are|is) (?:my|our) (?:upcoming |next |scheduled )?${appointment}`),
      new RegExp(String.raw`\b(?:my|any) upcoming ${appointment}`),
      /\bwhat time is my\b/,
    ],
  ],
  [
    'book',
    [
      new RegExp(String.raw`\b(?:make|schedule|book|set up|setup|get|need|want|like|request)\s(?:\w+\s)?(?:new\s)?${appointment}`),
      /\b(?:see|visit) (?:a|the|my|a new) (?:doctor|physician|provider|dermatologist|cardiologist|pediatrician|specialist|nurse practitioner)\b/,
      /\bsee (?:dr|doctor)\.? \w+/,
      /\bbook\b/,
      /\bnew patient\b/,
    ],
  ],
  [
    'other',
    [
      /\bbill(?:ing|s)?\b/,
      /\binsurance\b/,
      /\bpayment|\bpay my\b/,
      /\brefill\b/,
      /\bprescription\b/,
      /\b(?:medical )?records\b/,
      /\bsomething else\b/,
      /\b(?:a |another )?(?:general )?question about (?!my appointment)/,
      /\b(?:directions|parking|opening hours|office hours|fax)\b/,
    ],
  ],
];

/** The intent of an utterance (lower-cased), if one pattern family matches; the first family in priority order wins. */
export function findIntent(text: string): Intent | undefined {
  const lower = text.toLowerCase();
  for (const [intent, patterns] of intentPatterns) {
    if (patterns.some((pattern) => pattern.test(lower))) return intent;
  }
  return undefined;
}
