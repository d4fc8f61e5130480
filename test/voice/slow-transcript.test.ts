// A transcript that comes late (a busy recogniser) must not stall the caller's audio or make the agent ask whether anyone is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFrames } from '../../src/audio/frames.ts';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import { createVoiceCall, type VoiceCallEvent } from '../../src/dialog/voice-call.ts';
import { silentLogger } from '../../src/log.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import type { SpeechToText } from '../../src/stt/types.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import { withFinalHook } from '../helpers/final-hook.ts';
import { callerUtterance } from '../stt/caller-audio.ts';
import { openVoiceTestRuntime } from './voice-runtime.ts';

const sampleRate = 16000;
const frameMs = 20;
let runtime: CallRuntime;
const stt = createPocketSphinxStt({ names: ['Smith'] });

beforeAll(async () => {
  runtime = await openVoiceTestRuntime('frontdesk-slow-stt-');
});
afterAll(async () => {
  await runtime.close();
  await stt.close?.();
});

/** The recogniser's final transcripts held back until `release` is called. */
function heldFinals(inner: SpeechToText): { stt: SpeechToText; release: () => void; held: () => boolean } {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const stt = withFinalHook(inner, async () => {
    holding = true;
    await gate;
    holding = false;
  });
  return { stt, release, held: () => holding };
}

/**
 * A call whose recogniser holds its finals, greeted and quiet, then the caller's request followed by `quietSeconds` of
 * silence, sent at a tenth of real time (the recogniser's final, when released, comes while the quiet frames still arrive).
 */
async function callWithHeldFinals(options: { noInputMs?: number; quietSeconds: number }) {
  let frame = 0;
  const held = heldFinals(stt);
  const call = await createVoiceCall({
    session: runtime.openSession(),
    stt: held.stt,
    tts: createEspeakTts(),
    clock: runtime.clock,
    callerSampleRate: sampleRate,
    agentSampleRate: sampleRate,
    nowMs: () => frame * frameMs,
    ...(options.noInputMs === undefined ? {} : { noInputMs: options.noInputMs }),
    logger: silentLogger(),
  });
  const events: VoiceCallEvent[] = [];
  call.subscribe((event) => events.push(event));
  await call.start();
  await call.idle();
  frame = Math.ceil(call.agentPlaybackEndMs() / frameMs);
  const utterance = await callerUtterance('i want to book an appointment', { voice: 'en-us+klatt', sampleRate, paddingMs: 0 });
  const line = new Int16Array(utterance.samples.length + options.quietSeconds * sampleRate);
  line.set(utterance.samples, 0);
  const agentLinesBefore = events.filter((event) => event.type === 'agent').length;
  return {
    call,
    held,
    /** The agent's prompt keys since the caller began. */
    replies: () => events.flatMap((event) => (event.type === 'agent' ? [event.key] : [])).slice(agentLinesBefore),
    /** Sends the line frame by frame; `afterFrame` runs once each frame is handled. */
    async speak(afterFrame: () => void = () => {}) {
      for (const next of toFrames(line, sampleRate, frameMs)) {
        frame += 1;
        await call.pushCallerAudio(next);
        afterFrame();
        await new Promise((resolve) => setTimeout(resolve, frameMs / 10));
      }
    },
  };
}

describe('a late transcript', () => {
  it('keeps handling the caller frames and sends no "are you still there" while the answer waits for it', async () => {
    // The line, then 4 s of quiet: four times the no-input time, all of it while the transcript is held.
    const { call, held, replies, speak } = await callWithHeldFinals({ noInputMs: 1000, quietSeconds: 4 });
    let handledWhileHeld = 0;
    // Each frame is handled (the promise settles) even while the transcript is held.
    await speak(() => {
      if (held.held()) handledWhileHeld += 1;
    });
    expect(handledWhileHeld).toBeGreaterThan(100);
    expect(replies()).toEqual([]);
    held.release();
    await call.idle();
    // The answer to what the caller said, and nothing about silence.
    expect(replies()).toEqual(['verificationIntro', 'askLastName']);
    call.hangUp();
  }, 60_000);

  it('that never comes is given up after the transcript wait: the caller is asked again, not left in silence', async () => {
    // The line, then 7 s of quiet: more than the 6 s transcript wait, less than the 8 s no-input window.
    const { call, held, replies, speak } = await callWithHeldFinals({ quietSeconds: 7 });
    await speak();
    await call.idle();
    expect(replies()).toEqual(['notUnderstood', 'greeting']);
    expect(held.held()).toBe(true);
    held.release();
    call.hangUp();
  }, 60_000);
});
