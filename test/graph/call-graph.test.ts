// The graph model is read from the machine definition: every state, initial state, transition and invoked actor, nothing hand-listed.
import { describe, expect, it } from 'vitest';
import { callMachine, phiActorNames } from '../../flows/scheduling/machine.ts';
import { buildCallGraph, transitionContainer, transitionLabel } from '../../src/graph/call-graph.ts';
import { machineWithInsuranceQuestion } from './machine-variant.ts';

type ConfigState = { states?: Record<string, ConfigState>; invoke?: { src: string } | Array<{ src: string }>; type?: string };

/** State paths read from the raw machine config (not from the state nodes the graph walks). */
function configPaths(states: Record<string, ConfigState>, prefix = ''): string[] {
  return Object.entries(states).flatMap(([key, state]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...configPaths(state.states ?? {}, path)];
  });
}

function configInvokes(states: Record<string, ConfigState>, prefix = ''): Array<[string, string[]]> {
  return Object.entries(states).flatMap(([key, state]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const invokes = state.invoke ? (Array.isArray(state.invoke) ? state.invoke : [state.invoke]).map((invoke) => invoke.src) : [];
    return [[path, invokes] as [string, string[]], ...configInvokes(state.states ?? {}, path)];
  });
}

const machineStates = (callMachine.config as { states: Record<string, ConfigState> }).states;

describe('call graph', () => {
  const graph = buildCallGraph(callMachine, { phiActors: phiActorNames });

  it('lists every state of the machine by its dotted path, parents before children', () => {
    const expected = configPaths(machineStates);
    expect(expected.length).toBeGreaterThan(40);
    expect(graph.states.map((state) => state.path)).toEqual(expected);
    expect(graph.machineId).toBe('call');
    expect(graph.initial).toBe('greeting');
  });

  it('records nesting, initial children and final states', () => {
    const byPath = new Map(graph.states.map((state) => [state.path, state]));
    expect(byPath.get('verified')).toMatchObject({ kind: 'compound', parent: '', initial: 'verified.routing' });
    expect(byPath.get('verified')!.children).toEqual(
      ['routing', 'booking', 'listing', 'cancelling', 'rescheduling', 'anythingElse', 'whatElse'].map((key) => `verified.${key}`),
    );
    expect(byPath.get('verified.booking.askDate')).toMatchObject({ kind: 'atomic', key: 'askDate', parent: 'verified.booking' });
    expect(graph.states.filter((state) => state.kind === 'final').map((state) => state.path).sort()).toEqual(
      ['completed', 'emergency', 'handoff', 'hangup', 'lockout', 'noInput'],
    );
  });

  it('marks exactly the states that invoke a PHI actor, all of them under verified', () => {
    const phiByConfig = configInvokes(machineStates)
      .filter(([, invokes]) => invokes.some((name) => (phiActorNames as readonly string[]).includes(name)))
      .map(([path]) => path);
    expect(phiByConfig).toHaveLength(6);
    expect(graph.states.filter((state) => state.phi).map((state) => state.path)).toEqual(phiByConfig);
    for (const path of phiByConfig) expect(path.startsWith('verified.')).toBe(true);
    expect(graph.states.find((state) => state.path === 'verified.booking.submitting')!.invokes).toEqual(['bookAppointment']);
  });

  it('reads transitions with their events, guards and actor outcomes', () => {
    expect(graph.transitions).toContainEqual({
      source: 'verified.booking.confirming',
      target: 'verified.booking.submitting',
      trigger: 'event',
      event: 'caller.spoke',
      guard: 'heardYes',
    });
    expect(graph.transitions).toContainEqual({
      source: 'verification.checking',
      target: 'verified',
      trigger: 'done',
      event: 'xstate.done.actor.verifyPatient',
      actor: 'verifyPatient',
      guard: 'isVerified',
    });
    expect(graph.transitions).toContainEqual({ source: '', target: 'hangup', trigger: 'event', event: 'caller.hung_up' });
    expect(graph.transitions).toContainEqual({
      source: 'verified.routing',
      target: 'verified.booking',
      trigger: 'always',
      event: '',
      guard: 'intentIs book',
    });
    // Target-less transitions (re-prompts) change no state and are left out.
    expect(graph.transitions.every((transition) => transition.target !== '')).toBe(true);
  });

  it('labels transitions and nests each in the innermost state holding both ends', () => {
    const submit = { source: 'verified.booking.submitting', target: 'verified.anythingElse' };
    expect(transitionContainer(submit)).toBe('verified');
    expect(transitionContainer({ source: 'verified.booking.confirming', target: 'verified.booking.submitting' })).toBe('verified.booking');
    expect(transitionContainer({ source: 'verification.checking', target: 'verified' })).toBe('');
    expect(transitionContainer({ source: '', target: 'hangup' })).toBe('');
    expect(transitionLabel({ ...submit, trigger: 'error', event: 'xstate.error.actor.bookAppointment', actor: 'bookAppointment', guard: 'isSlotTaken' })).toBe(
      'bookAppointment failed [isSlotTaken]',
    );
    expect(transitionLabel({ ...submit, trigger: 'always', event: '' })).toBe('always');
  });

  it('follows a changed machine: an added state and its transitions appear', () => {
    expect(graph.states.some((state) => state.path === 'verified.booking.askInsurance')).toBe(false);
    const variant = buildCallGraph(machineWithInsuranceQuestion(), { phiActors: phiActorNames });
    expect(variant.states.find((state) => state.path === 'verified.booking.askInsurance')).toMatchObject({ kind: 'atomic', parent: 'verified.booking' });
    expect(variant.transitions).toContainEqual({
      source: 'verified.booking.askInsurance',
      target: 'verified.booking.confirming',
      trigger: 'event',
      event: 'caller.spoke',
    });
    expect(variant.transitions).toContainEqual({
      source: 'verified.booking.askReason',
      target: 'verified.booking.askInsurance',
      trigger: 'event',
      event: 'caller.spoke',
    });
  });
});
