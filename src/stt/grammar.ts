// Per-state JSGF grammars for PocketSphinx, built from what the call's current state expects.
import type { Expectation, SlotName } from '../understanding/types.ts';
import { spokenOrdinal, spokenTime, spokenWords } from './spoken-words.ts';

export interface GrammarOptions {
  /** Last names the caller may say (e.g. the clinic's own patient list); kept in-process, never logged. */
  names?: string[];
  /** Also accept names spelled letter by letter ("s m i t h"); default false: letter loops let noise pass as names, so enable it only for a spell-it-out re-prompt. */
  spelling?: boolean;
}

export interface Grammar {
  /** Full JSGF text, ready for `ps_set_jsgf_string`. */
  jsgf: string;
  /** Every word the grammar can produce (all are sayable by the given predicate). */
  words: string[];
}

const months = 'january february march april may june july august september october november december';
const weekdays = 'monday tuesday wednesday thursday friday saturday sunday';
const units = 'one two three four five six seven eight nine';
/** The words that say one digit. */
export const digitWords: readonly string[] = ['zero', 'oh', ...units.split(' ')];
/** What the phone grammar lets a caller say between a number's chunks: a breath, nothing meant. */
export const chunkHesitations: readonly string[] = ['um', 'uh', 'and'];
const teens = 'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen';
const tens = 'twenty thirty forty fifty sixty seventy eighty ninety';
const ordinalUnits = 'first second third fourth fifth sixth seventh eighth ninth';
const ordinalTeens = 'tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth';
const ordinalPlace = 'first second third fourth fifth';

/** Relative weight of the always-on interrupt phrases against the expected answers (1). */
const interruptWeight = 0.05;

const lastNameCarrier = '(my | the) last name is | my name is | this is';
const birthCarrier = '(my (date of birth | birthday | birth date) is) | i was born on';
const phoneCarrier = '(my | the) [phone | cell | cell phone | mobile | home | home phone] number is | my (cell | cell phone | mobile) is | you can reach me at';
/** How a caller names the next field in one breath: "Chen, date of birth …, phone …", "…, born …". */
const nextLastNameCarrier = `${lastNameCarrier} | last name [is]`;
const nextBirthCarrier = `${birthCarrier} | [and] [my] (date of birth | birthday | birth date) [is] | born [on] | i was born [on]`;
const nextPhoneCarrier = `${phoneCarrier} | [and] [my] (phone | phone number | number | cell | cell phone) [is]`;
/** Words that mark a self-correction ("the tenth, no sorry, the eleventh"); the extractor keeps what follows. */
const correctionWords = 'no | no sorry | sorry | no wait | i mean | actually | no no | sorry i mean';
/**
 * Common US given names, said before a surname ("this is John Smith"): without them the grammar had no path for the
 * commonest way to give a name and returned nothing. A first name is never a value; the extractor keeps the surname.
 */
const givenNames =
  'james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene ' +
  'mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca sharon laura cynthia amy kathleen angela shirley brenda emma anna pamela nicole samantha katherine christine helen debra rachel carolyn janet maria catherine heather diane olivia julie joyce victoria ruth virginia lauren kelly christina joan evelyn judith andrea hannah megan cheryl jacqueline martha madison teresa gloria sara janice ann kathryn abigail sophia frances jean alice judy isabella julia grace amber denise danielle marilyn beverly charlotte natalie theresa diana brittany doris kayla alexis lori marie ' +
  'wei li ming mohammed ahmed ali fatima priya raj carlos luis jorge miguel ana rosa sofia lucia elena yuki hiroshi kim lee nguyen';

const alternatives = (words: string): string => `(${words.trim().split(/\s+/).join(' | ')})`;

