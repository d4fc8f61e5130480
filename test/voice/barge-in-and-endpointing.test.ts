// Barge-in stops the agent's voice within one frame of the VAD confirming caller speech; slot-aware endpointing ends a turn before the silence window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFrames } from '../../src/audio/frames.ts';
import type { PcmFrame } from '../../src/audio/types.ts';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import { createVoiceCall, type VoiceCallEvent, type VoiceCallOptions } from '../../src/dialog/voice-call.ts';
import { silentLogger } from '../../src/log.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import { prepareLauncher } from '../../src/tts/process-launcher.ts';
import type { TextToSpeech } from '../../src/tts/types.ts';
import { callerUtterance } from '../stt/caller-audio.ts';
import { openVoiceTestRuntime } from './voice-runtime.ts';

const sampleRate = 16000;
const frameMs = 20;
let runtime: CallRuntime;
const stt = createPocketSphinxStt({ names: ['Smith'] });

beforeAll(async () => {
  // The timeline here runs as fast as frames are processed: the espeak-ng launcher is booted first, as a server boots it at start.
  await prepareLauncher();
  runtime = await openVoiceTestRuntime('frontdesk-voice-');
});
afterAll(async () => {
  await runtime.close();
  await stt.close?.();
});

/** espeak-ng paced like a streaming cloud voice (one chunk per 20 ms), recording when its abort signal fired. */
function pacedEspeak(log: { abortedAtFrame?: number; framesYieldedAfterAbort: number }, frameCounter: () => number): TextToSpeech {
  const inner = createEspeakTts();
  return {
    name: 'paced-espeak',
    sampleRate: inner.sampleRate,
    async *synthesize(text, options) {
      options?.abortSignal?.addEventListener('abort', () => {
        log.abortedAtFrame ??= frameCounter();
      });
      for await (const frame of inner.synthesize(text, options)) {
        if (options?.abortSignal?.aborted) {
          log.framesYieldedAfterAbort += 1;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield frame;
      }
    },
  };
}

async function speech(text: string, leadMs: number, tailMs: number): Promise<PcmFrame[]> {
  const utterance = await callerUtterance(text, { voice: 'en-us+klatt', sampleRate, paddingMs: 0 });
  const samples = new Int16Array(Math.round(((leadMs + tailMs) / 1000) * sampleRate) + utterance.samples.length);
  samples.set(utterance.samples, Math.round((leadMs / 1000) * sampleRate));
  return toFrames(samples, sampleRate, frameMs);
}

describe('barge-in', () => {
  it('cancels synthesis and clears playback in the frame where caller speech is confirmed', async () => {
    let frame = 0;
    const log: { abortedAtFrame?: number; framesYieldedAfterAbort: number } = { framesYieldedAfterAbort: 0 };
    const events: Array<VoiceCallEvent & { frame?: unknown; index: number }> = [];
    const call = await createVoiceCall({
      session: runtime.openSession(),
      stt,
      tts: pacedEspeak(log, () => frame),
      clock: runtime.clock,
      callerSampleRate: sampleRate,
      agentSampleRate: sampleRate,
      nowMs: () => frame * frameMs,
      logger: silentLogger(),
    });
    call.subscribe((event) => events.push({ ...event, index: frame }));
    await call.start();
    const caller = await speech('I want to book an appointment', 1000, 1500);
    // This timeline runs as fast as frames are processed, so the caller waits for the greeting to be playing (its first
    // audio comes from an espeak-ng process, real milliseconds away), then starts talking over it one second in.
    while (!events.some((event) => event.type === 'agent-audio')) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const next of caller) {
      frame += 1;
      await call.pushCallerAudio(next);
    }
    await call.idle();
    const speechAt = events.find((event) => event.type === 'caller-speech');
    const bargeIn = events.find((event) => event.type === 'barge-in');
    expect(speechAt).toBeDefined();
    expect(bargeIn).toBeDefined();
    // Confirmed speech (200 ms of it) interrupts in the same frame, and the synthesis was aborted right then.
    const confirmFrame = Math.ceil(((speechAt as { atMs: number }).atMs + 200) / frameMs);
    expect(bargeIn!.index - confirmFrame).toBeLessThanOrEqual(1);
    expect(log.abortedAtFrame).toBe(bargeIn!.index);
    const interruption = (bargeIn as Extract<VoiceCallEvent, { type: 'barge-in' }>).interruption;
    expect(interruption.heardMs).toBeGreaterThan(900);
    expect(interruption.heardMs).toBeLessThan(2000);
    expect(interruption.sentencesHeard).toBeLessThan(interruption.sentencesTotal);
    // No greeting audio is placed after the cut; the caller's words were still understood.
    const greetingAfterCut = events.filter((event) => event.type === 'agent-audio' && event.index > bargeIn!.index && event.atMs < interruption.atMs + 100);
    expect(greetingAfterCut).toEqual([]);
    expect(events.some((event) => event.type === 'agent' && /verify your identity/.test(event.text))).toBe(true);
    call.hangUp();
  }, 60_000);

  it('does not stop the agent for a short blip', async () => {
    let frame = 0;
    const call = await createVoiceCall({
      session: runtime.openSession(),
      stt,
      tts: createEspeakTts(),
      clock: runtime.clock,
      callerSampleRate: sampleRate,
      agentSampleRate: sampleRate,
      nowMs: () => frame * frameMs,
      logger: silentLogger(),
    });
    const events: VoiceCallEvent[] = [];
    call.subscribe((event) => events.push(event));
    await call.start();
    const blip = new Int16Array(Math.round(0.12 * sampleRate)).map((_, index) => Math.round(8000 * Math.sin((2 * Math.PI * 180 * index) / sampleRate) * Math.sin((Math.PI * index) / (0.12 * sampleRate))));
    const samples = new Int16Array(sampleRate * 3);
    samples.set(blip, sampleRate);
    for (const next of toFrames(samples, sampleRate, frameMs)) {
      frame += 1;
      await call.pushCallerAudio(next);
    }
    expect(events.filter((event) => event.type === 'barge-in')).toEqual([]);
    expect(events.filter((event) => event.type === 'agent')).toHaveLength(1);
    call.hangUp();
  }, 60_000);
});

