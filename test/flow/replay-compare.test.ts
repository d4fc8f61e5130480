// How replay compares turns: words count unless the call was reworded by an LLM; a log cut mid-call says nothing about what came after it.
import { describe, expect, it } from 'vitest';
import { compareTurns, type Turn } from '../../src/flow/replay.ts';

const recorded: Turn[] = [
  { index: 0, observations: [{ kind: 'agent', key: 'greeting', text: 'Hello, how can I help?' }, { kind: 'state', value: 'greeting' }] },
  {
    index: 1,
    caller: { type: 'caller', text: 'book', event: { type: 'caller.spoke' } },
    observations: [{ kind: 'agent', key: 'askLastName', text: 'What is your last name?' }, { kind: 'state', value: 'verification.collecting' }],
  },
];
const reworded: Turn[] = [recorded[0]!, { ...recorded[1]!, observations: [{ kind: 'agent', key: 'askLastName', text: 'Your surname, please?' }, { kind: 'state', value: 'verification.collecting' }] }];

describe('replay comparison', () => {
  it('finds reworded lines, unless the recording was phrased by an LLM (then prompt keys are compared)', () => {
    expect(compareTurns(recorded, reworded, { keysOnly: false, recordingComplete: true }).difference).toMatchObject({
      turn: 1,
      same: [],
      recorded: { kind: 'agent', text: 'What is your last name?' },
      replayed: { kind: 'agent', text: 'Your surname, please?' },
    });
    expect(compareTurns(recorded, reworded, { keysOnly: true, recordingComplete: true }).difference).toBeUndefined();
  });

  it('reports a replay that goes on where a complete recording stopped, but not where a cut one did', () => {
    const longer: Turn[] = [recorded[0]!, { ...recorded[1]!, observations: [...recorded[1]!.observations, { kind: 'end', reason: 'completed' }] }];
    expect(compareTurns(recorded, longer, { keysOnly: false, recordingComplete: true }).difference).toMatchObject({ turn: 1, replayed: { kind: 'end' } });
    expect(compareTurns(recorded, longer, { keysOnly: false, recordingComplete: false }).difference).toBeUndefined();
  });
});
