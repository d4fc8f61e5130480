// What the caller wants to do: book, list, cancel, reschedule, a prescription refill, or something else, said with or without the word "appointment".
import type { Intent } from './types.ts';

const appointment = String.raw`(?:appointment|appt|visit|booking|consultation|check-?up|check up|physical)s?`;
const ownAppointment = String.raw`(?:my|the|our|this|that|his|her|an|a|their)\s(?:\w+\s)?${appointment}`;
/** "can't come", "won't be able to make it", "not going to make it". */
const cannotAttend = String.raw`\b(?:can'?t|cannot|can not|won'?t|will not|not able to|unable to|not going to|not gonna|can no longer|no longer able to)(?:\sbe able to)?\s(?:make it|make|come|come in|be there|attend)\b`;
/** Whom a caller comes to see. */
const clinician = String.raw`(?:doctor|dr|doc|physician|provider|specialist|dermatologist|cardiologist|pediatrician|nurse practitioner|nurse|np|pa|someone|somebody|anyone|anybody)`;
/** What a visit is for when it is named instead of "appointment". */
const visitKind = String.raw`(?:check-?ups?|check ups?|physicals?|exams?|follow[- ]?ups?|consults?|screenings?|vaccines?|vaccinations?|flu shots?|shots?|well(?:ness)? visits?|visits?)`;

