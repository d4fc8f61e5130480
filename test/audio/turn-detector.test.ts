// Turn detector on 8 kHz caller audio: turns split by silence, no barge-in on a blip, early end on a complete value, turn audio.
import { beforeAll, describe, expect, it } from 'vitest';
import { concatSamples, toFrames } from '../../src/audio/frames.ts';
import { createTurnDetector, type TurnDetector } from '../../src/audio/turn-detector.ts';
import type { TurnEvent } from '../../src/audio/types.ts';
import { createVadStream } from '../../src/audio/vad-stream.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { excerpt, layOut, speak, type Utterance } from './spoken-audio.ts';

const toleranceMs = 150;
const rate = 8000;

/** Feeds 20 ms frames as a phone transport would; `onFrame` may act between frames, as a call loop does. */
async function feed(
  detector: TurnDetector,
  samples: Int16Array,
  onFrame: (events: TurnEvent[], positionMs: number) => void = () => {},
): Promise<(TurnEvent & { positionMs: number })[]> {
  const all: (TurnEvent & { positionMs: number })[] = [];
  for (const frame of toFrames(samples, rate, 20)) {
    const events = await detector.process(frame);
    all.push(...events.map((event) => ({ ...event, positionMs: detector.positionMs })));
    onFrame(events, detector.positionMs);
  }
  all.push(...(await detector.flush()).map((event) => ({ ...event, positionMs: detector.positionMs })));
  return all;
}

const withoutAudio = (events: TurnEvent[]) => events.filter((event) => event.type !== 'turn.audio');

