// The loop guard of the scheduling flow: without the guard that offers staff the graph walk fails, and a caller insisting on a full day hears the nearest opening, then staff.
import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { schedulingFlow } from '../../flows/scheduling/index.ts';
import { exploreFlow, questionsHeard } from '../../src/flow/explore.ts';
import type { Flow } from '../../src/flow/types.ts';

const spoke = (understanding: Record<string, unknown>): EventObject => ({ type: 'caller.spoke', understanding }) as EventObject;
const worlds = schedulingFlow.exploration.worlds;

describe('loop guard', () => {
  // The full proof (every sequence of caller turns in the flow's three imagined clinics) runs once, through
  // `frontdesk paths`, in test/flow/paths-command.test.ts; these check what it guards against.
  it('fails when the guard that offers staff is removed: the fourth time, the caller is asked nothing', () => {
    const unguarded: Flow = {
      ...schedulingFlow,
      machine: schedulingFlow.machine.provide({ guards: { questionExhausted: () => false, questionExhaustedAgain: () => false } }),
      exploration: { ...schedulingFlow.exploration, callerEvents: [spoke({})] },
    };
    const walk = exploreFlow(unguarded, { worlds: worlds.slice(0, 1) });
    expect(walk.loopViolations[0]).toMatch(/^no question in reply, via .*caller\.spoke/);
  });

  it('offers the nearest opening when a caller insists on a full day, then staff', () => {
    const heard = questionsHeard(
      schedulingFlow,
      [
        spoke({ intent: 'book', specialty: 'cardiology' }),
        spoke({ lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 }, phone: '+15550101234' }),
        ...Array.from({ length: 4 }, () => spoke({ date: '2026-12-05' })),
      ],
      worlds[1]!,
    );
    expect(heard.slice(-4)).toEqual(['noSlotsOnDate', 'noSlotsOnDate', 'nearestSlot', 'offerHuman']);
  });
});
