// Graph-traversal helpers for the PHI gating proof: the event alphabet, state serialization, and the structural check.
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';
import { phiActorNames } from '../../flows/scheduling/machine.ts';
import type { CallEvent, CallMachineContext } from '../../flows/scheduling/types.ts';
import { appointment, provider, slot as sampleSlot, slotTaken } from '../../flows/scheduling/exploration.ts';
import type { Understanding } from '../../src/understanding/types.ts';

const phi = new Set<string>(phiActorNames);

/** Every PHI invoke declared outside `call.verified`, as readable sentences. */
export function phiGatingViolations(machine: AnyStateMachine): string[] {
  const violations: string[] = [];
  const visit = (node: AnyStateNode) => {
    for (const invoke of node.invoke) {
      const src = typeof invoke.src === 'string' ? invoke.src : ((invoke.src as { id?: string })?.id ?? String(invoke.src));
      const name = typeof invoke.src === 'string' ? src : (invoke as { id: string }).id;
      const actorName = phi.has(src) ? src : phi.has(name) ? name : undefined;
      if (actorName && !node.id.startsWith('call.verified.') && node.id !== 'call.verified') {
        violations.push(`${actorName} invoked in ${node.id}, outside call.verified`);
      }
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return violations;
}

/** PHI actors invoked by the active states of a snapshot. */
export function invokedPhiActors(snapshot: AnyMachineSnapshot): string[] {
  const nodes = (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
  return nodes.flatMap((node) =>
    node.invoke.map((invoke) => (typeof invoke.src === 'string' ? invoke.src : invoke.id)).filter((src) => phi.has(src)),
  );
}

const slot = (index: number) => sampleSlot('2026-12-01', 10 + index);

const spoke = (understanding: Understanding): CallEvent => ({ type: 'caller.spoke', understanding });
const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string, error: unknown) => ({ type: `xstate.error.actor.${id}`, error });

/**
 * The event alphabet of the traversal: caller turns (values, interrupts, silence, hang-up) and every tool outcome
 * (success, empty, failure, conflict), as the real actors would deliver them.
 */
export const traversalEvents = [
  spoke({ intent: 'book', specialty: 'cardiology' }),
  spoke({ intent: 'book' }),
  spoke({ intent: 'list' }),
  spoke({ intent: 'cancel' }),
  spoke({ intent: 'reschedule' }),
  spoke({ intent: 'other' }),
  spoke({ lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 }, phone: '+15550101234' }),
  spoke({ lastName: 'SMITH' }),
  spoke({ specialty: 'cardiology' }),
  spoke({ choice: 0 }),
  spoke({ date: '2026-12-01' }),
  spoke({ reason: 'checkup' }),
  spoke({ yesNo: true }),
  spoke({ yesNo: false }),
  spoke({}),
  { type: 'caller.stayed_silent' },
  { type: 'caller.asked_clinical_question' },
  { type: 'caller.asked_for_repeat' },
  { type: 'caller.asked_for_human' },
  { type: 'caller.reported_emergency' },
  { type: 'caller.hung_up' },
  done('verifyPatient', { outcome: 'verified', patientId: 'patient-1' }),
  done('verifyPatient', { outcome: 'mismatch' }),
  done('verifyPatient', { outcome: 'locked', until: '2026-12-01T10:15' }),
  failed('verifyPatient', new Error('EHR down')),
  done('searchProviders', []),
  done('searchProviders', [provider(1)]),
  done('searchProviders', [provider(1), provider(2)]),
  done('getAvailableSlots', []),
  done('getAvailableSlots', [slot(1), slot(2)]),
  done('getAvailableDates', ['2026-12-02', '2026-12-03']),
  done('listAppointments', []),
  done('listAppointments', [appointment(1)]),
  done('listAppointments', [appointment(1), appointment(2)]),
  done('bookAppointment', appointment(3)),
  failed('bookAppointment', slotTaken),
  done('cancelAppointment', { ...appointment(1), status: 'cancelled' }),
  done('rescheduleAppointment', { cancelled: appointment(1), booked: appointment(3) }),
  failed('rescheduleAppointment', slotTaken),
] as unknown as CallEvent[];

/** A vertex is the state plus what gating and the counters depend on, not every collected value. */
export function serializeForTraversal(snapshot: AnyMachineSnapshot): string {
  const context = snapshot.context as CallMachineContext;
  return JSON.stringify({
    value: snapshot.value,
    verified: context.verifiedPatientId !== undefined,
    failures: context.verificationFailures,
    noInput: context.noInputCount,
    misunderstandings: context.misunderstandings,
    intent: context.intent,
  });
}