/** Number, date and time building blocks shared by several slots; every word is in CMUdict. */
const sharedRules: Record<string, string> = {
  unit: alternatives(units),
  digit: `(${digitWords.join(' | ')})`,
  upToNinetyNine: `(${alternatives(units)} | ${alternatives(teens)} | ${alternatives(tens)} [${alternatives(units)}])`,
  month: alternatives(months),
  weekday: alternatives(weekdays),
  dayOrdinal: `(${alternatives(ordinalUnits)} | ${alternatives(ordinalTeens)} | twentieth | twenty ${alternatives(ordinalUnits)} | thirtieth | thirty first)`,
  dayCardinal: `(${alternatives(units)} | ${alternatives(teens)} | twenty [${alternatives(units)}] | thirty [one])`,
  // 1900 to 2039: a birth year or an appointment's year, nothing later. With "twenty fifty one" possible, a
  // "nineteen fifty one" the model half-heard came out as a year no caller has.
  year: `(nineteen (<upToNinetyNine> | oh <unit> | hundred) | two thousand [and] [<upToThirtyNine>] | twenty (oh <unit> | <upToThirtyNine>))`,
  upToThirtyNine: `(${alternatives(units)} | ${alternatives(teens)} | (twenty | thirty) [${alternatives(units)}])`,
  shortYear: '(<upToNinetyNine> | oh <unit>)',
  monthNumber: '(one | two | three | four | five | six | seven | eight | nine | ten | eleven | twelve | oh <unit>)',
  hour: `(${alternatives(units)} | ten | eleven | twelve)`,
  minute: `(oh <unit> | ${alternatives(teens)} | (twenty | thirty | forty | fifty) [<unit>])`,
  // A phone number is ten digits, or eleven with the country's leading one, said in chunks ("five five five, oh one oh,
  // one two three four") with hesitations between them. An open digit loop let noise add digits ("five five five eight eight oh …").
  phoneDigits: '[one] <digit> <digit> <digit> [<hesitation>] <digit> <digit> <digit> [<hesitation>] <digit> <digit> <digit> <digit>',
  hesitation: `(${chunkHesitations.join(' | ')})`,
  kindOfDoctor: '(family doctor | family medicine [doctor] | primary care [doctor] | regular doctor | heart doctor | skin doctor | cardiologist | dermatologist | pediatrician | cardiology | dermatology | pediatrics | kids doctor | doctor)',
  whenSaid: '([on | this | next] <weekday> | today | tomorrow | next week | this week | [as soon as possible])',
  // How callers put a request, with its "to" where it has one: "i want to", "i wanna", "can i", "i was hoping to".
  // One "to" only: with "wanna" and an optional "to" after it, "i want to book" came out as "i wanna to book".
  // "That's all", "that will be it", "I think that's everything": a caller done with the call.
  ending: "[i think] (that's | that is | that will be | that'll be) (it | all | everything)",
  wanting: "(i (want | need | would like | have) to | i wanna | i gotta | i'd like to | can i | could i | i was hoping to | i am calling to | i'm calling to)",
};

/** Said before an answer in any state ("um", "hello", "okay so"); "yeah", "yes" and "sure" only where they are not themselves the answer. */
const leadWords = 'um uh okay well so oh hello hi hey alright actually';
/** Greetings of more than one word, said before an answer like the lead words. */
const leadPhrases = 'hi there | hello there | good morning | good afternoon';
/** Said after an answer in any state. */
const closingPhrases = "please | thank you | thanks | thank you very much | that is all | then | is fine | is good | is great | would be great | works | works for me | will do | you said | that works | i guess | if that's okay | if possible";

const intentPhrases = [
  '[<wanting> | to] (book | make | schedule | set up | get) [an | a | another] [new] appointment [with [a | an | the] <kindOfDoctor>] [<whenSaid>]',
  '[<wanting> | to] cancel [my] appointment',
  '[<wanting> | to] (reschedule | change | move) [my] appointment [to (another | a different) (day | time)]',
  '[<wanting> | to] (reschedule | cancel) [it | please]',
  '[<wanting> | to] (check | know | hear) [my | about my] appointments',
  '(what | when) (are | is) my (appointment | appointments)',
  '(list | check) my appointments',
  '[i (want | need)] an appointment',
  'book | cancel | reschedule | appointment',
  // Requests that name a visit or a kind of doctor rather than "an appointment".
  '[<wanting> | to] (book | make | schedule | set up) [an | a] (visit | checkup | check up | physical) [with [a | an | the] <kindOfDoctor>] [<whenSaid>]',
  '[<wanting> | to] (see | get in with | come in to see | come in for) [a | an | the | my] (<kindOfDoctor> | checkup | check up | physical | yearly physical) [<whenSaid>]',
  '[<wanting> | to] (book | make | schedule | get) [an | a] <kindOfDoctor> appointment [<whenSaid>]',
  "i (can't | cannot | can not) make [it to] my appointment [[and] [so] [<wanting> | to] cancel [it]]",
  '[<wanting> | to] (cancel | move | change | reschedule) it',
  '[<wanting> | to] (move | change) my appointment to (another | a different) (day | time)',
  '[<wanting> | to] (move | change) the (day | date | time) of my appointment',
  '(can you tell me | i want to know | i would like to know) (what | when) [my] (appointment | appointments) (i have | are | is)',
  'what appointments do i have | when is my next appointment | do i have any appointments',
  '(can | could) you (check | tell me) (when | what) my (appointment | appointments) (is | are) | do i have (any appointments | an appointment | anything) [booked | scheduled | coming up]',
  // Endings, said where the line asks what else it can do.
  "<ending> [thanks | thank you] [bye | goodbye] | nothing else [thanks | thank you] | (i'm | i am) (good | all set | fine) [thanks | thank you] | no thanks [bye | goodbye] | bye | goodbye",
  '[<wanting> | to] (refill | renew | get a refill of | request a refill of) my (prescription | medication | medicine | pills)',
  "[i (want | need | would like) | i'd like] a [prescription] refill | [a] prescription refill | refill",
  "i am running out of my (prescription | medication | medicine | pills)",
];

