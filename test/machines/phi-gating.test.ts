// Proves structurally that no PHI actor runs before a successful verification, over every shortest path of the call graph.
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode, EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { callMachine, callMachineSetup, phiActorNames } from '../../flows/scheduling/machine.ts';
import { phiGatingViolations, traversalEvents, serializeForTraversal, invokedPhiActors } from './phi-gating.ts';

describe('PHI gating', () => {
  it('declares every PHI actor only in states under verified', () => {
    expect(phiGatingViolations(callMachine)).toEqual([]);
  });

  it('reaches no PHI actor before a successful verify_patient result, on every shortest path', () => {
    const walk = walkShortestPaths(callMachine);
    // The number of distinct (state, verified, counters) vertices the graph reaches; a change here means the graph changed.
    expect(walk.paths).toBeGreaterThan(150);
    expect(walk.phiSteps).toBeGreaterThan(0);
    expect(walk.violations).toEqual([]);
    console.info(`phi-gating: ${walk.paths} shortest paths, ${walk.phiSteps} steps with a PHI actor running`);
  });

  it('covers paths through failures, clinical questions, hand-off and every PHI actor', () => {
    const paths = getShortestPaths(callMachine, {
      input: { sessionId: 'graph' },
      events: traversalEvents,
      serializeState: serializeForTraversal,
    });
    const finals = new Set(paths.map((path) => path.state.value).filter((value) => typeof value === 'string'));
    for (const end of ['completed', 'handoff', 'lockout', 'emergency', 'hangup', 'noInput']) expect(finals).toContain(end);
    const reached = new Set(paths.flatMap((path) => invokedPhiActors(path.state)));
    for (const name of phiActorNames) expect(reached).toContain(name);
    expect(paths.some((path) => path.state.context.verificationFailures === 2 && invokedPhiActors(path.state).length > 0)).toBe(true);
  });

  it('fails when someone moves a PHI actor outside verified', () => {
    const mutated = moveInvoke(callMachine, 'call.greeting', 'listAppointments');
    expect(phiGatingViolations(mutated)).toEqual(['listAppointments invoked in call.greeting, outside call.verified']);
    // The path walk catches it too, on the very first step of every path.
    const walk = walkShortestPaths(mutated);
    expect(walk.violations.length).toBeGreaterThan(0);
    expect(walk.violations[0]).toMatch(/^listAppointments before verification/);
  });

  it('refuses at run time to build a PHI actor input without a verified patient', () => {
    const node = findNode(callMachine.root, 'call.verified.listing');
    const invoke = node.invoke[0]!;
    expect(() => (invoke.input as (args: unknown) => unknown)({ context: { sessionId: 's' }, event: { type: 'x' }, self: undefined })).toThrow(
      /no verified patient/,
    );
  });

  it('runs no PHI actor on any simple path through the unverified part of the call', () => {
    // Every loop-free route from the greeting until verification succeeds or the call ends. Simple paths grow
    // exponentially with the vertex count, so the alphabet is the one the unverified region reacts to and a vertex is
    // (state, failures, verified): silence counters would multiply the paths past what a test can walk.
    const unverifiedAlphabet = traversalEvents.filter((event) => {
      if (event.type !== 'caller.spoke') return !event.type.startsWith('xstate.') || event.type.endsWith('.verifyPatient');
      const understanding = event.understanding;
      return Object.keys(understanding).length === 0 || understanding.lastName !== undefined || ['book', 'list', 'other'].includes(understanding.intent ?? '');
    });
    const paths = getSimplePaths(callMachine, {
      input: { sessionId: 'graph' },
      events: unverifiedAlphabet,
      serializeState: (snapshot) =>
        JSON.stringify({ value: snapshot.value, failures: snapshot.context.verificationFailures, verified: snapshot.context.verifiedPatientId !== undefined }),
      stopWhen: (snapshot) => snapshot.status !== 'active' || snapshot.context.verifiedPatientId !== undefined,
    });
    expect(paths.length).toBeGreaterThan(150);
    for (const path of paths) {
      for (const step of path.steps) {
        if (step.state.context.verifiedPatientId === undefined) expect(invokedPhiActors(step.state)).toEqual([]);
      }
    }
    console.info(`phi-gating: ${paths.length} simple paths through the unverified region, none runs a PHI actor`);
  });
});

/** Walks every shortest path and lists each step where a PHI actor runs before a successful verification. */
function walkShortestPaths(machine: AnyStateMachine): { paths: number; phiSteps: number; violations: string[] } {
  const paths = getShortestPaths(machine, {
    input: { sessionId: 'graph' },
    events: traversalEvents,
    serializeState: serializeForTraversal,
  });
  let phiSteps = 0;
  const violations: string[] = [];
  for (const path of paths) {
    let verified = false;
    for (const step of path.steps) {
      const event = step.event as EventObject & { output?: { outcome?: string } };
      if (event.type === 'xstate.done.actor.verifyPatient' && event.output?.outcome === 'verified') verified = true;
      const running = invokedPhiActors(step.state);
      if (running.length === 0) continue;
      phiSteps += 1;
      if (!verified || step.state.context.verifiedPatientId === undefined) {
        violations.push(`${running.join(',')} before verification via ${path.steps.map((s) => s.event.type).join(' → ')}`);
      }
    }
  }
  return { paths: paths.length, phiSteps, violations };
}

function findNode(node: AnyStateNode, id: string): AnyStateNode {
  if (node.id === id) return node;
  for (const child of Object.values(node.states) as AnyStateNode[]) {
    const found = findNode(child, id);
    if (found.id === id) return found;
  }
  return node;
}

/** A copy of the machine with `src` also invoked from the state `id`: what a careless edit would do. */
function moveInvoke(machine: AnyStateMachine, id: string, src: string): AnyStateMachine {
  const config = copyKeepingFunctions(machine.config) as { states: Record<string, Record<string, unknown>> };
  const stateKey = id.split('.').at(-1)!;
  const state = config.states[stateKey]!;
  state.invoke = { id: `moved-${src}`, src, input: () => ({}) };
  return callMachineSetup.createMachine(config as never) as unknown as AnyStateMachine;
}

function copyKeepingFunctions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyKeepingFunctions);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, copyKeepingFunctions(child)]));
  }
  return value;
}
