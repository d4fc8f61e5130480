// The scheduling flow's words per prompt key: short sentences for the ear, no PHI beyond what the caller just said.
import { completeDateOfBirth } from '../../machines/verification.ts';
import { speakBirthDate, speakDate, speakDateTime, speakList, speakOrdinal, speakPhone, speakTime, spellCode } from '../../src/dialog/speech.ts';
import { specialties, type Appointment, type Slot } from '../../src/ehr/types.ts';
import { defaultReplyOptions, type ReplyOptions } from '../../src/flow/types.ts';
import type { CallMachineContext, DoneItem, PromptKey } from './types.ts';

function ordinalWord(index: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth'][index] ?? `number ${index + 1}`;
}

/** Date, time and provider only: never another appointment's reason or anything else. */
function appointmentPhrase(appointment: Pick<Appointment, 'start' | 'providerName'>): string {
  return `${speakDateTime(appointment.start)} with ${appointment.providerName}`;
}

function slotTimes(slots: Slot[], limit: number): string {
  return speakList(
    slots.slice(0, limit).map((slot) => speakTime(slot.start.slice(11, 16))),
    'or',
  );
}

export function doneSentence(item: DoneItem): string {
  switch (item.kind) {
    case 'booked':
      return `booked ${appointmentPhrase(item.appointment)}`;
    case 'cancelled':
      return `cancelled ${appointmentPhrase(item.appointment)}`;
    case 'rescheduled':
      return `moved your appointment to ${appointmentPhrase(item.to)}`;
    case 'listed':
      return 'reviewed your upcoming appointments';
  }
}

function lastDone<K extends DoneItem['kind']>(context: CallMachineContext, kind: K): Extract<DoneItem, { kind: K }> | undefined {
  for (let index = context.done.length - 1; index >= 0; index -= 1) {
    const item = context.done[index];
    if (item?.kind === kind) return item as Extract<DoneItem, { kind: K }>;
  }
  return undefined;
}

/** A number asked again: said at the same pace it is misheard the same way (a fast "nine" heard as "one"); slower, its words come apart. */
const slower = 'It helps to say it slowly.';
const slowerDigits = 'It helps to say it slowly, one digit at a time.';

/**
 * What a question adds the third time in a row it is asked (the loop guard's change of strategy): what the caller can
 * say or key in, and that staff can take over. Undefined keeps the words as they are.
 */
function thirdTimeHint(key: PromptKey, context: CallMachineContext, limit: number): string | undefined {
  const staff = 'If you prefer, say staff and I will connect you with a person.';
  if (keyedChoices.has(key)) {
    // As many places and keys as options were offered: with two doctors, "the third" is no answer.
    const count = choiceCount(context, limit);
    const places = Array.from({ length: count }, (_, index) => `the ${speakOrdinal(index + 1)}`);
    return `You can say ${speakList(places, 'or')}, or ${choiceKeysHint(count)}. ${staff}`;
  }
  switch (key) {
    case 'greeting':
    case 'askIntent':
    case 'whatElse':
      return `You can say book, check, cancel or reschedule an appointment. ${staff}`;
    case 'askLastName':
      // Keyed, a name cannot be misheard: verification compares its letters' keys with the records'.
      return `You can also spell it, letter by letter, or type it on your keypad, pressing the key with each letter, then press pound. ${staff}`;
    case 'askDateOfBirth':
      return `${slower} You can also type it on your keypad: two digits for the month, two for the day and four for the year, then press pound. ${staff}`;
    case 'askBirthYear':
      return `${slower} You can also type the four digits of the year on your keypad, then press pound. ${staff}`;
    case 'askPhone':
      return `${slowerDigits} You can also type it on your phone's keypad, then press pound. ${staff}`;
    case 'askSpecialty':
      // A kind of doctor misheard twice can be keyed: the digits follow the list's order.
      return `You can also press ${speakList(specialties.map((name, index) => `${index + 1} for ${name}`), 'or')}. ${staff}`;
    case 'confirmHeardValues':
    case 'confirmBooking':
    case 'confirmCancel':
    case 'confirmReschedule':
    case 'anythingElse':
    case 'offerHuman':
    case 'nearestSlot':
    case 'askSymptomsNow':
      return 'Please say yes or no, or press 1 for yes and 2 for no.';
    case 'askDate':
    case 'askRescheduleDate':
      return `You can say a day such as next Monday or December tenth, or the earliest, or type the month and the day on your keypad, four digits, then press pound. ${staff}`;
    case 'noSlotsOnDate':
    case 'timeNotAvailable':
      return `You can say a day such as next Monday or December tenth. ${staff}`;
    case 'askReason':
      return `A few words are enough, for example a checkup or a follow-up. ${staff}`;
    default:
      return undefined;
  }
}