const intentPatterns: Array<[Intent, RegExp[]]> = [
  [
    'reschedule',
    [
      /\bre-?schedul\w*\b/,
      /\bre-?book\w*\b/,
      new RegExp(String.raw`\b(?:move|change|switch|shift|push|bump|postpone)\s(?:back\s)?${ownAppointment}`),
      new RegExp(String.raw`\b${appointment}\s(?:to|for)\s(?:a )?(?:different|another|later|earlier)\s(?:day|time|date)\b`),
      new RegExp(String.raw`\b${appointment}\b.*\b(?:move|change|switch|push back|postpone) it\b`),
      /\b(?:move|change|switch|shift|push|bump)\s(?:it|that|this one|things)\s(?:back|up|forward|out|to|till|until|by|a\s|an\s|another|later|earlier)/,
      /\b(?:change|move|switch)\s(?:the|my)\s(?:time|day|date)\b/,
      /\b(?:a |another )?(?:different|another|new|other) (?:day|time|date)\b/,
      new RegExp(String.raw`${cannotAttend}.*\b(?:instead|another|different|later|earlier|other day)\b`),
    ],
  ],
  [
    'cancel',
    [
      /\bcancel\w*\b/,
      /\bcall off\b/,
      new RegExp(String.raw`\b(?:can't|cannot|won't be able to|not able to) make (?:it|${ownAppointment})`),
      new RegExp(cannotAttend),
      new RegExp(String.raw`\b(?:don'?t|do not|no longer) (?:need|want) (?:my|the|that|this|our) ${appointment}`),
      /\btake (?:me|us|him|her|them|it) off (?:the|your) (?:schedule|books|calendar|list)\b/,
    ],
  ],
  [
    'list',
    [
      new RegExp(String.raw`\bwhat ${appointment} do i have\b`),
      // Asked indirectly: "can you tell me what appointments I have", "I'd like to know when my appointments are".
      new RegExp(String.raw`\b(?:what|which|when) (?:(?:my )?${appointment} (?:i|we) have|(?:is|are) my ${appointment}|(?:my )?${appointment} (?:is|are))\b`),
      new RegExp(String.raw`\bwhen(?: is|'s| are) (?:my|our) (?:next )?${appointment}`),
      new RegExp(String.raw`\bdo i have (?:an?|any) (?:upcoming )?${appointment}`),
      new RegExp(String.raw`\b(?:check|confirm|list|review|hear|know|see|view|look up|look at|go over|find) (?:on )?(?:all )?(?:my|our) (?:upcoming |next |scheduled |future )?${appointment}`),
      new RegExp(String.raw`\bwhat (?:are|is) (?:my|our) (?:upcoming |next |scheduled )?${appointment}`),
      new RegExp(String.raw`\b(?:my|any) upcoming ${appointment}`),
      /\bwhat time is my\b/,
      /\bwhat (?:day|time|date) (?:am|do|will|are) (?:i|we) (?:\w+ )?(?:coming|come|seeing|see|due|booked|scheduled)\b/,
      /\bwhen (?:am|do|will|are) (?:i|we) (?:\w+ )?(?:see|seeing|coming|come|going|supposed to|scheduled|booked|due back|in to see)\b/,
      /\bdo (?:i|we) have (?:anything|something|any) (?:coming up|scheduled|booked|upcoming|on the books)\b/,
      /\bwhat (?:do|did) (?:i|we) have (?:scheduled|booked|coming up|on the books)\b/,
      /\b(?:forgot|forget|remind me|not sure|don't remember|can't remember|do not remember) (?:when|what time|what day)\b/,
    ],
  ],
  [
    'book',
    [
      new RegExp(String.raw`\b(?:make|schedule|book|set up|setup|get|request)\s(?:[\w']+\s){0,4}${appointment}`),
      // "I'd like to … my appointment" with no booking word is about one the caller has ("debate on my appointment" was
      // a misheard "change the day of"): not a booking, so the agent asks again.
      new RegExp(String.raw`\b(?:need|want|like)\s(?!(?:[\w']+\s){0,4}(?:my|our)\s(?:\w+\s)?${appointment})(?:[\w']+\s){0,4}${appointment}`),
      new RegExp(String.raw`\b(?:see|visit) (?:a |an |the |my |our |a new |your )?(?:\w+ ){0,2}${clinician}\b`),
      /\bsee (?:dr|doctor)\.? \w+/,
      /\bbook\b/,
      /\bnew patient\b/,
      /\bget (?:(?:me|him|her|us|them|my \w+|our \w+) )?in (?:with|to see|for|today|tomorrow|this|next|on|soon|sooner|early)\b/,
      /\bcome in\b/,
      /\bbring (?:(?:my|our|him|her|them|the) )?(?:\w+ )?in\b/,
      /\bset (?:something|one|a time|me|him|her|us|them) up\b/,
      /\b(?:be|get) seen\b/,
      /\b(?:take|have) a look at\b/,
      new RegExp(String.raw`\b${clinician} to (?:look at|check|see|examine)\b`),
      new RegExp(String.raw`\b(?:need|needs|want|wants|get|schedule|like|due for|time for|overdue for|in for)\s(?:a |an |my |his |her |their |our |the )?(?:\w+ )?${visitKind}\b`),
      /\b(?:any|have|got) (?:\w+ )?(?:openings?|availability|slots?)\b|\banything (?:available|open)\b/,
    ],
  ],
  [
    'refill',
    [
      /\brefill\w*\b/,
      /\bre-?new(?:ed|ing)? (?:my |a |the |our )?(?:\w+ ){0,2}(?:prescriptions?|medications?|medicines?|meds|pills|scripts?)\b/,
      /\b(?:running|run|ran) (?:out|low) (?:of|on)\b/,
      /\b(?:need|want|get|have|like) (?:some )?more (?:of )?(?:my |the |our )?(?:\w+ ){0,3}(?:pills|tablets|medications?|medicines?|meds|prescriptions?|inhalers?)\b/,
      /\bprescriptions?\b/,
    ],
  ],
  [
    'other',
    [
      /\bbill(?:ing|s)?\b/,
      /\binsurance\b/,
      /\bpayment|\bpay my\b/,
      /\b(?:medical )?records\b/,
      /\bsomething else\b/,
      /\b(?:a |another )?(?:general )?question about (?!my appointment)/,
      /\b(?:directions|parking|opening hours|office hours|fax)\b/,
    ],
  ],
];

/** The intent of an utterance (fillers removed), if one pattern family matches; the first family in priority order wins. */
export function findIntent(text: string): Intent | undefined {
  const lower = text.toLowerCase();
  for (const [intent, patterns] of intentPatterns) {
    if (patterns.some((pattern) => pattern.test(lower))) return intent;
  }
  return undefined;
}
