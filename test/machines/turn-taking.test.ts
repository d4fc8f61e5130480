// The turn-taking machine's timing rules on a simulated clock: barge-in, blips, early endpointing, no-input, transcript wait, keypad entries.
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { turnTakingMachine, type TurnTakingEmitted, type TurnTakingEvent } from '../../machines/turn-taking.ts';

type WithoutTime<E> = E extends unknown ? Omit<E, 'atMs'> : never;

/** A call's turn-taking on a simulated timeline that advances in 20 ms frames, as a host does. */
function simulatedCall(machine = turnTakingMachine) {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: {}, clock });
  const emitted: Array<TurnTakingEmitted & { atMs: number }> = [];
  actor.on('*', (event) => emitted.push({ ...event, atMs: clock.now() }));
  actor.start();
  let lastSpeechAudioMs = 0;
  const send = (event: WithoutTime<TurnTakingEvent>) => actor.send({ ...event, atMs: clock.now() } as TurnTakingEvent);
  return {
    actor,
    clock,
    emitted,
    send,
    /** Moves the timeline to `ms`, one 20 ms frame at a time; `speaking` frames carry caller speech. */
    frames(untilMs: number, speaking: boolean) {
      while (clock.now() < untilMs) {
        clock.set(clock.now() + 20);
        if (speaking) lastSpeechAudioMs = clock.now();
        send({ type: 'speech.scored', lastSpeechAtMs: lastSpeechAudioMs, lastSpeechAudioMs });
        clock.set(clock.now());
      }
    },
    of: <T extends TurnTakingEmitted['type']>(type: T) => emitted.filter((event) => event.type === type),
  };
}

describe('turn-taking: barge-in', () => {
  it('interrupts the agent within one frame of the caller having spoken 200 ms over it', () => {
    const call = simulatedCall();
    call.send({ type: 'call.started' });
    call.send({ type: 'agent.started' });
    call.frames(1000, false);
    call.frames(1120, true);
    // The VAD confirms the speech 120 ms after it began at 1000 ms.
    call.send({ type: 'speech.started', turnId: 1, startedAtMs: 1000 });
    call.frames(1180, true);
    expect(call.of('barge-in')).toEqual([]);
    call.frames(1400, true);
    const [bargeIn] = call.of('barge-in');
    expect(bargeIn).toMatchObject({ cause: 'speech' });
    expect(bargeIn!.atMs - 1200).toBeLessThanOrEqual(20);
    expect(bargeIn!.atMs).toBeGreaterThanOrEqual(1200);
    expect(call.actor.getSnapshot().matches({ live: { caller: 'speaking' } })).toBe(true);
  });

  it('ignores a blip over the agent: the turn is dropped, the agent goes on', () => {
    const call = simulatedCall();
    call.send({ type: 'call.started' });
    call.send({ type: 'agent.started' });
    call.frames(1000, false);
    call.frames(1140, true);
    call.send({ type: 'speech.started', turnId: 1, startedAtMs: 1000 });
    call.frames(1940, false);
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 1140 });
    expect(call.of('barge-in')).toEqual([]);
    expect(call.of('stt.discard')).toEqual([{ type: 'stt.discard', turnId: 1, atMs: 1940 }]);
    expect(call.of('turn.ended')).toEqual([]);
  });
});

describe('turn-taking: a reply that starts while the caller is still talking', () => {
  it('is interrupted once the caller has talked 200 ms over it', () => {
    const call = openTurn();
    call.send({ type: 'agent.started' });
    call.frames(2180, true);
    expect(call.of('barge-in')).toEqual([]);
    call.frames(2300, true);
    const [bargeIn] = call.of('barge-in');
    expect(bargeIn).toMatchObject({ cause: 'speech' });
    expect(bargeIn!.atMs - 2200).toBeLessThanOrEqual(20);
    expect(bargeIn!.atMs).toBeGreaterThanOrEqual(2200);
  });

  it('goes on when the caller has stopped talking and their turn is only waiting for its silence window', () => {
    const call = openTurn();
    call.send({ type: 'agent.started' });
    call.frames(2700, false);
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
    call.frames(4000, false);
    expect(call.of('barge-in')).toEqual([]);
    expect(call.actor.getSnapshot().matches({ live: { agent: 'speaking' } })).toBe(true);
  });
});