/**
 * The words for one prompt, rendered from the machine's context at the moment it spoke. `repeat` is how many times in
 * a row a question is being asked: the third time, it also says what the caller can do.
 */
export function renderReply(key: PromptKey, context: CallMachineContext, options: ReplyOptions = defaultReplyOptions, repeat = 1): string {
  const words = templateFor(key, context, options);
  const hint = repeat >= 3 ? thirdTimeHint(key, context, options.maxSpokenOptions) : repeat === 2 ? secondTimeHint(key, context, options.maxSpokenOptions) : undefined;
  return hint ? `${words} ${hint}` : words;
}

/** The questions that pick one of the options just offered, which the keypad can answer. */
const keyedChoices: ReadonlySet<PromptKey> = new Set(['chooseProvider', 'chooseSlot', 'chooseAppointmentToCancel', 'chooseAppointmentToReschedule']);

/** Choices are asked with their keys the second time: "the first one" is short and easily lost on a phone line. */
function secondTimeHint(key: PromptKey, context: CallMachineContext, limit: number): string | undefined {
  return keyedChoices.has(key) ? `You can also ${choiceKeysHint(choiceCount(context, limit))}.` : undefined;
}

/** How many options the question said aloud (all offered, up to the spoken limit). */
function choiceCount(context: CallMachineContext, limit: number): number {
  return Math.max(2, Math.min(context.offered.length, limit));
}

/** "press 1 or 2", "press 1, 2 or 3". */
function choiceKeysHint(count: number): string {
  return `press ${speakList(Array.from({ length: count }, (_, index) => String(index + 1)), 'or')}`;
}

