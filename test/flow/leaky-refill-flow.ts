// A careless edit of the refill flow for `frontdesk paths` to catch: the greeting already reads the caller's medications, before anyone is verified.
import type { AnyStateMachine } from 'xstate';
import { refillFlow } from '../../flows/refill/index.ts';
import { refillPart } from '../../flows/refill/part.ts';
import { callLineSetup } from '../../flows/scheduling/machine.ts';
import type { Flow } from '../../src/flow/types.ts';

function copyKeepingFunctions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyKeepingFunctions);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, copyKeepingFunctions(child)]));
  }
  return value;
}

const config = copyKeepingFunctions(refillFlow.machine.config) as { states: Record<string, Record<string, unknown>> };
config.states.greeting!.invoke = { id: 'getMedications', src: 'getMedications', input: () => ({}) };

export const flow: Flow = {
  ...refillFlow,
  name: 'leaky-refill',
  machine: callLineSetup([refillPart]).createMachine(config as never) as unknown as AnyStateMachine,
  // The leak shows on the first turn: a short walk is enough.
  exploration: { ...refillFlow.exploration, worlds: refillFlow.exploration.worlds.slice(0, 1), callerEvents: refillFlow.exploration.callerEvents.slice(0, 6) },
};