/** A call whose caller has been speaking since 1000 ms (turn 1 open), frames up to 2000 ms. */
function openTurn() {
  const call = simulatedCall();
  call.send({ type: 'call.started' });
  call.frames(1000, false);
  call.frames(1200, true);
  call.send({ type: 'speech.started', turnId: 1, startedAtMs: 1000 });
  call.frames(2000, true);
  return call;
}

describe('turn-taking: endpointing', () => {
  it('ends the turn once a complete value has held still and the caller has paused, well before the silence window', () => {
    const call = openTurn();
    call.send({ type: 'transcript.partial', turnId: 1, text: 'five five five zero one zero one two three four', complete: true });
    call.frames(2200, false);
    expect(call.of('turn.ended')).toEqual([]);
    call.frames(2400, false);
    // Stable for 300 ms (2300), paused 250 ms since the last speech at 2000: ends at 2300.
    expect(call.of('turn.ended')).toEqual([{ type: 'turn.ended', turnId: 1, reason: 'complete-value', speechEndedAtMs: 2000, atMs: 2300 }]);
    expect(call.actor.getSnapshot().context.answersPending).toBe(1);
  });

  it('waits while the caller is still talking after a complete value, which can still grow', () => {
    const call = openTurn();
    call.send({ type: 'transcript.partial', turnId: 1, text: 'nineteen eighty', complete: true });
    call.frames(2600, true);
    expect(call.of('turn.ended')).toEqual([]);
    call.send({ type: 'transcript.partial', turnId: 1, text: 'nineteen eighty five and', complete: false });
    call.frames(3000, false);
    expect(call.of('turn.ended')).toEqual([]);
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2600 });
    expect(call.of('turn.ended')).toMatchObject([{ reason: 'silence', speechEndedAtMs: 2600 }]);
  });
});

/** Turn 1 whose partial holds a value only begun, when the detector's silence window closes on it (speech ended at 2000). */
function pausedMidValue(text: string) {
  const call = openTurn();
  call.send({ type: 'transcript.partial', turnId: 1, text, complete: false, unfinished: true });
  call.frames(2800, false);
  call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
  return call;
}

describe('turn-taking: a pause mid-value', () => {
  it('keeps the turn open through a pause after the first chunks of a number, and the rest is the same turn', () => {
    const call = pausedMidValue('five five five zero one zero');
    call.frames(3400, false);
    expect(call.of('turn.ended')).toEqual([]);
    call.frames(3600, true);
    call.send({ type: 'speech.started', turnId: 2, startedAtMs: 3400 });
    expect(call.of('turn.resumed')).toMatchObject([{ turnId: 1, speechTurnId: 2 }]);
    expect(call.of('stt.open')).toHaveLength(1);
    call.send({ type: 'transcript.partial', turnId: 1, text: 'five five five zero one zero nine zero one two', complete: false, unfinished: false });
    call.frames(4400, true);
    call.send({ type: 'speech.ended', turnId: 2, endedAtMs: 4400 });
    expect(call.of('turn.ended')).toMatchObject([{ turnId: 1, reason: 'silence', speechEndedAtMs: 4400 }]);
    expect(call.actor.getSnapshot().context.answersPending).toBe(1);
  });

  it('ends the turn once the pause has gone on the mid-value wait past the silence window', () => {
    const call = pausedMidValue('november second');
    call.frames(3980, false);
    expect(call.of('turn.ended')).toEqual([]);
    call.frames(4100, false);
    expect(call.of('turn.ended')).toEqual([{ type: 'turn.ended', turnId: 1, reason: 'silence', speechEndedAtMs: 2000, atMs: 4000 }]);
  });

  it('ends the paused turn as soon as a lagging partial shows the value whole', () => {
    const call = pausedMidValue('five five five zero one zero');
    call.frames(3000, false);
    call.send({ type: 'transcript.partial', turnId: 1, text: 'five five five zero one zero one two three four', complete: true, unfinished: false });
    expect(call.of('turn.ended')).toEqual([{ type: 'turn.ended', turnId: 1, reason: 'silence', speechEndedAtMs: 2000, atMs: 3000 }]);
  });

  it('ends a turn with nothing begun on the silence window, as before', () => {
    const call = openTurn();
    call.send({ type: 'transcript.partial', turnId: 1, text: 'smith', complete: false, unfinished: false });
    call.frames(2800, false);
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
    expect(call.of('turn.ended')).toMatchObject([{ turnId: 1, reason: 'silence', atMs: 2800 }]);
  });
});

