// Per-state JSGF grammars for PocketSphinx, built from what the call's current state expects.
import type { Expectation, SlotName } from '../understanding/types.ts';
import { spokenTime, spokenWords } from './spoken-words.ts';

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
const teens = 'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen';
const tens = 'twenty thirty forty fifty sixty seventy eighty ninety';
const ordinalUnits = 'first second third fourth fifth sixth seventh eighth ninth';
const ordinalTeens = 'tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth';
const ordinalPlace = 'first second third fourth fifth';

/** Relative weight of the always-on interrupt phrases against the expected answers (1). */
const interruptWeight = 0.05;

const alternatives = (words: string): string => `(${words.trim().split(/\s+/).join(' | ')})`;

/** Number, date and time building blocks shared by several slots; every word is in CMUdict. */
const sharedRules: Record<string, string> = {
  unit: alternatives(units),
  digit: `(zero | oh | ${units.split(' ').join(' | ')})`,
  upToNinetyNine: `(${alternatives(units)} | ${alternatives(teens)} | ${alternatives(tens)} [${alternatives(units)}])`,
  month: alternatives(months),
  weekday: alternatives(weekdays),
  dayOrdinal: `(${alternatives(ordinalUnits)} | ${alternatives(ordinalTeens)} | twentieth | twenty ${alternatives(ordinalUnits)} | thirtieth | thirty first)`,
  dayCardinal: `(${alternatives(units)} | ${alternatives(teens)} | twenty [${alternatives(units)}] | thirty [one])`,
  year: `(nineteen (<upToNinetyNine> | oh <unit> | hundred) | two thousand [and] [<upToNinetyNine>] | twenty (<upToNinetyNine> | oh <unit>))`,
  hour: `(${alternatives(units)} | ten | eleven | twelve)`,
  minute: `(oh <unit> | ${alternatives(teens)} | (twenty | thirty | forty | fifty) [<unit>])`,
};

const intentPhrases = [
  '[i (want | need | would like | wanna)] [to] (book | make | schedule | set up) [an | a | another] [new] appointment',
  '[i (want | need | would like)] [to] cancel [my] appointment',
  '[i (want | need | would like)] [to] (reschedule | change | move) [my] appointment',
  '[i (want | need | would like)] [to] (check | know | hear) [my | about my] appointments',
  '(what | when) (are | is) my (appointment | appointments)',
  '(list | check) my appointments',
  '[i (want | need)] an appointment',
  'book | cancel | reschedule | appointment',
];

const yesNoPhrases = [
  'yes [please | that is right | that is correct | it is]',
  'yeah | yep | correct | right | sure | okay | that is right | that is correct | that is it',
  'no [thanks | thank you | it is not | that is wrong] | nope | not really | incorrect | that is wrong',
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
  'pediatrics | pediatrician | children doctor | kids doctor | a doctor for my (son | daughter | child | kid)',
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
  // Identity fields other than the one just asked for need their carrier phrase ("my phone number is …"): a bare
  // "Smith" otherwise competes with every date and digit string, and short names lose ("may eighth").
  const primary = slots[0];
  const carried = (slot: SlotName, carrier: string, optional: string) => (primary === slot ? `[${optional}]` : `(${carrier})`);
  if (wanted.has('intent') && add('intent', keep(intentPhrases))) top.push('<intent>');
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
      rules.set('lastName', `${carried('lastName', '(my | the) last name is | my name is | this is', '(my | the) last name is | it is | last name | my name is | this is')} (${bodies.join(' | ')})`);
      top.push('<lastName>');
    }
  }
  if (wanted.has('dateOfBirth') || wanted.has('date')) {
    const calendar = '[on] [the] (<month> (<dayOrdinal> | <dayCardinal>) [<year>] | <dayOrdinal> of <month> [<year>])';
    const birth = wanted.has('date')
      ? '[(my (date of birth | birthday | birth date) is) | i was born on | it is]'
      : carried('dateOfBirth', '(my (date of birth | birthday | birth date) is) | i was born on | born on | born', '(my (date of birth | birthday | birth date) is) | i was born on | it is');
    const relative = '[on] ([next | this] <weekday> | today | tomorrow | the day after tomorrow | next week | this week | [as soon as possible | the earliest] | anytime)';
    rules.set('date', wanted.has('date') ? `(${birth} ${calendar} | ${relative})` : `${birth} ${calendar}`);
    top.push('<date>');
  }
  if (wanted.has('time') || wanted.has('date')) {
    rules.set('time', "([at] <hour> [o'clock | <minute>] [a m | p m | in the morning | in the afternoon | in the evening] | noon | [in the] (morning | afternoon | evening))");
    top.push('<time>');
  }
  if (wanted.has('phone')) {
    rules.set('phone', `${carried('phone', '(my | the) [phone] number is', '(my | the) [phone] number is | it is')} <digit>+`);
    top.push('<phone>');
  }
  if (wanted.has('specialty')) {
    const term = keep(specialtyTerms);
    if (term) {
      rules.set('specialty', `[i (need | want | would like) | i am looking for] [to see] [a | an] ${term} [appointment | please]`);
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
        fromOptions.push(`[doctor] ${nameWords.join(' ')}`);
        const surname = nameWords.filter((word) => word !== 'doctor').at(-1);
        if (surname) fromOptions.push(`[doctor] ${surname}`);
      }
      if (option.time) fromOptions.push(`[the one] at ${spokenTime(option.time)}`);
      if (option.date) fromOptions.push(`[the one on] [the] ${weekdayOf(option.date)} [one]`);
      const label = spokenWords(option.label);
      if (label.length > 0) fromOptions.push(label.join(' '));
    }
    // Only as many ordinals as options were offered: with two doctors, "third" is not a possible answer, and it sounds like "first".
    const count = offered.length > 0 ? Math.min(offered.length, 5) : 5;
    const places = ordinalPlace.split(' ').slice(0, count).concat(count > 1 ? ['last'] : []).join(' ');
    const numbers = units.split(' ').slice(0, Math.max(count, 1)).join(' ');
    const ordinals = `[the] ${alternatives(places)} [one | option | slot | doctor | time | day] | (option | number) ${alternatives(numbers)}`;
    const choice = keep([ordinals, ...new Set(fromOptions)]);
    if (choice) {
      rules.set('choice', choice);
      top.push('<choice>');
    }
  }
  add('interrupt', keep(interruptPhrases));
  top.push('<interrupt>');

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
  lines.push(`public <utterance> = [okay | well | so] (${weighted.join(' | ')}) [please | thank you | thanks];`);
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
    ...(expectation?.options ?? []).flatMap((option) => [option.label, option.name ?? '']),
  ];
  return [...new Set(sources.flatMap(spokenWords))];
}

function weekdayOf(isoDate: string): string {
  const day = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][day] ?? 'monday';
}

