// Proves over the scheduling flow's graph that no sequence of caller turns (identical ones included) makes one question heard more than 3 times in a row, and that every turn that leaves the caller waiting asks something.
import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { schedulingFlow } from '../../flows/scheduling/index.ts';
import { exploreFlow, maxAsksInARow, questionsHeard } from '../../src/flow/explore.ts';
import type { Flow } from '../../src/flow/types.ts';

const spoke = (understanding: Record<string, unknown>): EventObject => ({ type: 'caller.spoke', understanding }) as EventObject;
const worlds = schedulingFlow.exploration.worlds;

describe('loop guard', () => {
  for (const world of worlds) {
    it(`never asks one question more than 3 times in a row, and always asks the caller something (${world.name})`, () => {
      const walk = exploreFlow(schedulingFlow, { worlds: [world] });
      console.info(`loop-guard (${world.name}): ${walk.vertices} waiting points, ${walk.turns} caller turns tried, longest run ${walk.longestRun}`);
      expect(walk.loopViolations.slice(0, 5)).toEqual([]);
      expect(walk.gatingViolations).toEqual([]);
      expect(walk.vertices).toBeGreaterThan(100);
      // The bound is reached (the third time changes strategy), never passed.
      expect(walk.longestRun).toBe(maxAsksInARow);
    });
  }

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
