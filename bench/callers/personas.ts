// The callers: fixture patients with a goal each, and what they say to each question the agent asks, phrased a little differently every call (seeded).
import { seededRandom } from '../../test/audio/spoken-audio.ts';
import type { HeardQuestion } from './agent-listener.ts';
import { speakBirthDate, speakDate, speakPhone } from '../../src/dialog/speech.ts';
import { keypadKeys } from '../../src/ehr/identity.ts';
import { birthDateWords, monthDayWords, normalisedWords, phoneWords, spelled, yearWords, type Pick } from './spoken-forms.ts';

/** A demo patient of fixtures/ehr/patients.json. */
export interface FixturePatient {
  patientId: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  /** Ten digits. */
  phoneDigits: string;
}

export const johnSmith: FixturePatient = { patientId: 'P1001', firstName: 'John', lastName: 'Smith', dateOfBirth: '1985-01-15', phoneDigits: '5550101234' };
export const mariaGarcia: FixturePatient = { patientId: 'P1002', firstName: 'Maria', lastName: 'Garcia', dateOfBirth: '1972-03-14', phoneDigits: '5550105678' };
/** Two upcoming visits with the clinic clock at 2026-12-01: dermatology on Monday December 7 (K7Q2XM), cardiology on Monday December 14 (R4TZ9P). */
export const weiChen: FixturePatient = { patientId: 'P1003', firstName: 'Wei', lastName: 'Chen', dateOfBirth: '1990-11-02', phoneDigits: '5550109012' };

/** What the caller wants; `day` is the date (YYYY-MM-DD) a goal is reached on, and what the EHR must show afterwards. */
export type Goal =
  | { kind: 'book'; specialty: string; day: string; reason: string }
  /** Asks for `fullDay` (no openings for the specialty) `insistences` times, then takes what is offered. */
  | { kind: 'insist'; specialty: string; fullDay: string; insistences: number; reason: string }
  | { kind: 'cancel'; confirmationCode: string; keepCode: string }
  | { kind: 'reschedule'; confirmationCode: string; day: string }
  | { kind: 'list' };

export type PersonaName = 'book' | 'insist' | 'cancel' | 'reschedule' | 'list';
export const personaNames: PersonaName[] = ['book', 'insist', 'cancel', 'reschedule', 'list'];

/** The clinic's fully booked day in this bench: Thursday December 3, 2026, no cardiology slot free (bench/callers/clinic.ts blocks them). */
export const fullyBookedDay = { date: '2026-12-03', specialty: 'cardiology' };

export interface Persona {
  name: PersonaName;
  patient: FixturePatient;
  goal: Goal;
}

/**
 * What a caller does in reply: says words, says them slowly (asked to, a person slows down for the numbers they give),
 * or types keys on the phone's keypad ("01151985#").
 */
export type CallerReply = string | { slowly: string } | { keys: string };

/** One caller's mind for one call: answers each question it hears, remembers what it said, re-phrases when asked again. */
export interface CallerMind {
  readonly persona: Persona;
  /**
   * What to do for `question` (the kind the caller heard), or undefined to hang up. `heard`: the agent's words, to
   * check a read-back. `keypadOffered`: the agent said a value can be typed on the keypad.
   */
  answer(question: HeardQuestion, heard?: string, keypadOffered?: boolean): CallerReply | undefined;
}

/** Questions whose answer is a number (or a read-back's correction of one): what a caller asked to slow down says slowly. */
const numberQuestions: ReadonlySet<HeardQuestion> = new Set(['dateOfBirth', 'birthYear', 'phone', 'readBack']);

/** Share of callers who type a number on the keypad once the agent offers it (the others keep saying it). */
export const keypadTakers = 0.85;

/** The persona of a call: its goal and a patient, with the day picked from `random` (e.g. a corrected date). */
export function personaFor(name: PersonaName, random: () => number): Persona {
  switch (name) {
    case 'book':
      // A Friday: the tenth-no-eleventh correction names Friday the 11th; the others Friday the 4th.
      return { name, patient: johnSmith, goal: { kind: 'book', specialty: 'family medicine', day: random() < 0.3 ? '2026-12-11' : '2026-12-04', reason: '' } };
    case 'insist':
      return { name, patient: mariaGarcia, goal: { kind: 'insist', specialty: fullyBookedDay.specialty, fullDay: fullyBookedDay.date, insistences: 2, reason: '' } };
    case 'cancel':
      return { name, patient: weiChen, goal: { kind: 'cancel', confirmationCode: 'K7Q2XM', keepCode: 'R4TZ9P' } };
    case 'reschedule':
      return { name, patient: weiChen, goal: { kind: 'reschedule', confirmationCode: 'R4TZ9P', day: '2026-12-16' } };
    case 'list':
      return { name, patient: random() < 0.5 ? weiChen : mariaGarcia, goal: { kind: 'list' } };
  }
}

