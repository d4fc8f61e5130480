// How a caller makes out which question the agent asked: from its words on /ws/call, from the prompt keys the marks name on Twilio.

/**
 * Why not decode the agent's audio on Twilio: the bench did that first (a grammar of the line's questions over the last
 * seconds of each reply), and the caller misheard 80 of 189 replies at 8 kHz, answering questions nobody asked; its
 * failures were counted against the engine. A person on the phone understands the question, so the caller does too.
 */
export type HeardQuestion =
  | 'intent' | 'lastName' | 'dateOfBirth' | 'birthYear' | 'phone' | 'specialty' | 'provider' | 'day' | 'noOpenings'
  | 'time' | 'reason' | 'confirm' | 'readBack' | 'symptomsNow' | 'whichAppointment' | 'anythingElse' | 'human' | 'goodbye' | 'unknown';

/** Question phrases per kind, as a caller would expect them from any clinic's line (lower case, CMUdict words). */
const cues: Record<Exclude<HeardQuestion, 'unknown'>, string[]> = {
  // A question asked the third time ends with a hint that names what it asks for.
  intent: ['how can i help you today', 'i can book check cancel or reschedule an appointment', 'what else can i help you with', 'you can say book check cancel or reschedule an appointment'],
  lastName: ['what is your last name', 'you can also spell it letter by letter', 'pressing the key with each letter then press pound'],
  dateOfBirth: ['what is your date of birth', 'two for the day and four for the year then press pound', 'please say the month the day and the year'],
  // Its third ask's hint ends like the phone's ("… on your keypad, then press pound"): the longer cue names the year.
  birthYear: ['what year were you born', 'type the four digits of the year on your keypad then press pound'],
  phone: ['what is the phone number we have on file for you', 'please say all ten digits starting with the area code', 'keypad then press pound'],
  specialty: ['what kind of doctor would you like to see', 'family medicine cardiology dermatology or pediatrics', 'dermatology or pediatrics', 'or 4 for pediatrics'],
  provider: ['at riverside which would you like', 'at downtown which would you like'],
  day: ['what day would you like to come in', 'what day would you like instead', 'is there another day that works for you', 'you can say a day such as next monday or december tenth'],
  noOpenings: ['which day works for you', 'day works for you', 'there are no openings'],
  time: ['which time would you like', 'isn\'t available', 'there are other times too which time would you like'],
  reason: ['what is the reason for the visit', 'reason for the visit', 'a few words are enough'],
  confirm: ['shall i book it', 'shall i move it', 'is that right', 'would that work', 'shall i cancel it'],
  // "I heard a date of birth of … / the last name … . Is that right?": told apart from a confirmation in `classify`.
  readBack: ['i heard a date of birth', 'i heard the phone number', 'i heard the last name'],
  symptomsNow: ['are you having these symptoms right now', 'having these symptoms right now'],
  whichAppointment: ['which one would you like to cancel', 'which one would you like to reschedule'],
  anythingElse: ['is there anything else i can help you with'],
  human: ['would you like me to connect you with a member of our staff'],
  goodbye: ['thank you for calling goodbye', 'please call back any time goodbye', 'please hold while i transfer you', 'please hold while i connect you'],
};

/**
 * What a Twilio caller makes of a reply: the server names each mark after the prompts it follows ("reply-3:askPhone"),
 * and a person understands a question as asked. Which prompt asks what, for a caller of these personas.
 */
const promptQuestions: Record<string, HeardQuestion> = {
  greeting: 'intent', askIntent: 'intent', whatElse: 'intent', intentNotUnderstood: 'intent',
  askLastName: 'lastName',
  askDateOfBirth: 'dateOfBirth', dateOfBirthMalformed: 'dateOfBirth',
  askBirthYear: 'birthYear',
  askPhone: 'phone', phoneMalformed: 'phone',
  confirmHeardValues: 'readBack',
  askSymptomsNow: 'symptomsNow',
  askSpecialty: 'specialty',
  chooseProvider: 'provider',
  askDate: 'day', askRescheduleDate: 'day',
  noSlotsOnDate: 'noOpenings',
  chooseSlot: 'time', timeNotAvailable: 'time',
  askReason: 'reason',
  confirmBooking: 'confirm', confirmCancel: 'confirm', confirmReschedule: 'confirm', nearestSlot: 'confirm',
  chooseAppointmentToCancel: 'whichAppointment', chooseAppointmentToReschedule: 'whichAppointment',
  anythingElse: 'anythingElse',
  offerHuman: 'human',
  summaryAndGoodbye: 'goodbye', noInputGoodbye: 'goodbye', lockout: 'goodbye', handoff: 'goodbye', emergency: 'goodbye',
};

/** The question the last of these prompts asks (a reply is statements, then at most one question). */
export function questionOfPrompts(keys: string[]): HeardQuestion {
  for (const key of [...keys].reverse()) {
    const question = promptQuestions[key];
    if (question) return question;
  }
  return 'unknown';
}

/** The kind whose phrase ends the decoded words. */
export function classify(words: string): HeardQuestion {
  let best: { kind: HeardQuestion; at: number } = { kind: 'unknown', at: -1 };
  for (const [kind, phrases] of Object.entries(cues)) {
    for (const phrase of phrases) {
      const at = words.lastIndexOf(phrase);
      if (at >= 0 && at + phrase.length > best.at) best = { kind: kind as HeardQuestion, at: at + phrase.length };
    }
  }
  // A read-back ends "is that right?" like a confirmation, but answers whether the agent heard a value right.
  if (best.kind === 'confirm' && /i heard (a date of birth|the phone number|the last name)/.test(words)) return 'readBack';
  return best.kind;
}