/** A yes, and what may follow it: "yep, that's it", "yeah, go ahead", "correct, that's the one". */
const yesWords = 'yes | yeah | yep | yup | sure | correct | right | okay | exactly | absolutely | of course';
const yesTails =
  "please | please go ahead | [please] [go ahead and] (cancel | book | do | move | change) it | [please] (connect me | put me through | transfer me) | that is right | that is correct | that's right | that's correct | that is it | that's it | that is the one | that's the one | it is | that sounds good | sounds good | go ahead | please do | do it | that works | that's fine | that is fine | i do | perfect";
/** A no, and what may follow it: "nope, that's not it", "no, keep it", "no thanks, I'm good". */
const noWords = 'no | nope | nah | no no';
const noTails =
  "thanks | thank you | it is not | it's not | that is not it | that's not it | that is not right | that's not right | that is wrong | that's wrong | <ending> | (i am | i'm) (good | fine | all set) | nothing else | not now | don't [do that | do it] | keep it | i want to keep it | please don't | not that one | wait | let me try again | i can do it [with you] | i will try again | i'll try again";

const yesNoPhrases = [
  // A bare yes or no often comes with words after it: without them "yep, that's it" had no path (an empty transcript)
  // and "nope, that's not it" was forced onto "okay yep will do" (probe: espeak-ng, flite and festival at 8 kHz).
  `(${yesWords}) [${yesTails}]`,
  "sounds good | go ahead | that works | that's fine | that is fine | perfect | please do | that is right | that is correct | that's right | that's correct | that is it | that is the one | that's the one",
  `(${noWords}) [thanks | thank you] [${noTails}] [thanks | thank you] [bye | goodbye]`,
  // Asked whether a symptom is happening now.
  "[no] (it's | it is) not (happening | happening right | right) now | [no] not (right | at the moment | now) | [no] not at the moment",
  "not really | incorrect | that is wrong | that's wrong | that is not it | that's not it | <ending> [thanks | thank you] [bye | goodbye] | nothing else | (i'm | i am) (good | all set) | bye | goodbye",
];

const interruptPhrases = [
  '[i (want | would like | need)] [to] (talk | speak) to (a person | someone | a human | a real person | the front desk | an operator | a receptionist | somebody)',
  'representative | operator | agent | a person | human',
  '[i have | i am having | i got] chest pain | i can not breathe | emergency | it is an emergency',
  '[what are | i want] my test results | test results | my lab results',
  'what | say that again | repeat that | can you repeat that | sorry | pardon',
];

const specialtyTerms = [
  'cardiology | cardiologist | heart doctor | heart specialist | a heart doctor | my heart | heart',
  'dermatology | dermatologist | skin doctor | skin specialist | a skin doctor | my skin | skin',
  'pediatrics | pediatrician | children doctor | kids doctor | a doctor for my (son | daughter | child | kid) | someone for my (son | daughter | child | kid)',
  'family medicine | family doctor | primary care | general practitioner | regular doctor | general doctor | a checkup',
];

