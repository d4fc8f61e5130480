// The refill part's words, and the refill line's own greeting: medications by name only, never a strength or another patient's anything.
import { speakList, spellCode } from '../../src/dialog/speech.ts';
import type { ReplyOptions } from '../../src/flow/types.ts';
import { doneSentence, renderReply } from '../scheduling/prompts.ts';
import type { CallMachineContext, PromptKey } from '../scheduling/types.ts';
import { refillPromptKeys, type RefillContext, type RefillDone, type RefillPromptKey } from './types.ts';

const staff = 'If you prefer, say staff and I will connect you with a person.';
const isRefillKey = (key: string): key is RefillPromptKey => (refillPromptKeys as readonly string[]).includes(key);

function refillTemplate(key: RefillPromptKey, context: RefillContext, options: ReplyOptions): string {
  const refill = context.refill;
  const medication = refill.medication?.name ?? 'that medication';
  switch (key) {
    case 'chooseMedication': {
      const names = (refill.list?.medications ?? []).slice(0, options.maxSpokenOptions).map((item) => item.name);
      return `Which medication do you need refilled: ${speakList(names, 'or')}?`;
    }
    case 'noActiveMedications':
      return "I don't see any active prescriptions on your record that I can refill.";
    case 'controlledSubstance':
      return `${capitalise(medication)} is a controlled medication, so I can't request it by phone. I've left a message for your care team, and they will contact you about it.`;
    case 'confirmPharmacy':
      return `Should I send it to ${refill.list?.pharmacyOnFile?.name ?? 'your pharmacy'}, the pharmacy on file? You can also name another pharmacy.`;
    case 'askPharmacy': {
      const names = (refill.list?.pharmacies ?? []).slice(0, options.maxSpokenOptions).map((pharmacy) => pharmacy.name);
      return `Which pharmacy should it go to? For example ${speakList(names, 'or')}.`;
    }
    case 'confirmRefill':
      return `To confirm: a refill of ${medication}, sent to ${refill.pharmacy?.name ?? 'your pharmacy'}. Shall I send the request to your care team?`;
    case 'refillRequested': {
      const last = refill.done.at(-1);
      const code = last?.kind === 'refillRequested' ? last.confirmationCode : '';
      return `Done. Your refill request for ${medication} is with your care team, for ${refill.pharmacy?.name ?? 'your pharmacy'}. Your confirmation code is ${spellCode(code)}.`;
    }
    case 'refillNotRequested':
      return "All right, I haven't requested anything.";
  }
}

function refillHint(key: RefillPromptKey): string | undefined {
  switch (key) {
    case 'chooseMedication':
      return `You can say its name, or press 1, 2 or 3. ${staff}`;
    case 'askPharmacy':
      return `Please say the pharmacy's name. ${staff}`;
    case 'confirmPharmacy':
    case 'confirmRefill':
      return 'Please say yes or no, or press 1 for yes and 2 for no.';
    default:
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The refill part's words for its own keys; undefined for a key that is not the part's. */
export function renderRefillReply(key: string, context: RefillContext, options: ReplyOptions, repeat = 1): string | undefined {
  if (!isRefillKey(key)) return undefined;
  const words = refillTemplate(key, context, options);
  const hint = repeat >= 3 ? refillHint(key) : undefined;
  return hint ? `${words} ${hint}` : words;
}

export function refillDoneSentence(item: RefillDone): string {
  return item.kind === 'refillRequested'
    ? `requested a refill of ${item.medication.name} for ${item.pharmacy.name}`
    : `left a message for your care team about ${item.medication.name}`;
}

/** The closing line over everything the call did: scheduling's items and the refill part's. */
export function summaryAndGoodbye(context: CallMachineContext & Partial<Pick<RefillContext, 'refill'>>): string {
  const items = [
    ...context.done.filter((item) => item.kind !== 'listed').map(doneSentence),
    ...(context.refill?.done ?? []).map(refillDoneSentence),
  ];
  const summary = items.length > 0 ? `To sum up, I ${speakList(items, 'and')}. ` : '';
  return `${summary}Thank you for calling. Goodbye.`;
}

/** What the refill line says in place of the scheduling line's words. */
function refillLineTemplate(key: string, options: ReplyOptions, repeat: number): string | undefined {
  const hint = repeat >= 3 ? ` You can say: I need a prescription refill. ${staff}` : '';
  switch (key) {
    case 'greeting':
      return `Thank you for calling ${options.clinicName}. I'm the automated assistant for prescription refills. How can I help you today?${hint}`;
    case 'askIntent':
      return `How can I help you today? I can request a refill of one of your prescriptions.${hint}`;
    case 'whatElse':
      return `What else can I help you with?${hint}`;
    case 'intentNotUnderstood':
      return 'Sorry, I can help with prescription refills.';
    case 'verificationIntro':
      return 'Before I can look at your prescriptions, I need to verify your identity.';
    case 'clinicalRefusal':
      return 'I can only help with refill requests. Your care team can answer that question.';
    case 'systemTrouble':
      return "I'm sorry, I'm having trouble reaching our records system.";
    default:
      return undefined;
  }
}

/** The refill flow alone: its own words, the refill line's greeting, the shared line's words for the rest. */
export function renderRefillLine(key: string, context: RefillContext, options: ReplyOptions, repeat = 1): string {
  if (key === 'summaryAndGoodbye') return summaryAndGoodbye(context);
  return (
    renderRefillReply(key, context, options, repeat) ??
    refillLineTemplate(key, options, repeat) ??
    renderReply(key as PromptKey, context, options, repeat)
  );
}
