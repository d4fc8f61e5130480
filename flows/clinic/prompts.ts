// The clinic line's words: its greeting names both services; each part's prompts are its own package's; the summary covers both.
import type { ReplyOptions } from '../../src/flow/types.ts';
import { renderRefillReply, summaryAndGoodbye } from '../refill/prompts.ts';
import type { RefillContext } from '../refill/types.ts';
import { renderReply } from '../scheduling/prompts.ts';
import type { PromptKey } from '../scheduling/types.ts';

const staff = 'If you prefer, say staff and I will connect you with a person.';

function lineTemplate(key: string, options: ReplyOptions, repeat: number): string | undefined {
  const hint = repeat >= 3 ? ` You can say book, check, cancel or reschedule an appointment, or prescription refill. ${staff}` : '';
  switch (key) {
    case 'greeting':
      return `Thank you for calling ${options.clinicName}. I'm the automated assistant. I can book, check, cancel or reschedule appointments, or request a prescription refill. How can I help you today?${hint}`;
    case 'askIntent':
      return `How can I help you today? I can book, check, cancel or reschedule an appointment, or request a prescription refill.${hint}`;
    case 'whatElse':
      return `What else can I help you with?${hint}`;
    case 'intentNotUnderstood':
      return 'Sorry, I can help with appointments and prescription refills.';
    case 'verificationIntro':
      return 'Before I can look at your records, I need to verify your identity.';
    case 'clinicalRefusal':
      return 'I can only help with appointments and refill requests. Your care team can answer that question.';
    default:
      return undefined;
  }
}

export function renderClinicLine(key: string, context: RefillContext, options: ReplyOptions, repeat = 1): string {
  if (key === 'summaryAndGoodbye') return summaryAndGoodbye(context);
  return renderRefillReply(key, context, options, repeat) ?? lineTemplate(key, options, repeat) ?? renderReply(key as PromptKey, context, options, repeat);
}