/** Builds the grammar for an expectation, or null when the generic language model should listen instead (nothing specific expected, or free text such as a visit reason). */
export function buildGrammar(
  expectation: Expectation | undefined,
  options: GrammarOptions,
  canSay: (word: string) => boolean,
): Grammar | null {
  const slots = expectation?.slots ?? [];
  if (slots.length === 0 || slots.includes('reason')) return null;

  const rules = new Map<string, string>();
  const keep = (phrases: string[]): string | null => {
    const sayable = phrases.filter((phrase) => phraseWords(phrase).every(canSay));
    return sayable.length > 0 ? `(${sayable.join(' | ')})` : null;
  };
  const add = (name: string, body: string | null): boolean => {
    if (body === null) return false;
    rules.set(name, body);
    return true;
  };

  const top: string[] = [];
  const wanted = new Set<SlotName>(slots);
  /** Identity fields with their carrier phrase, which may follow the answer: "my last name is smith and my date of birth is …". */
  const carriedFields: string[] = [];
  // Identity fields other than the one just asked for need their carrier phrase ("my phone number is …"): a bare
  // "Smith" otherwise competes with every date and digit string, and short names lose ("may eighth").
  const primary = slots[0];
  const carried = (slot: SlotName, carrier: string, optional: string) => (primary === slot ? `[${optional}]` : `(${carrier})`);
  if (wanted.has('intent') && add('intent', keep(intentPhrases))) {
    top.push('<intent>');
    // Asked whether there is anything else: "yes, I need to book another appointment" (a yes word is no lead word here).
    if (wanted.has('yesNo')) {
      rules.set('yesIntent', '(yes | yeah | yep | sure) [please] <intent>');
      top.push('<yesIntent>');
    }
  }
  if (wanted.has('yesNo') && add('yesNo', keep(yesNoPhrases))) top.push('<yesNo>');
  if (wanted.has('lastName')) {
    const names = (options.names ?? []).map((name) => spokenWords(name).join(' ')).filter((name) => name.length > 0);
    const nameRule = keep(names);
    const spelled = options.spelling ?? false;
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('').filter(canSay);
    const bodies: string[] = [];
    if (nameRule) bodies.push(nameRule);
    if (spelled && letters.length > 0) {
      // Repetition lives on a rule reference: sphinxbase's JSGF compiler mis-links `+` applied to an inline group.
      rules.set('letter', `(${letters.join(' | ')})`);
      bodies.push('<letter> <letter>+');
    }
    if (bodies.length > 0) {
      rules.set('name', `(${bodies.join(' | ')})`);
      const given = givenNames.split(' ').filter(canSay);
      if (given.length > 0) rules.set('givenName', `(${given.join(' | ')})`);
      const givenPart = given.length > 0 ? '[<givenName>] ' : '';
      // A name followed by its own spelling ("Smith, spelled S M I T H"): only the letters of a name on file, in order.
      // An open letter loop after the name swallowed the rest of a one-breath answer ("chen x o u c a …").
      const spellings = names.flatMap((name) => {
        const nameLetters = name.replace(/[^a-z]/g, '').split('');
        return nameLetters.length > 1 && nameLetters.every(canSay) ? [`${name} [spelled | that is | it is] ${nameLetters.join(' ')}`] : [];
      });
      if (spellings.length > 0) rules.set('nameSpelled', `(${spellings.join(' | ')})`);
      // A given name only after "this is" / "my name is": anywhere else its many short words let noise and digits through as a name.
      const introduced = `(this is | my name is | my name's | it is | it's) ${givenPart}<name>`;
      const spelledName = spellings.length > 0 ? ' | <nameSpelled>' : '';
      const surname = `${carried('lastName', '(my | the) last name is', "(my | the) last name is | last name | it is | it's | the name is | my surname is")} (<name>${spelledName})`;
      rules.set('lastName', `(${surname} | ${introduced})`);
      // Given after another field, a name comes with its carrier only: a given name there cost every answer ~0.07 of confidence.
      carriedFields.push(`(${nextLastNameCarrier}) <name>`);
      top.push('<lastName>');
    }
  }
  /** A birth date as the date rule hears it, self-corrections included: a read-back's "no" may come with one. */
  let correctedBirthDate: string | undefined;
  if (wanted.has('dateOfBirth') || wanted.has('date')) {
    const calendarWith = (year: string) => `[on] [the] (<month> (<dayOrdinal> | <dayCardinal>) [${year}] | <dayOrdinal> of <month> [${year}])`;
    const calendar = calendarWith('<year>');
    // A day the agent got wrong is said again: "no, I said Friday the eleventh", "sorry, I meant December sixteenth".
    const birth = wanted.has('date')
      ? `[${birthCarrier} | it is | it's | [no | sorry] (i said | i meant | i mean) | no]`
      : carried('dateOfBirth', `${birthCarrier} | born on | born`, `${birthCarrier} | it is | it's`);
    if (wanted.has('dateOfBirth')) {
      // Birth dates are also said as numbers ("eleven two ninety", "one fifteen eighty five"), or, asked for the year, as a year alone.
      // Asked for the year alone, a date said as numbers is left out: it is what a half-heard year ("on two thirty fifty four") came out as.
      const numeric = expectation?.askedFor === 'birthYear' ? '' : ' | [on] <monthNumber> <dayCardinal> (<year> | <shortYear>)';
      // A birth year is also said short after the month and day ("March fourteen, seventy two").
      const birthCalendar = calendarWith('<year> | <shortYear>');
      rules.set('calendar', `(${birthCalendar}${numeric})`);
      carriedFields.push(`(${nextBirthCarrier}) <calendar>`);
    }
    const relative = '[on] ([next | this] <weekday> | today | tomorrow | the day after tomorrow | next week | this week)';
    // No day named: "the earliest you have", "as soon as possible", "whatever is first" (the extractor's `soonest`).
    const soonest =
      '(as (soon | early) as possible | [the] (earliest | soonest | first available | next available) [day | opening | appointment | one] [you have] | whatever [day] is first | the first (day | opening) you have | any day [is fine | works] | anytime | whenever [is (soonest | earliest | first) | you (have | can)])';
    // An appointment day is also named by its weekday: "Thursday the third", "Thursday December third", "the third".
    const day = wanted.has('date') ? `(${calendar} | [on] [<weekday>] [the] <dayOrdinal> [of <month>] | [on] <weekday> [the] <month> (<dayOrdinal> | <dayCardinal>))` : calendar;
    const said = wanted.has('dateOfBirth') ? '<calendar>' : day;
    const corrected = `${said} [<correction> ${said}]`;
    if (wanted.has('dateOfBirth')) correctedBirthDate = corrected;
    rules.set('correction', `(${correctionWords})`);
    const yearAlone = wanted.has('dateOfBirth') && !wanted.has('date') ? ' | [i was born in | born in | in | it was | it is | it\'s] <year>' : '';
    // Only where a day is the question: with the caller's request open too (the greeting), those paths only compete with it.
    const noDayNamed = wanted.has('intent') ? '' : ` | ${soonest}`;
    // How a day is put or insisted on: "do you have anything on Friday", "let's do Monday", "it has to be Thursday", "are
    // you sure? Thursday December third is the only day I can come".
    const dayLead =
      "[are you sure] [(it has to be | i (really | just) need | i can only (do | come [on]) | only | how about | what about | let's do | let's say | maybe | (do you have | is there) anything | (can | could) i come in | i can do | i'd like)]";
    const onlyDay = "[(is | that is | that's) the only day i can (come | do | make it) | i (can't | can not) do any other day]";
    rules.set(
      'date',
      wanted.has('date') ? `(${dayLead} (${birth} ${corrected} | ${relative}) ${onlyDay}${noDayNamed})` : `(${birth} ${corrected}${yearAlone})`,
    );
    top.push('<date>');
  }
  if (wanted.has('time') || wanted.has('date')) {
    rules.set('time', "([at] <hour> [o'clock | <minute>] [a m | p m | in the morning | in the afternoon | in the evening] | noon | [in the] (morning | afternoon | evening))");
    top.push('<time>');
  }
  if (wanted.has('phone')) {
    rules.set('phone', `${carried('phone', phoneCarrier, `${phoneCarrier} | it is | it's`)} <phoneDigits>`);
    carriedFields.push(`(${nextPhoneCarrier}) <phoneDigits>`);
    top.push('<phone>');
  }
  // Turning down a read-back with the right value: "no, it's November second, nineteen ninety", "no, Chen, C H E N".
  // Asked yes or no, every identity field needs its carrier, so a bare value after the "no" had no path and the whole
  // answer came back empty: the read-back was asked again until staff was offered (corpus, espeak-ng at 8 kHz μ-law).
  if (wanted.has('yesNo') && primary === 'yesNo') {
    const values = [
      ...(rules.has('name') ? [`<name>${rules.has('nameSpelled') ? ' | <nameSpelled>' : ''}`] : []),
      ...(correctedBirthDate ? [correctedBirthDate] : []),
      ...(wanted.has('phone') ? ['<phoneDigits>'] : []),
    ];
    if (values.length > 0) {
      rules.set('rejection', `(no | nope | no no | that's wrong | that is wrong) [it's | it is | it should be | i said] (${values.join(' | ')})`);
      top.push('<rejection>');
    }
  }
  if (wanted.has('specialty')) {
    const term = keep(specialtyTerms);
    if (term) {
      // "just a regular family medicine doctor", "a normal checkup doctor": qualifiers and the word "doctor" after the term.
      rules.set('specialty', `[i (need | want | would like) | i am looking for] [to see] [just] [a | an] [regular | normal | general | usual] ${term} [doctor | appointment | visit] [please]`);
      top.push('<specialty>');
    }
  }
  if (wanted.has('location')) {
    const places = (expectation?.vocabulary?.locations ?? []).map((place) => spokenWords(place).join(' '));
    const place = keep([...places, 'anywhere', 'any location', 'it does not matter', 'the closest one']);
    if (place) {
      rules.set('location', `[at | in] [the] ${place} [office | clinic | location]`);
      top.push('<location>');
    }
  }
  if (wanted.has('choice')) {
    const offered = expectation?.options ?? [];
    const fromOptions: string[] = [];
    for (const option of offered) {
      const nameWords = option.name ? spokenWords(option.name) : [];
      if (nameWords.length > 0) {
        // "Dr. Lindqvist", "the one with Dr. Lindqvist", "the appointment with Dr. Whitfield".
        const withWhom = '[the (one | appointment) with | with] [doctor]';
        fromOptions.push(`${withWhom} ${nameWords.join(' ')}`);
        const surname = nameWords.filter((word) => word !== 'doctor').at(-1);
        if (surname) fromOptions.push(`${withWhom} ${surname}`);
      }
      if (option.time) fromOptions.push(`[the one] at ${spokenTime(option.time)}`, `[the] ${spokenTime(option.time)} [one]`);
      if (option.date) {
        // An offered day by its date as well as its weekday: "the December seventh one", "the one on Monday the seventh".
        const weekday = weekdayOf(option.date);
        const month = months.split(' ')[Number(option.date.slice(5, 7)) - 1] ?? 'january';
        const ordinal = spokenOrdinal(Number(option.date.slice(8, 10)));
        fromOptions.push(`[the one on] [the] ${weekday} [one]`);
        fromOptions.push(`[the one on] [${weekday}] [the] ${ordinal} [of ${month}] [one]`);
        fromOptions.push(`[the one on] [${weekday}] [the] ${month} ${ordinal} [one]`);
      }
      // A word said with the option that tells it apart ("Dr. Elena Petrova at Riverside"): "the one at Riverside", "Riverside".
      for (const keyword of option.keywords ?? []) {
        const words = spokenWords(keyword).join(' ');
        if (words) fromOptions.push(`[the one] [at | in | on] ${words} [one | please]`, `the ${words} one`);
      }
      const label = spokenWords(option.label);
      if (label.length > 0) fromOptions.push(label.join(' '));
    }
    // Only as many ordinals as options were offered: with two doctors, "third" is not a possible answer, and it sounds like "first".
    const count = offered.length > 0 ? Math.min(offered.length, 5) : 5;
    const places = ordinalPlace.split(' ').slice(0, count).concat(count > 1 ? ['last'] : []).join(' ');
    const numbers = units.split(' ').slice(0, Math.max(count, 1)).join(' ');
    const ordinals = `[the] ${alternatives(places)} [one | option | slot | doctor | time | day | appointment] | (option | number) ${alternatives(numbers)}`;
    // No preference ("either one is fine", "it doesn't matter") takes the first, as the earliest does.
    const earliest =
      "(the earliest | the first available | the soonest) [one | day | time | opening | slot] [you have] | whatever is first | the first (one | day | time) you (said | have | mentioned) | the (first | earliest) [one] of (those | them) [days | times] | [i don't mind] (either | any) [one] [of them] [is fine | works | is good] | i don't mind | whichever [one] [is first | is fine] | [it] (doesn't | does not) matter | no preference";
    const choice = keep([ordinals, earliest, ...new Set(fromOptions)]);
    if (choice) {
      // How a pick is put: "let's do Monday", "I'll take the first one", "how about the ten thirty one".
      rules.set('choice', `[how about | what about | let's do | let's go with | i'll take | i'll go with | i'd like | i guess | maybe] ${choice}`);
      top.push('<choice>');
    }
  }
  // A medication or pharmacy among those offered, by its name ("lisinopril") or, for a medication, what it is for.
  for (const slot of ['medication', 'pharmacy'] as const) {
    if (!wanted.has(slot)) continue;
    const names = (expectation?.options ?? []).flatMap((option) => [
      spokenWords(option.name ?? option.label).join(' '),
      ...(option.keywords ?? []).map((keyword) => `the ${spokenWords(keyword).join(' ')} one`),
    ]);
    const named = keep(names.filter((name) => name.trim().length > 0));
    if (named && add(slot, `[the | my] ${named} [please]`)) top.push(`<${slot}>`);
  }
  add('interrupt', keep(interruptPhrases));
  top.push('<interrupt>');
  if (carriedFields.length > 1) {
    rules.set('moreFields', `([and] (${carriedFields.join(' | ')}))`);
    const identity = new Set(['<lastName>', '<date>', '<phone>']);
    for (const [index, rule] of top.entries()) if (identity.has(rule)) top[index] = `${rule} [<moreFields>] [<moreFields>]`;
  }

  // Pull in the shared blocks that the chosen rules reference (transitively).
  const referenced = new Set<string>();
  const visit = (body: string) => {
    for (const match of body.matchAll(/<([a-zA-Z]+)>/g)) {
      const name = match[1] as string;
      if (!referenced.has(name) && sharedRules[name]) {
        referenced.add(name);
        visit(sharedRules[name]);
      }
    }
  };
  for (const body of rules.values()) visit(body);

  const lines = ['#JSGF V1.0;', 'grammar frontdesk;'];
  for (const name of referenced) lines.push(`<${name}> = ${sharedRules[name]};`);
  for (const [name, body] of rules) lines.push(`<${name}> = ${body};`);
  // JSGF weights: what the state asked for outweighs the interrupts that are always listened for, so noise in a
  // narrowband call does not come out as "talk to a real person".
  const weighted = top.map((rule) => `/${rule === '<interrupt>' ? interruptWeight : 1}/ ${rule}`);
  // Hesitations and politeness around any answer: without them "um, a skin doctor, please" was forced onto another phrase.
  const leadWordsHere = wanted.has('yesNo') ? leadWords : `${leadWords} yeah yes sure`;
  const lead = `(${leadWordsHere.split(' ').join(' | ')} | ${leadPhrases})`;
  // Up to two closing words: "the first one then, thanks", "the earliest one is fine".
  lines.push(`<closing> = (${closingPhrases});`);
  lines.push(`public <utterance> = [${lead}] [${lead}] (${weighted.join(' | ')}) [<closing> [<closing>]];`);
  const jsgf = lines.join('\n') + '\n';
  return { jsgf, words: [...new Set(phraseWords(jsgf.replace(/^#JSGF.*$|^grammar.*$|<[a-zA-Z]+>/gm, ' ')))] };
}

/** The plain words in a JSGF fragment (rule references and operators dropped). */
export function phraseWords(fragment: string): string[] {
  return fragment
    .replace(/<[a-zA-Z]+>/g, ' ')
    .split(/[\s|()[\]+*;=]+/)
    .filter((word) => /^[a-z']+$/.test(word));
}

/** Words from outside the static vocabulary (names, places, option labels) that may need a pronunciation. */
export function externalWords(expectation: Expectation | undefined, options: GrammarOptions): string[] {
  const sources = [
    ...(options.names ?? []),
    ...(expectation?.vocabulary?.locations ?? []),
    ...(expectation?.options ?? []).flatMap((option) => [option.label, option.name ?? '', ...(option.keywords ?? [])]),
  ];
  return [...new Set(sources.flatMap(spokenWords))];
}

function weekdayOf(isoDate: string): string {
  const day = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][day] ?? 'monday';
}