/** The plainest wording: the first alternative. */
const first: Pick = (values) => values[0]!;
const monthNamed = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/;
const fillers = ['', '', '', 'um, ', 'uh, ', 'okay so ', 'so ', 'well, ', 'okay, '];
const yes = ['yes', 'yes please', "yeah, that's right", 'correct', 'sure, go ahead', "yep, that's it", 'yes, that sounds good'];
const done = ["no, that's all, thank you", 'no thanks, bye', "nope, that's everything. Thanks!", "no, I'm good, thank you", "that's it, thanks. Bye"];

/** The intent line, with the goal's details said up front now and then. */
function intentLines(goal: Goal, dayWords: string): string[] {
  switch (goal.kind) {
    case 'book':
      return ["I'd like to book an appointment", 'I need to make an appointment please', 'hi, I want to schedule a visit with a family doctor', `I'd like to see a family medicine doctor on ${dayWords}`];
    case 'insist':
      return ["I'd like to book an appointment with a heart doctor", 'I need a cardiology appointment please', `I want to book cardiology for ${dayWords}`];
    case 'cancel':
      return ['I need to cancel my appointment', "I'd like to cancel an appointment please", "hi, I can't make my appointment, I want to cancel it"];
    case 'reschedule':
      return ['I need to reschedule my appointment', 'can I move my appointment to another day', "I'd like to change the day of my appointment"];
    case 'list':
      return ['when is my next appointment', "I'd like to check my appointments", 'can you tell me what appointments I have'];
  }
}

