// A careless edit of the scheduling flow for `frontdesk paths` to catch: the greeting also lists the caller's appointments, before anyone is verified.
import type { AnyStateMachine } from 'xstate';
import { schedulingFlow } from '../../flows/scheduling/index.ts';
import { callMachineSetup } from '../../flows/scheduling/machine.ts';
import type { Flow } from '../../src/flow/types.ts';

function copyKeepingFunctions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyKeepingFunctions);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, copyKeepingFunctions(child)]));
  }
  return value;
}

const config = copyKeepingFunctions(schedulingFlow.machine.config) as { states: Record<string, Record<string, unknown>> };
config.states.greeting!.invoke = { id: 'listAppointments', src: 'listAppointments', input: () => ({}) };

export const flow: Flow = {
  ...schedulingFlow,
  name: 'leaky',
  machine: callMachineSetup.createMachine(config as never) as unknown as AnyStateMachine,
  // The leak shows on the first turn: a short walk is enough.
  exploration: { ...schedulingFlow.exploration, worlds: schedulingFlow.exploration.worlds.slice(0, 1), callerEvents: schedulingFlow.exploration.callerEvents.slice(0, 8) },
};
