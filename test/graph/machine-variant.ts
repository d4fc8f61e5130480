// A variant of the call machine with one added state, to show the drawings follow the definition.
import { callMachine, callMachineSetup } from '../../flows/scheduling/machine.ts';

/** The production machine plus one insurance question after the reason: a variant nobody drew by hand. */
export function machineWithInsuranceQuestion() {
  const config = callMachine.config as unknown as { states: Record<string, Record<string, unknown>> };
  const verified = config.states.verified as { states: Record<string, { states: Record<string, unknown> }> };
  const booking = verified.states.booking!;
  const variant = {
    ...config,
    states: {
      ...config.states,
      verified: {
        ...verified,
        states: {
          ...verified.states,
          booking: {
            ...booking,
            states: {
              ...booking.states,
              askInsurance: { on: { 'caller.spoke': { target: 'confirming' } } },
              askReason: { on: { 'caller.spoke': { target: 'askInsurance' } } },
            },
          },
        },
      },
    },
  };
  return callMachineSetup.createMachine(variant as unknown as Parameters<typeof callMachineSetup.createMachine>[0]);
}