describe('slot-aware endpointing', () => {
  /** A caller asked for their phone number answers with `caller` (20 ms frames); what the call did with it. */
  async function phoneTurn(caller: PcmFrame[], options: Partial<Pick<VoiceCallOptions, 'slotAwareEndpointing' | 'midValuePauseMs'>> = {}) {
    let frame = 0;
    const session = runtime.openSession();
    const call = await createVoiceCall({
      session,
      stt,
      tts: createEspeakTts(),
      clock: runtime.clock,
      callerSampleRate: sampleRate,
      agentSampleRate: sampleRate,
      nowMs: () => frame * frameMs,
      ...options,
      logger: silentLogger(),
    });
    const events: VoiceCallEvent[] = [];
    call.subscribe((event) => events.push(event));
    await call.start();
    await session.hear({ text: 'I want to book' });
    await session.hear({ text: 'Smith' });
    await session.hear({ text: 'January 15 1985' });
    expect(session.expectation().slots[0]).toBe('phone');
    await call.idle();
    frame = Math.ceil(call.agentPlaybackEndMs() / frameMs);
    for (const next of caller) {
      frame += 1;
      await call.pushCallerAudio(next);
      // As `frontdesk call` does: a tenth of real time while listening, so recognition keeps up as on a live line.
      if (call.isListening()) await new Promise((resolve) => setTimeout(resolve, frameMs / 10));
      await call.idle();
    }
    const latency = events.find((event) => event.type === 'latency');
    call.hangUp();
    return {
      latency: latency?.type === 'latency' ? latency.latency : undefined,
      agentLines: events.flatMap((event) => (event.type === 'agent' ? [event.text] : [])),
      verified: events.some((event) => event.type === 'tool' && event.name === 'verify_patient' && event.ok),
    };
  }

  /** The phone number said in two chunks a second apart, as a caller reads it off a card. */
  const chunkedPhone = async () => [...(await speech('five five five zero one zero', 300, 1000)), ...(await speech('one two three four', 0, 2500))];

  it('hears a phone number said in two chunks, a second apart, as one answer', async () => {
    const waited = await phoneTurn(await chunkedPhone());
    expect(waited.verified).toBe(true);
    expect(waited.agentLines.join(' ')).not.toMatch(/whole phone number/);
    // Without the wait the first chunk is answered alone: six digits are no phone number.
    const cut = await phoneTurn(await chunkedPhone(), { midValuePauseMs: 0 });
    expect(cut.verified).toBe(false);
  }, 60_000);

  it('ends the turn on a complete phone number before the 800 ms silence window', async () => {
    const wholeNumber = await speech('five five five zero one zero one two three four', 300, 1500);
    const early = await phoneTurn(wholeNumber);
    const silence = await phoneTurn(wholeNumber, { slotAwareEndpointing: false });
    expect(early.verified).toBe(true);
    expect(silence.verified).toBe(true);
    expect(early.latency?.endpointing).toBe('complete-value');
    expect(silence.latency?.endpointing).toBe('silence');
    const earlyWait = early.latency!.endOfTurnMs - early.latency!.speechEndMs;
    const silenceWait = silence.latency!.endOfTurnMs - silence.latency!.speechEndMs;
    expect(silenceWait).toBeGreaterThanOrEqual(750);
    expect(earlyWait).toBeLessThan(silenceWait - 300);
  }, 60_000);
});