export function createCallerMind(persona: Persona, seed: number): CallerMind {
  const random = seededRandom(seed);
  const pick: Pick = (values) => values[Math.floor(random() * values.length)]!;
  const { patient, goal } = persona;
  const filler = () => pick(fillers);
  const thanks = () => pick(['', '', ', thanks', ', thank you']);
  const birthDate = () => birthDateWords(patient.dateOfBirth, pick);
  const phone = () => phoneWords(patient.phoneDigits, pick);
  const name = patient.lastName;
  // The day said for a goal: weekday and date, the date alone, or a correction ("the tenth, no, the eleventh").
  const goalDay = goal.kind === 'book' ? goal.day : goal.kind === 'insist' ? goal.fullDay : goal.kind === 'reschedule' ? goal.day : undefined;
  const weekday = goalDay ? new Date(`${goalDay}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }) : '';
  const dayLines = (): string[] => {
    if (!goalDay) return ['any day is fine'];
    const monthDay = monthDayWords(goalDay);
    const ordinal = monthDay.split(' ').slice(1).join(' ');
    if (goal.kind === 'book' && goalDay === '2026-12-11') return [`the tenth, no, the eleventh`, `December tenth, no sorry, December eleventh`, `Friday the eleventh`];
    if (goal.kind === 'reschedule') return [`${weekday} the ${ordinal}`, `${monthDay}`, `the fifteenth, no, the sixteenth`, `${weekday}, ${monthDay}`];
    return [`${weekday}`, `${weekday} ${monthDay}`, `this ${weekday}`, `the ${ordinal}`, `${weekday} the ${ordinal}`];
  };
  const reason = pick(goal.kind === 'book' ? ['a sore throat that will not go away', 'my annual physical', 'a check up', 'a cough I have had for two weeks'] : ['chest pain when I climb stairs', 'a heart check up', 'my blood pressure follow up']);

  /** Consecutive times each question has been heard, and what was said last to it. */
  let lastQuestion: HeardQuestion | undefined;
  let repeats = 0;
  let insisted = 0;
  let confirmed = false;
  let intentRestated = 0;
  let humanDeclined = 0;
  let predicted: HeardQuestion = 'intent';
  /** The agent's words for the question being answered (normalised): what a read-back said. */
  let heardNow = '';
  const said = new Map<HeardQuestion, string>();
  const once = new Set<string>();

  /** A fresh wording when asked again: another alternative than last time, plainer as the re-asks go on. */
  const choose = (question: HeardQuestion, alternatives: string[], plain: string[] = alternatives): string => {
    const pool = repeats === 0 ? alternatives : repeats >= 2 ? plain : alternatives.filter((text) => text !== said.get(question));
    return pick(pool.length > 0 ? pool : alternatives);
  };

  /**
   * The agent named a day that is not the one this caller wants (a misheard date): a person says so. Only when the
   * words name a date (a month), and not for the caller who takes any day after insisting. "Friday, January eighth"
   * for this Friday is as wrong as another December day.
   */
  const wrongDayNamed = (): boolean => {
    if (!goalDay || goal.kind === 'insist' || tookOtherDay || !monthNamed.test(heardNow)) return false;
    return !heardNow.includes(normalisedWords(speakDate(goalDay)));
  };
  let dayRestated = 0;
  /** Having restated the day twice, the caller took another day: from then on that day is the one they want. */
  let tookOtherDay = false;
  const restateDay = (): CallerReply | undefined => {
    if (!wrongDayNamed() || dayRestated >= 2) return undefined;
    dayRestated += 1;
    const keys = dayKeys();
    if (keys) return keys;
    return pick([`no, I said ${dayLines()[1] ?? dayLines()[0]}`, `sorry, I meant ${monthDayWords(goalDay!)}`, `no, ${weekday}, ${monthDayWords(goalDay!)} please`]);
  };

  /** Which value a read-back got wrong, if any (the agent's words in `heardNow`). */
  const readBackWrong = (): 'lastName' | 'dateOfBirth' | 'phone' | undefined => {
    if (heardNow.includes('last name') && !heardNow.includes(`last name ${name.toLowerCase()}`)) return 'lastName';
    if (heardNow.includes('date of birth') && !heardNow.includes(normalisedWords(speakBirthDate(patient.dateOfBirth)))) return 'dateOfBirth';
    if (heardNow.includes('phone number') && !heardNow.includes(normalisedWords(speakPhone(patient.phoneDigits)))) return 'phone';
    return undefined;
  };

  // Told the keypad is there (or hearing a number asked the third time, which names it), most callers type the number.
  const typesNumbers = random() < keypadTakers;
  let keypadHeard = false;
  let nameKeysHeard = false;
  let dateKeysHeard = false;
  /** Asked to say a number slowly, a person says every number slowly from then on. */
  let slowlyAsked = false;
  const specialtyWanted = goal.kind === 'book' ? 'family medicine' : 'cardiology';
  /** Told the day can be typed, a caller who keys numbers types the month and the day of the day they want. */
  const dayKeys = (): { keys: string } | undefined =>
    typesNumbers && dateKeysHeard && goalDay && goal.kind !== 'insist' && !tookOtherDay ? { keys: `${goalDay.slice(5, 7)}${goalDay.slice(8, 10)}#` } : undefined;
  const keyed = (question: HeardQuestion): { keys: string } | undefined => {
    const yesNoKeys = heardNow.includes('press 1 for yes');
    // "You can also press 1 or 2": a choice asked again names its keys.
    const choiceKeys = /\bpress 1(?: or|,) 2\b/.test(heardNow);
    if (!typesNumbers || !(keypadHeard || yesNoKeys || choiceKeys || repeats >= 2)) return undefined;
    const [year, month, day] = patient.dateOfBirth.split('-');
    if (question === 'dateOfBirth') return { keys: `${month}${day}${year}#` };
    if (question === 'birthYear') return { keys: `${year}#` };
    if (question === 'phone') return { keys: `${patient.phoneDigits}#` };
    // Told a name can be typed a key per letter, they type it (the keys that carry its letters).
    if (question === 'lastName') return nameKeysHeard ? { keys: `${keypadKeys(name)}#` } : undefined;
    // Asked again whether they want staff, with the keys named: the same answer, keyed.
    if (question === 'human' && yesNoKeys) return { keys: humanDeclined++ < 2 ? '2' : '1' };
    // A choice asked again, or a yes/no or kind of doctor the third time, comes with its keys ("press 1 or 2"; "1 for
    // yes"; "1 for family medicine, 2 for cardiology…"): the caller presses the key it named for what they want.
    if (repeats < 2 && !yesNoKeys && !choiceKeys) return undefined;
    if (question === 'specialty') {
      const key = new RegExp(`\\b(\\d) for ${specialtyWanted}\\b`).exec(heardNow)?.[1];
      return key ? { keys: key } : undefined;
    }
    if (question === 'provider' || question === 'time') return { keys: '1' };
    if (question === 'whichAppointment') return { keys: goal.kind === 'reschedule' ? '2' : '1' };
    if (question === 'confirm') return { keys: '1' };
    if (question === 'readBack') return { keys: readBackWrong() ? '2' : '1' };
    if (question === 'symptomsNow') return { keys: '2' };
    return undefined;
  };

  /**
   * The agent is doing another request than this caller's (theirs was misheard): asked a question only that request asks,
   * or asked to confirm a cancellation or a booking they did not ask for, a person says what they want instead, twice at
   * most (then they go along with the question).
   */
  let requestRestated = 0;
  const otherRequest = (question: HeardQuestion): CallerReply | undefined => {
    if (requestRestated >= 2 || confirmed) return undefined;
    const booking = goal.kind === 'book' || goal.kind === 'insist';
    const bookingQuestion = question === 'specialty' || question === 'provider' || question === 'reason' || ((question === 'day' || question === 'time' || question === 'noOpenings') && goal.kind !== 'reschedule');
    const wrongConfirm = question === 'confirm' && ((goal.kind !== 'cancel' && /\bcancel\b/.test(heardNow)) || (!booking && /\bshall i book\b/.test(heardNow)));
    const foreign = (!booking && bookingQuestion) || (booking && question === 'whichAppointment') || wrongConfirm;
    if (!foreign) return undefined;
    requestRestated += 1;
    return `no, ${pick(intentLines(goal, '').slice(0, 2))}`;
  };

  const reply = (question: HeardQuestion): CallerReply | undefined => {
    const instead = otherRequest(question);
    if (instead) return instead;
    const typed = keyed(question);
    if (typed) return typed;
    switch (question) {
      case 'intent':
        if (confirmed || (goal.kind === 'list' && once.has('listed'))) return pick(done);
        if (lastQuestion === 'anythingElse' || once.has('intent')) intentRestated += 1;
        once.add('intent');
        return `${filler()}${choose(question, intentLines(goal, dayLines()[0]!), intentLines(goal, '').slice(0, 2))}`;
      case 'lastName':
        return choose(
          question,
          [
            name,
            `my last name is ${name}`,
            `it's ${name}, ${spelled(name)}`,
            `${name}, spelled ${spelled(name)}`,
            `this is ${patient.firstName} ${name}, born ${birthDate()}`,
            `${name}, date of birth ${birthDate()}, phone ${phone()}`,
          ],
          [name, `${name}, ${spelled(name)}`],
        );
      case 'dateOfBirth':
        return choose(question, [birthDate(), `it's ${birthDate()}`, `${filler()}${birthDate()}`, monthDayCorrection(patient.dateOfBirth)], [birthDateWords(patient.dateOfBirth, first)]);
      case 'birthYear':
        return choose(question, [yearWords(Number(patient.dateOfBirth.slice(0, 4))), `${yearWords(Number(patient.dateOfBirth.slice(0, 4)))}${thanks()}`]);
      case 'phone':
        return choose(question, [phone(), `my number is ${phone()}`, `${filler()}${phone()}`], [phoneWords(patient.phoneDigits, first)]);
      case 'specialty':
        return choose(question, goal.kind === 'book' ? ['family medicine', 'a family doctor please', 'just a regular family medicine doctor'] : ['cardiology', 'a heart doctor, cardiology', 'cardiology please'], [specialtyWanted]);
      case 'provider':
        return choose(question, ['the first one', 'the first one is fine', 'either is fine, the first one', 'um, the first one please'], ['the first one']);
      case 'day':
      case 'noOpenings':
        if (goal.kind === 'insist' && question === 'noOpenings') {
          insisted += 1;
          if (insisted <= goal.insistences) return pick([`no, I really need ${weekday} the third`, `it has to be ${weekday}, I can't do any other day`, `are you sure? ${weekday} December third is the only day I can come`]);
          return pick(['okay, fine, the first one you said then', 'alright, the earliest day then', 'okay, the first of those days please']);
        }
        if (question === 'noOpenings') {
          // The wanted day among the openings offered (the date asked for was misheard): a person picks it.
          if (goalDay && heardNow.includes(normalisedWords(speakDate(goalDay)))) return pick([`${monthDayWords(goalDay)} please`, `${weekday} the ${monthDayWords(goalDay).split(' ').slice(1).join(' ')} then`]);
          const restated = restateDay();
          if (restated) return restated;
          tookOtherDay = true;
          return pick(['okay, the first one then', 'the earliest one is fine']);
        }
        if (goal.kind === 'insist' && insisted > goal.insistences) return pick(['the earliest day you have', 'whatever is first']);
        return dayKeys() ?? `${filler()}${choose(question, dayLines(), [dayLines()[1] ?? dayLines()[0]!])}${thanks()}`;
      case 'time': {
        const restated = restateDay();
        if (restated) return restated;
        if (repeats === 0 && goal.kind === 'book') return pick(['ten in the morning', 'ten a m please', 'the earliest one', 'nine thirty']);
        return choose(question, ['the first one', 'the earliest one is fine', 'the first time you have'], ['the first one']);
      }
      case 'reason':
        return choose(question, [reason, `it's for ${reason}`, `${filler()}${reason}`], [reason]);
      case 'confirm':
        // A booking or a move read back on another day than wanted gets a no (the agent then asks for the day again).
        if (wrongDayNamed() && (goal.kind === 'book' || goal.kind === 'reschedule')) return pick(["no, that's not the day I wanted", 'no, wrong day']);
        confirmed = true;
        return pick(yes);
      case 'readBack': {
        // A person checks what is read back: a wrong date of birth or phone number gets a no and the right value.
        const wrong = readBackWrong();
        if (wrong === 'lastName') return `no, it's ${name}, ${spelled(name)}`;
        if (wrong === 'dateOfBirth') return `no, it's ${birthDate()}`;
        if (wrong === 'phone') return `no, it's ${phone()}`;
        return pick(['yes', "yes, that's right", 'correct']);
      }
      case 'symptomsNow':
        return pick(['no, not right now', "no, it's not happening now", 'no']);
      case 'whichAppointment': {
        const first = goal.kind !== 'reschedule';
        return choose(
          question,
          first ? ['the first one', 'the one on the seventh', 'the December seventh one', 'the one on Monday the seventh'] : ['the second one', 'the one on the fourteenth', 'the December fourteenth one'],
          [first ? 'the first one' : 'the second one'],
        );
      }
      case 'anythingElse':
        if (confirmed || goal.kind === 'list' || intentRestated >= 2) return pick(done);
        intentRestated += 1;
        return `yes, ${intentLines(goal, '')[0]}`;
      case 'human':
        humanDeclined += 1;
        return humanDeclined <= 2 ? pick(['no thank you, I can do it with you', 'no, let me try again', 'no thanks']) : 'yes please';
      case 'goodbye':
        return undefined;
      case 'unknown':
        return pick(['sorry, could you say that again?', 'sorry, what was that?']);
    }
  };

  /** A correction in the date of birth: the day one off first, then the right one. */
  function monthDayCorrection(isoDate: string): string {
    const day = Number(isoDate.slice(8, 10));
    const wrong = `${isoDate.slice(0, 8)}${String(day === 1 ? 2 : day - 1).padStart(2, '0')}`;
    return `${monthDayWords(wrong)}, no sorry, ${monthDayWords(isoDate)}, ${yearWords(Number(isoDate.slice(0, 4)))}`;
  }

  /** What a person expects to be asked next after answering `question`, for a turn they did not make out. */
  const next = (question: HeardQuestion): HeardQuestion => {
    const after: Partial<Record<HeardQuestion, HeardQuestion>> = {
      intent: 'lastName',
      lastName: 'dateOfBirth',
      dateOfBirth: 'phone',
      birthYear: 'phone',
      phone: goal.kind === 'book' || goal.kind === 'insist' ? 'specialty' : goal.kind === 'list' ? 'anythingElse' : 'whichAppointment',
      specialty: 'provider',
      provider: 'day',
      day: goal.kind === 'insist' && insisted <= goal.insistences ? 'noOpenings' : 'time',
      noOpenings: insisted <= (goal.kind === 'insist' ? goal.insistences : 0) ? 'noOpenings' : 'time',
      time: goal.kind === 'reschedule' ? 'confirm' : 'reason',
      reason: 'confirm',
      readBack: 'phone',
      symptomsNow: 'reason',
      confirm: 'anythingElse',
      whichAppointment: goal.kind === 'reschedule' ? 'day' : 'confirm',
      anythingElse: 'goodbye',
      human: 'intent',
    };
    return after[question] ?? 'unknown';
  };

  return {
    persona,
    answer(heard, words = '', keypadOffered = false) {
      heardNow = normalisedWords(words);
      if (keypadOffered) keypadHeard = true;
      if (heardNow.includes('key with each letter')) nameKeysHeard = true;
      if (heardNow.includes('the month and the day on your keypad')) dateKeysHeard = true;
      if (heardNow.includes('say it slowly')) slowlyAsked = true;
      const question = heard === 'unknown' ? predicted : heard;
      repeats = question === lastQuestion ? repeats + 1 : 0;
      if (question === 'anythingElse' && goal.kind === 'list') once.add('listed');
      const text = reply(question);
      lastQuestion = question;
      predicted = next(question);
      if (typeof text !== 'string') return text;
      said.set(question, text);
      return slowlyAsked && numberQuestions.has(question) ? { slowly: text } : text;
    },
  };
}
