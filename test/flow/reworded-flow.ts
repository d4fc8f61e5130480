// The scheduling flow with its booking read-back reworded, for `frontdesk replay` to notice: every other line and transition as before.
import { schedulingFlow } from '../../flows/scheduling/index.ts';
import type { Flow } from '../../src/flow/types.ts';

export const flow: Flow = {
  ...schedulingFlow,
  name: 'scheduling-reworded',
  render: (say, options) => (say.key === 'confirmBooking' ? 'Shall I book that for you?' : schedulingFlow.render(say, options)),
};
