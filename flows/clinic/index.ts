// The clinic line: one verification, then scheduling and refills, assembled from the parts flows/scheduling and flows/refill export.
import type { Flow } from '../../src/flow/types.ts';
import { refillAnswers, refillCallerEvents } from '../refill/exploration.ts';
import { refillPart } from '../refill/part.ts';
import { maskedRefillSlots } from '../refill/slots.ts';
import { refillTools } from '../refill/tools.ts';
import { refillQuestionKeys, type RefillContext } from '../refill/types.ts';
import { schedulingExploration } from '../scheduling/exploration.ts';
import { eventForUnderstanding, expectationFor } from '../scheduling/helpers.ts';
import { buildCallLine, questionKeys, schedulingPart } from '../scheduling/machine.ts';
import { maskedSlots } from '../scheduling/slots.ts';
import { schedulingTools } from '../scheduling/tools.ts';
import { renderClinicLine } from './prompts.ts';

export const clinicFlow: Flow = {
  name: 'clinic',
  description: 'The clinic line: appointments (book, check, cancel, reschedule) and prescription refills, after one verification',
  machine: buildCallLine([schedulingPart, refillPart]),
  tools: { ...schedulingTools, ...refillTools },
  verifiedStateId: 'call.verified',
  questions: new Set<string>([...questionKeys, ...refillQuestionKeys]),
  input: ({ sessionId, today }) => ({ sessionId, today }),
  render: (say, options) => renderClinicLine(say.key, say.context as RefillContext, options, say.repeat),
  expectation: expectationFor,
  eventFor: eventForUnderstanding,
  maskedSlots: (context) => ({ ...maskedSlots(context as RefillContext), ...maskedRefillSlots(context as RefillContext) }),
  exploration: {
    ...schedulingExploration,
    callerEvents: [...schedulingExploration.callerEvents, ...refillCallerEvents],
    worlds: schedulingExploration.worlds.map((world, index) => ({ name: world.name, answers: { ...world.answers, ...refillAnswers[index] } })),
  },
};

export default clinicFlow;