describe('turn detector on 8 kHz caller audio', () => {
  let request: Utterance;
  let answer: Utterance;

  beforeAll(async () => {
    request = await speak('I would like to book an appointment for next Tuesday morning please', { sampleRate: rate });
    answer = await speak('my date of birth is March third nineteen eighty', { sampleRate: rate, voice: 'en-us+klatt' });
  });

  it('gives two turns for two utterances 1 s apart, each started after 200 ms of speech and ended by silence', async () => {
    const secondAtMs = 600 + request.durationMs + 1000;
    const samples = layOut(
      [
        { utterance: request, atMs: 600 },
        { utterance: answer, atMs: secondAtMs },
      ],
      { totalMs: secondAtMs + answer.durationMs + 1200, sampleRate: rate, noiseAmplitude: 100 },
    );
    const events = withoutAudio(await feed(await createTurnDetector({ inputSampleRate: rate }), samples));
    expect(events.map((event) => `${event.type}#${event.turnId}`)).toEqual(['turn.started#1', 'turn.ended#1', 'turn.started#2', 'turn.ended#2']);
    const [firstStart, firstEnd, secondStart, secondEnd] = events as [TurnEvent & { type: 'turn.started' }, TurnEvent & { type: 'turn.ended' }, TurnEvent & { type: 'turn.started' }, TurnEvent & { type: 'turn.ended' }];
    expect(Math.abs(firstStart.atMs - 600)).toBeLessThanOrEqual(toleranceMs);
    expect(Math.abs(firstEnd.atMs - (600 + request.durationMs))).toBeLessThanOrEqual(toleranceMs);
    expect(Math.abs(secondStart.atMs - secondAtMs)).toBeLessThanOrEqual(toleranceMs);
    expect(Math.abs(secondEnd.atMs - (secondAtMs + answer.durationMs))).toBeLessThanOrEqual(toleranceMs);
    for (const started of [firstStart, secondStart]) expect(started.detectedAtMs - started.atMs).toBeGreaterThanOrEqual(200);
    expect(firstEnd).toMatchObject({ reason: 'silence', durationMs: firstEnd.atMs - firstStart.atMs });
  });

  it('does not start a turn for a 100 ms blip of speech, which the VAD does score as speech', async () => {
    const blip = excerpt(request, 100);
    const samples = layOut([{ utterance: blip, atMs: 700 }], { totalMs: 2500, sampleRate: rate, noiseAmplitude: 100 });
    const vad = await createVadStream({ inputSampleRate: rate });
    let highest = 0;
    for (const frame of toFrames(samples, rate, 20)) for (const window of (await vad.process(frame)).windows) highest = Math.max(highest, window.probability);
    expect(highest).toBeGreaterThan(0.5);
    const detector = await createTurnDetector({ inputSampleRate: rate, turnStartSpeechMs: 200 });
    expect(await feed(detector, samples)).toEqual([]);
    expect(detector.latestTurnAudio()).toBeNull();
  });

  it('ends the turn with complete-value as soon as endTurnEarly() is called, without waiting for the silence window', async () => {
    const speechEndMs = 500 + answer.durationMs;
    const samples = layOut([{ utterance: answer, atMs: 500 }], { totalMs: speechEndMs + 1500, sampleRate: rate });
    const detector = await createTurnDetector({ inputSampleRate: rate, endSilenceMs: 800 });
    let early: TurnEvent | null = null;
    const events = await feed(detector, samples, (_events, positionMs) => {
      // The loop's partial transcript holds a full date of birth 100 ms after the caller stops.
      if (!early && positionMs >= speechEndMs + 100) early = detector.endTurnEarly();
    });
    expect(early).toMatchObject({ type: 'turn.ended', turnId: 1, reason: 'complete-value' });
    expect(Math.abs((early as unknown as { atMs: number }).atMs - (speechEndMs + 100))).toBeLessThanOrEqual(20);
    expect(withoutAudio(events).map((event) => event.type)).toEqual(['turn.started']);
    expect(detector.inTurn).toBe(false);
    expect(detector.endTurnEarly()).toBeNull();
  });

  it('starts a new turn when the caller keeps talking after endTurnEarly()', async () => {
    const samples = layOut([{ utterance: request, atMs: 500 }], { totalMs: 500 + request.durationMs + 1200, sampleRate: rate });
    const detector = await createTurnDetector({ inputSampleRate: rate });
    let early: (TurnEvent & { type: 'turn.ended' }) | null = null;
    const events = withoutAudio(
      await feed(detector, samples, (_events, positionMs) => {
        if (!early && positionMs >= 1500) early = detector.endTurnEarly();
      }),
    );
    expect(early).toMatchObject({ turnId: 1, reason: 'complete-value' });
    expect(events.map((event) => `${event.type}#${event.turnId}`)).toEqual(['turn.started#1', 'turn.started#2', 'turn.ended#2']);
    expect(events[1]?.atMs).toBeGreaterThanOrEqual((early as unknown as { atMs: number }).atMs);
  });

  it('ends turns endSilenceMs after the speech, as configured', async () => {
    const speechEndMs = 400 + answer.durationMs;
    const samples = layOut([{ utterance: answer, atMs: 400 }], { totalMs: speechEndMs + 1600, sampleRate: rate });
    for (const endSilenceMs of [300, 1000]) {
      const events = await feed(await createTurnDetector({ inputSampleRate: rate, endSilenceMs }), samples);
      const ended = events.find((event) => event.type === 'turn.ended');
      expect(ended?.positionMs).toBeDefined();
      expect(Math.abs((ended?.positionMs as number) - (speechEndMs + endSilenceMs))).toBeLessThanOrEqual(toleranceMs);
    }
  });

  it('streams the turn’s audio at 8 kHz: pre-roll and speech so far at the start, then every frame until the turn ends', async () => {
    const samples = layOut([{ utterance: answer, atMs: 1000 }], { totalMs: 1000 + answer.durationMs + 1200, sampleRate: rate });
    const detector = await createTurnDetector({ inputSampleRate: rate, preRollMs: 200 });
    const events = await feed(detector, samples);
    const types = events.map((event) => event.type);
    const started = events[types.indexOf('turn.started')] as TurnEvent & { type: 'turn.started' };
    const audio = events.filter((event): event is Extract<TurnEvent, { type: 'turn.audio' }> & { positionMs: number } => event.type === 'turn.audio');
    // Order: started, its audio, then the audio of every frame, then ended, then nothing.
    expect(types.indexOf('turn.audio')).toBe(types.indexOf('turn.started') + 1);
    expect(types.lastIndexOf('turn.audio')).toBe(types.indexOf('turn.ended') - 1);
    expect(types.at(-1)).toBe('turn.ended');
    expect(audio[0]?.atMs).toBeCloseTo(started.atMs - 200, 0);
    expect(audio.every((event) => event.frame.sampleRate === rate && event.turnId === 1)).toBe(true);
    // Contiguous: each chunk starts where the previous one ended.
    for (let index = 1; index < audio.length; index += 1) {
      const previous = audio[index - 1] as (typeof audio)[number];
      expect(audio[index]?.atMs).toBeCloseTo(previous.atMs + (previous.frame.samples.length / rate) * 1000, 6);
    }
    const streamed = concatSamples(audio.map((event) => event.frame.samples));
    const latest = detector.latestTurnAudio();
    expect(latest?.sampleRate).toBe(rate);
    expect([...(latest?.samples as Int16Array)]).toEqual([...streamed]);
    // It holds the whole utterance, sample for sample, where it was placed.
    const speechOffset = 1000 * 8 - Math.round((audio[0]?.atMs as number) * 8);
    const held = streamed.subarray(speechOffset, speechOffset + answer.samples.length);
    expect(held.length).toBe(answer.samples.length);
    expect(held.filter((value, index) => value !== answer.samples[index]).length).toBe(0);
  });

  it('rejects frames at another rate with AUDIO_INVALID', async () => {
    const detector = await createTurnDetector({ inputSampleRate: rate });
    await expect(detector.process({ samples: new Int16Array(320), sampleRate: 16000 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID'));
  });
});