describe('turn-taking: no input', () => {
  it('hears silence 8 s after the agent finished, counted from when its audio ended', () => {
    const call = simulatedCall();
    call.send({ type: 'call.started' });
    call.send({ type: 'agent.started' });
    call.clock.set(3000);
    call.send({ type: 'agent.finished', endedAtMs: 2500 });
    call.clock.set(10_480);
    expect(call.of('no-input')).toEqual([]);
    call.clock.set(10_500);
    expect(call.of('no-input')).toEqual([{ type: 'no-input', atMs: 10_500 }]);
  });

  it('does not count the time an answer is pending as the caller not responding', () => {
    const call = openTurn();
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
    expect(call.actor.getSnapshot().matches({ live: { answer: 'pending' } })).toBe(true);
    // A slow transcript and reply: 20 s pass with the answer pending.
    call.clock.set(22_000);
    expect(call.of('no-input')).toEqual([]);
    call.send({ type: 'reply.settled' });
    call.clock.set(29_980);
    expect(call.of('no-input')).toEqual([]);
    call.clock.set(30_000);
    expect(call.of('no-input')).toHaveLength(1);
  });
});

describe('turn-taking: transcript wait', () => {
  it('gives up on a transcript that has not come 6 s after its answer began waiting for it', () => {
    const call = openTurn();
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
    call.clock.set(2500);
    call.send({ type: 'transcript.awaited', turnId: 1 });
    call.clock.set(8480);
    expect(call.of('transcript.overdue')).toEqual([]);
    call.clock.set(8500);
    expect(call.of('transcript.overdue')).toEqual([{ type: 'transcript.overdue', turnId: 1, atMs: 8500 }]);
    // The host answers the turn as unheard; the caller hears that reply, then the no-input window counts again.
    call.send({ type: 'transcript.received', turnId: 1 });
    call.send({ type: 'reply.settled' });
    call.clock.set(16_500);
    expect(call.of('no-input')).toHaveLength(1);
  });

  it('does not give up on a transcript that came in time', () => {
    const call = openTurn();
    call.send({ type: 'speech.ended', turnId: 1, endedAtMs: 2000 });
    call.send({ type: 'transcript.awaited', turnId: 1 });
    call.clock.set(7000);
    call.send({ type: 'transcript.received', turnId: 1 });
    call.clock.set(20_000);
    expect(call.of('transcript.overdue')).toEqual([]);
  });
});

describe('turn-taking: keypad', () => {
  it("takes the digits as one entry at '#' at once", () => {
    const call = simulatedCall();
    call.send({ type: 'call.started' });
    call.clock.set(1000);
    call.send({ type: 'keypad.pressed', digits: '1' });
    call.clock.set(1500);
    call.send({ type: 'keypad.pressed', digits: '9' });
    call.clock.set(1900);
    call.send({ type: 'keypad.pressed', digits: '#' });
    expect(call.of('keypad.entered')).toEqual([{ type: 'keypad.entered', digits: '19', atMs: 1900 }]);
    call.clock.set(10_000);
    expect(call.of('keypad.entered')).toHaveLength(1);
  });

  it('takes the digits as one entry 2 s after the last key', () => {
    const call = simulatedCall();
    call.send({ type: 'call.started' });
    call.clock.set(1000);
    call.send({ type: 'keypad.pressed', digits: '4' });
    call.clock.set(2500);
    call.send({ type: 'keypad.pressed', digits: '2' });
    call.clock.set(4480);
    expect(call.of('keypad.entered')).toEqual([]);
    call.clock.set(4500);
    expect(call.of('keypad.entered')).toEqual([{ type: 'keypad.entered', digits: '42', atMs: 4500 }]);
    // A key over the agent's voice interrupts it.
    expect(call.of('barge-in')).toMatchObject([{ cause: 'keypad' }, { cause: 'keypad' }]);
  });
});
