// The refill flow as the engine runs it: after verification, a refill request for one of the patient's active medications (controlled ones go to the care team).
import type { Flow } from '../../src/flow/types.ts';
import { eventForUnderstanding, expectationFor } from '../scheduling/helpers.ts';
import { buildCallLine, lineQuestionKeys } from '../scheduling/machine.ts';
import { refillExploration } from './exploration.ts';
import { refillPart } from './part.ts';
import { renderRefillLine } from './prompts.ts';
import { maskedRefillSlots } from './slots.ts';
import { refillFlowTools } from './tools.ts';
import { refillQuestionKeys, type RefillContext } from './types.ts';

export const refillFlow: Flow = {
  name: 'refill',
  description: 'Prescription refill requests after the caller is verified; controlled substances go to the care team',
  machine: buildCallLine([refillPart]),
  tools: refillFlowTools,
  verifiedStateId: 'call.verified',
  questions: new Set<string>([...lineQuestionKeys, ...refillQuestionKeys]),
  input: ({ sessionId, today }) => ({ sessionId, today }),
  render: (say, options) => renderRefillLine(say.key, say.context as RefillContext, options, say.repeat),
  expectation: expectationFor,
  eventFor: eventForUnderstanding,
  maskedSlots: (context) => maskedRefillSlots(context as RefillContext),
  exploration: refillExploration,
};

export default refillFlow;
