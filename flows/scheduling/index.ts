// The scheduling flow as the engine runs it: book, check, cancel and reschedule appointments after verification.
import type { Flow } from '../../src/flow/types.ts';
import { schedulingExploration } from './exploration.ts';
import { eventForUnderstanding, expectationFor } from './helpers.ts';
import { callMachine, questionKeys } from './machine.ts';
import { renderReply } from './prompts.ts';
import { maskedSlots } from './slots.ts';
import { schedulingTools } from './tools.ts';
import type { CallMachineContext, PromptKey } from './types.ts';

export const schedulingFlow: Flow = {
  name: 'scheduling',
  description: 'Book, check, cancel and reschedule appointments, after the caller is verified',
  machine: callMachine,
  tools: schedulingTools,
  verifiedStateId: 'call.verified',
  questions: questionKeys,
  input: ({ sessionId, today }) => ({ sessionId, today }),
  render: (say, options) => renderReply(say.key as PromptKey, say.context as CallMachineContext, options, say.repeat),
  expectation: expectationFor,
  eventFor: eventForUnderstanding,
  maskedSlots: (context) => ({ ...maskedSlots(context as CallMachineContext) }),
  exploration: schedulingExploration,
};

export default schedulingFlow;