function templateFor(key: PromptKey, context: CallMachineContext, options: ReplyOptions): string {
  const booking = context.booking;
  const limit = options.maxSpokenOptions;
  switch (key) {
    case 'greeting':
      return `Thank you for calling ${options.clinicName}. I'm the automated scheduling assistant. I can book, check, cancel or reschedule appointments. How can I help you today?`;
    case 'askIntent':
      return 'How can I help you today? I can book, check, cancel or reschedule an appointment.';
    case 'intentNotUnderstood':
      return 'Sorry, I can help with booking, checking, cancelling or rescheduling appointments.';
    case 'offerHuman':
      return 'Would you like me to connect you with a member of our staff?';
    case 'verificationIntro':
      return 'Before I can look at any appointments, I need to verify your identity.';
    case 'askLastName':
      return 'What is your last name?';
    case 'askDateOfBirth':
      return 'What is your date of birth?';
    case 'askBirthYear':
      return 'And what year were you born?';
    case 'askPhone':
      return 'What is the phone number we have on file for you?';
    case 'phoneMalformed':
      return "That didn't sound like a whole phone number. Please say all ten digits, starting with the area code.";
    case 'dateOfBirthMalformed':
      return "That doesn't sound like a date of birth. Please say the month, the day and the year, for example March fourth, nineteen eighty.";
    case 'keypadHint':
      return context.malformedNow.includes('phone')
        ? `${slowerDigits} You can also type it on your phone's keypad, then press pound.`
        : `${slower} You can also type it on your phone's keypad, two digits for the month, two for the day and four for the year, then press pound.`;
    case 'dateKeypadHint':
      return 'If I have the day wrong, you can type the month and the day on your keypad, four digits, then press pound.';
    case 'nameKeypadHint':
      return 'You can also type your last name on your keypad, pressing the key with each letter, then press pound.';
    case 'confirmHeardValues': {
      const parts: string[] = [];
      const dateOfBirth = completeDateOfBirth(context.verification.dateOfBirth);
      const lastName = context.verification.lastName;
      if (context.unsureFields.includes('lastName') && lastName) parts.push(`the last name ${lastName.charAt(0)}${lastName.slice(1).toLowerCase()}, ${spellCode(lastName)}`);
      if (context.unsureFields.includes('dateOfBirth') && dateOfBirth) parts.push(`a date of birth of ${speakBirthDate(dateOfBirth)}`);
      if (context.unsureFields.includes('phone') && context.verification.phone) parts.push(`the phone number ${speakPhone(context.verification.phone)}`);
      return `I heard ${speakList(parts, 'and') || 'that'}. Is that right?`;
    }
    case 'sayAgain':
      return 'Sorry about that. Let me ask again.';
    case 'keepVerifying':
      return "Okay, let's keep going.";
    case 'verificationFailed':
      // Keyed digits cannot be misheard: offered once a claim has failed, so a misheard number does not fail twice.
      return "I'm sorry, I couldn't verify those details. Let's try again. You can also type your date of birth and phone number on your phone's keypad, then press pound.";
    case 'verified':
      return 'Thank you, you are verified.';
    case 'lockout':
      return "I'm sorry, I wasn't able to verify your identity. For your security, I can't continue by phone. Please hold while I transfer you to a member of our staff.";
    case 'askSpecialty':
      return 'What kind of doctor would you like to see? For example family medicine, cardiology, dermatology or pediatrics.';
    case 'noProviders':
      return booking.location
        ? `I couldn't find a doctor for that at ${booking.location}.`
        : "I couldn't find a doctor for that.";
    case 'chooseProvider': {
      const names = booking.providers.slice(0, limit).map((provider) => `${provider.name} at ${provider.location}`);
      return `I have ${speakList(names, 'or')}. Which would you like?`;
    }
    case 'providerChosen':
      return booking.provider ? `Okay, ${booking.provider.name} at ${booking.provider.location}.` : 'Okay.';
    case 'askDate':
      return 'What day would you like to come in?';
    case 'noSlotsOnDate': {
      const day = booking.date ? `on ${speakDate(booking.date)}` : 'that day';
      if (booking.suggestedDates.length === 0) return `There are no openings ${day}. Is there another day that works for you?`;
      const dates = booking.suggestedDates.slice(0, limit).map((date) => speakDate(date));
      return `There are no openings ${day}. The next openings are ${speakList(dates, 'and')}. Which day works for you?`;
    }
    case 'nearestSlot': {
      const full = booking.fullDate ? `${speakDate(booking.fullDate)} is fully booked.` : 'That day is fully booked.';
      const nearest = booking.slots[0];
      if (!nearest) return `${full} Is there another day that works for you?`;
      return `${full} The nearest opening is ${speakDateTime(nearest.start)} with ${nearest.providerName}. Would that work?`;
    }
    case 'chooseSlot': {
      const day = booking.date ? speakDate(booking.date) : 'that day';
      const more = booking.slots.length > limit ? ' There are other times too.' : '';
      const count = booking.slots.length === 1 ? 'one opening' : 'openings';
      return `On ${day} I have ${count} at ${slotTimes(booking.slots, limit)}.${more} Which time would you like?`;
    }
    case 'timeNotAvailable': {
      const asked = booking.requestedTime ? `${speakTime(booking.requestedTime)} isn't available` : "That time isn't available";
      return `${asked}. I have ${slotTimes(booking.slots, limit)}. Which would you like?`;
    }
    case 'askReason':
      return 'Briefly, what is the reason for the visit?';
    case 'confirmBooking': {
      const slot = booking.slot;
      if (!slot) return 'Shall I book it?';
      return `To confirm: ${appointmentPhrase(slot)} at ${slot.location}, for ${booking.reason ?? 'your visit'}. Shall I book it?`;
    }
    case 'booked': {
      const appointment = lastDone(context, 'booked')?.appointment;
      if (!appointment) return 'You are booked.';
      return `You're booked for ${appointmentPhrase(appointment)} at ${appointment.location}. Your confirmation code is ${spellCode(appointment.confirmationCode)}.`;
    }
    case 'slotTaken':
      return 'Sorry, that time was just taken. Here are the other openings.';
    case 'notBooked':
      return "Okay, I haven't booked anything.";
    case 'noAppointments':
      return "I don't see any upcoming appointments for you.";
    case 'listAppointments': {
      const count = context.appointments.length;
      const phrases = context.appointments.map(appointmentPhrase);
      return `You have ${count === 1 ? 'one upcoming appointment' : `${count} upcoming appointments`}: ${speakList(phrases, 'and')}.`;
    }
    case 'chooseAppointmentToCancel':
    case 'chooseAppointmentToReschedule': {
      const verb = key === 'chooseAppointmentToCancel' ? 'cancel' : 'reschedule';
      const phrases = context.appointments.slice(0, limit).map((appointment, index) => `the ${ordinalWord(index)}, ${appointmentPhrase(appointment)}`);
      return `You have ${context.appointments.length} upcoming appointments: ${speakList(phrases, 'and')}. Which one would you like to ${verb}?`;
    }
    case 'confirmCancel':
      return context.selectedAppointment
        ? `You'd like to cancel ${appointmentPhrase(context.selectedAppointment)}. Is that right?`
        : 'Shall I cancel it?';
    case 'cancelled': {
      const appointment = lastDone(context, 'cancelled')?.appointment;
      return appointment ? `Done. Your appointment ${appointmentPhrase(appointment)} is cancelled.` : 'Done, it is cancelled.';
    }
    case 'notCancelled':
      return "Okay, I'll keep that appointment.";
    case 'askRescheduleDate':
      return context.selectedAppointment
        ? `Let's move ${appointmentPhrase(context.selectedAppointment)}. What day would you like instead?`
        : 'What day would you like instead?';
    case 'confirmReschedule': {
      const from = context.selectedAppointment;
      const to = booking.slot;
      if (!from || !to) return 'Shall I move it?';
      return `To confirm: move your appointment from ${speakDateTime(from.start)} to ${speakDateTime(to.start)} with ${to.providerName}. Shall I move it?`;
    }
    case 'rescheduled': {
      const item = lastDone(context, 'rescheduled');
      if (!item) return 'Your appointment is moved.';
      return `Done. Your appointment is now ${appointmentPhrase(item.to)}. Your new confirmation code is ${spellCode(item.to.confirmationCode)}.`;
    }
    case 'notRescheduled':
      return "Okay, I haven't moved it.";
    case 'anythingElse':
      return 'Is there anything else I can help you with?';
    case 'whatElse':
      return 'What else can I help you with?';
    case 'summaryAndGoodbye': {
      const items = context.done.filter((item) => item.kind !== 'listed').map(doneSentence);
      const summary = items.length > 0 ? `To sum up, I ${speakList(items, 'and')}. ` : '';
      return `${summary}Thank you for calling. Goodbye.`;
    }
    case 'notUnderstood':
      return "Sorry, I didn't catch that.";
    case 'noInput':
      return "Sorry, I didn't hear anything.";
    case 'noInputGoodbye':
      return "I haven't heard anything, so I'll end the call now. Please call back any time. Goodbye.";
    case 'checkYes':
      // A yes heard unsure may be a misheard no: keys are offered for the answer the agent acts on.
      return 'Sorry, I want to be sure I heard you. You can also press 1 for yes or 2 for no.';
    case 'symptomAdvisory':
      return 'If your symptoms get worse or this becomes an emergency, hang up and call 9 1 1.';
    case 'askSymptomsNow':
      return 'Are you having these symptoms right now?';
    case 'clinicalRefusal':
      return 'I can only help with scheduling. Your care team can answer that question.';
    case 'handoff':
      return 'Please hold while I connect you with a member of our staff.';
    case 'emergency':
      return 'If this is a medical emergency, please hang up and call 9 1 1 now.';
    case 'systemTrouble':
      return "I'm sorry, I'm having trouble reaching our scheduling system.";
  }
}
