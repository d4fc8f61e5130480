// A caller cannot learn whether a last name is on file: five calls claiming an unknown name hear exactly what five calls claiming a known one hear.
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/dialog/session.ts';
import { openVoiceTestRuntime } from '../voice/voice-runtime.ts';

/** Five calls, each one wrong claim with the same last name, birth date and phone; what each call heard and did. */
async function fiveCalls(lastName: string): Promise<string[][]> {
  const runtime = await openVoiceTestRuntime('frontdesk-oracle-');
  try {
    const calls: string[][] = [];
    for (let call = 0; call < 5; call += 1) {
      const session = runtime.openSession();
      const heard: string[] = [];
      session.subscribe((event: SessionEvent) => {
        if (event.type === 'agent') heard.push(`agent: ${event.text}`);
        else if (event.type === 'tool') heard.push(`tool: ${event.name} ${event.ok}`);
        else if (event.type === 'state') heard.push(`state: ${event.value}`);
        else if (event.type === 'end') heard.push(`end: ${event.reason}`);
      });
      await session.start();
      for (const text of ['I want to book an appointment', lastName, 'February 2nd 1960', '555 010 0000']) await session.hear({ text });
      session.hangUp();
      await session.ended;
      calls.push(heard);
    }
    return calls;
  } finally {
    await runtime.close();
  }
}

describe('no surname oracle', () => {
  it('known and unknown last names give identical behaviour over five calls', async () => {
    const known = await fiveCalls('Garcia');
    const unknown = await fiveCalls('Zorblatt');
    expect(unknown).toEqual(known);
    // Two failures, then the claim is locked for the third to fifth call (each a lockout line and a transfer).
    expect(known.map((call) => call.at(-1))).toEqual(['end: hangup', 'end: hangup', 'end: lockout', 'end: lockout', 'end: lockout']);
  });
});
