// Proves over the call graph that no sequence of caller turns (identical ones included) makes one question heard more than 3 times in a row, and that every turn gets a reply.
import { describe, expect, it } from 'vitest';
import { callMachine } from '../../flows/scheduling/machine.ts';
import type { CallEvent } from '../../flows/scheduling/types.ts';
import type { Understanding } from '../../src/understanding/types.ts';
import { maxAsksInARow, questionsHeard, walkCallerTurns, worlds } from './loop-guard.ts';
import { traversalEvents } from './phi-gating.ts';

const spoke = (understanding: Understanding, confidence?: number): CallEvent =>
  ({ type: 'caller.spoke', understanding, ...(confidence === undefined ? {} : { confidence }) }) as CallEvent;

/** Every caller turn of the gating alphabet, plus the turns repair, triage, full days and confidence react to. */
const callerTurns: CallEvent[] = [
  ...traversalEvents.filter((event) => event.type.startsWith('caller.') && event.type !== 'caller.hung_up' && event.type !== 'caller.reported_emergency'),
  spoke({ date: '2026-12-05' }),
  spoke({ time: '13:00' }),
  spoke({ yesNo: true }, 0.2),
  spoke({ phone: '+15550101234', dateOfBirth: { year: 1985, month: 1, day: 15 } }, 0.2),
  spoke({ phone: '+155501012345' }),
  spoke({ malformed: ['phone'] }),
  spoke({ dateOfBirth: { year: 2031, month: 2, day: 30 } }),
  spoke({ symptom: true, reason: 'chest pain' }),
  { type: 'caller.asked_for_human', confidence: 0.2 } as CallEvent,
];

describe('loop guard', () => {
  for (const [index, name] of ['everything works', 'full days and conflicts', 'nothing found, failures'].entries()) {
    it(`never asks one question more than 3 times in a row, and always asks the caller something (${name})`, () => {
      const walk = walkCallerTurns(callMachine, callerTurns, worlds[index]!);
      console.info(`loop-guard (${name}): ${walk.vertices} waiting points, ${walk.edges} caller turns tried, longest run ${walk.longestRun}`);
      expect(walk.violations.slice(0, 5)).toEqual([]);
      expect(walk.vertices).toBeGreaterThan(100);
      // The bound is reached (the third time changes strategy), never passed.
      expect(walk.longestRun).toBe(maxAsksInARow);
    });
  }

  it('fails when the guard that offers staff is removed: the fourth time, the caller is asked nothing', () => {
    const unguarded = callMachine.provide({ guards: { questionExhausted: () => false, questionExhaustedAgain: () => false } });
    const walk = walkCallerTurns(unguarded, [spoke({})], worlds[0]!);
    expect(walk.violations[0]).toMatch(/greeting.*no question/);
  });

  it('offers the nearest opening when a caller insists on a full day, then staff', () => {
    const heard = questionsHeard(
      callMachine,
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
