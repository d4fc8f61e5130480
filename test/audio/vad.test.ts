// Silero VAD on generated speech: speech edges within 150 ms at 16 and 8 kHz, silence stays silent, segments split by silence.
import { beforeAll, describe, expect, it } from 'vitest';
import { toFrames } from '../../src/audio/frames.ts';
import type { PcmFrame, VadEvent } from '../../src/audio/types.ts';
import { createVad, type Vad, type VadWindow } from '../../src/audio/vad.ts';
import { createVadStream } from '../../src/audio/vad-stream.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { excerpt, layOut, speak, type Utterance } from './spoken-audio.ts';

/** How far a detected speech edge may be from where the speech was placed, ms. */
const toleranceMs = 150;
const sentence = 'I would like to book an appointment for next Tuesday morning please';

async function detect(vad: Vad, samples: Int16Array, frameMs = 20): Promise<{ events: VadEvent[]; windows: VadWindow[] }> {
  const events: VadEvent[] = [];
  const windows: VadWindow[] = [];
  for (const frame of toFrames(samples, vad.sampleRate, frameMs)) {
    const result = await vad.process(frame);
    events.push(...result.events);
    windows.push(...result.windows);
  }
  const last = await vad.flush();
  events.push(...last.events);
  return { events, windows };
}

function expectSegment(events: VadEvent[], index: number, startMs: number, endMs: number): void {
  const start = events[2 * index];
  const end = events[2 * index + 1];
  expect(start?.type).toBe('speech-start');
  expect(end?.type).toBe('speech-end');
  expect(Math.abs((start?.atMs as number) - startMs)).toBeLessThanOrEqual(toleranceMs);
  expect(Math.abs((end?.atMs as number) - endMs)).toBeLessThanOrEqual(toleranceMs);
}

describe('Silero VAD on espeak-ng speech', () => {
  const speech: Record<number, Utterance> = {};
  let yes16k: Utterance;

  beforeAll(async () => {
    speech[16000] = await speak(sentence, { sampleRate: 16000 });
    speech[8000] = await speak(sentence, { sampleRate: 8000 });
    yes16k = await speak('yes, that is right', { sampleRate: 16000, voice: 'en-us+klatt' });
  });

  it('finds a sentence placed at 1 s on low noise, start and end within 150 ms, at 16 kHz', async () => {
    const utterance = speech[16000] as Utterance;
    const samples = layOut([{ utterance, atMs: 1000 }], { totalMs: 1000 + utterance.durationMs + 1500, sampleRate: 16000, noiseAmplitude: 100 });
    const { events } = await detect(await createVad(), samples);
    expect(events).toHaveLength(2);
    expectSegment(events, 0, 1000, 1000 + utterance.durationMs);
  });

  it('finds the same sentence in 8 kHz phone audio through createVadStream, on the 8 kHz stream’s timeline', async () => {
    const utterance = speech[8000] as Utterance;
    const samples = layOut([{ utterance, atMs: 1500 }], { totalMs: 1500 + utterance.durationMs + 1500, sampleRate: 8000, noiseAmplitude: 100 });
    const vad = await createVadStream({ inputSampleRate: 8000 });
    expect(vad.sampleRate).toBe(8000);
    const { events } = await detect(vad, samples);
    expect(events).toHaveLength(2);
    expectSegment(events, 0, 1500, 1500 + utterance.durationMs);
    expect(vad.positionMs).toBeCloseTo(samples.length / 8, 6);
  });

  it('finds a Klatt-voiced utterance too', async () => {
    const samples = layOut([{ utterance: yes16k, atMs: 700 }], { totalMs: 700 + yes16k.durationMs + 1200, sampleRate: 16000 });
    const { events } = await detect(await createVad(), samples);
    expect(events).toHaveLength(2);
    expectSegment(events, 0, 700, 700 + yes16k.durationMs);
  });

  it('hears no speech in 5 s of digital silence nor in 5 s of low noise', async () => {
    for (const noiseAmplitude of [0, 100, 400]) {
      const samples = layOut([], { totalMs: 5000, sampleRate: 16000, noiseAmplitude });
      const { events, windows } = await detect(await createVad(), samples);
      expect(events).toEqual([]);
      expect(Math.max(...windows.map((window) => window.probability))).toBeLessThan(0.5);
    }
  });

  it('splits two utterances 1 s apart into two segments', async () => {
    const first = speech[16000] as Utterance;
    const secondAtMs = 500 + first.durationMs + 1000;
    const samples = layOut(
      [
        { utterance: first, atMs: 500 },
        { utterance: yes16k, atMs: secondAtMs },
      ],
      { totalMs: secondAtMs + yes16k.durationMs + 1200, sampleRate: 16000, noiseAmplitude: 100 },
    );
    const { events } = await detect(await createVad({ endSilenceMs: 800 }), samples);
    expect(events.map((event) => event.type)).toEqual(['speech-start', 'speech-end', 'speech-start', 'speech-end']);
    expectSegment(events, 0, 500, 500 + first.durationMs);
    expectSegment(events, 1, secondAtMs, secondAtMs + yes16k.durationMs);
  });

  it('confirms the end of speech endSilenceMs after it, as configured', async () => {
    const utterance = yes16k;
    const samples = layOut([{ utterance, atMs: 500 }], { totalMs: 500 + utterance.durationMs + 2000, sampleRate: 16000 });
    const speechEndMs = 500 + utterance.durationMs;
    for (const endSilenceMs of [300, 800, 1200]) {
      const { events } = await detect(await createVad({ endSilenceMs }), samples);
      const end = events.find((event) => event.type === 'speech-end');
      expect(end?.detectedAtMs).toBeDefined();
      expect(Math.abs((end?.detectedAtMs as number) - (speechEndMs + endSilenceMs))).toBeLessThanOrEqual(toleranceMs);
    }
  });

  it('drops a 100 ms burst of real speech as shorter than minSpeechMs, though the model scores it as speech', async () => {
    const blip = excerpt(speech[16000] as Utterance, 100);
    const samples = layOut([{ utterance: blip, atMs: 800 }], { totalMs: 2500, sampleRate: 16000 });
    const { events, windows } = await detect(await createVad({ minSpeechMs: 250 }), samples);
    expect(Math.max(...windows.map((window) => window.probability))).toBeGreaterThan(0.5);
    expect(events).toEqual([]);
  });

  it('scores one 32 ms window per 512 samples, whatever the frame size', async () => {
    const utterance = yes16k;
    const samples = layOut([{ utterance, atMs: 300 }], { totalMs: 300 + utterance.durationMs + 300, sampleRate: 16000 });
    const byTwentyMs = await detect(await createVad(), samples, 20);
    const byOddChunks = await detect(await createVad(), samples, 7);
    const oneFrame = await createVad();
    const whole = await oneFrame.process({ samples, sampleRate: 16000 });
    expect(byTwentyMs.windows).toHaveLength(Math.floor(samples.length / 512));
    expect(byTwentyMs.windows[1]).toMatchObject({ startMs: 32, endMs: 64 });
    expect(byOddChunks.windows.map((window) => window.probability)).toEqual(byTwentyMs.windows.map((window) => window.probability));
    expect(whole.windows.map((window) => window.probability)).toEqual(byTwentyMs.windows.map((window) => window.probability));
    expect(oneFrame.probability).toBe(whole.windows.at(-1)?.probability);
  });

  it('queues frames fed without awaiting and returns their results in order', async () => {
    const utterance = yes16k;
    const samples = layOut([{ utterance, atMs: 400 }], { totalMs: 400 + utterance.durationMs + 1000, sampleRate: 16000 });
    const vad = await createVad();
    const results = await Promise.all(toFrames(samples, 16000, 20).map((frame) => vad.process(frame)));
    const starts = results.flatMap((result) => result.windows.map((window) => window.startMs));
    expect(starts).toEqual(starts.map((_, index) => index * 32));
    expect(results.flatMap((result) => result.events).map((event) => event.type)).toEqual(['speech-start', 'speech-end']);
  });

  it('gives each of many calls scored in the same batches exactly the probabilities it gets alone', async () => {
    const quiet = layOut([], { totalMs: 1500, sampleRate: 8000, noiseAmplitude: 200 });
    const talking = layOut([{ utterance: speech[8000] as Utterance, atMs: 300 }], { totalMs: 1500, sampleRate: 8000, noiseAmplitude: 200 });
    const alone = async (samples: Int16Array) => (await detect(await createVadStream({ inputSampleRate: 8000 }), samples)).windows.map((window) => window.probability);
    const expected = [await alone(quiet), await alone(talking)];
    // Twelve calls fed frame by frame in lockstep, so every window of a step goes through one onnxruntime run.
    const calls = await Promise.all(Array.from({ length: 12 }, () => createVadStream({ inputSampleRate: 8000 })));
    const heard: number[][] = calls.map(() => []);
    const framesOf = [toFrames(quiet, 8000, 20), toFrames(talking, 8000, 20)];
    for (let step = 0; step < (framesOf[0] as PcmFrame[]).length; step += 1) {
      const results = await Promise.all(calls.map((vad, index) => vad.process((framesOf[index % 2] as PcmFrame[])[step] as PcmFrame)));
      results.forEach((result, index) => heard[index]!.push(...result.windows.map((window) => window.probability)));
    }
    heard.forEach((probabilities, index) => expect(probabilities).toEqual(expected[index % 2]));
    expect(Math.max(...(expected[1] as number[]))).toBeGreaterThan(0.9);
    expect(Math.max(...(expected[0] as number[]))).toBeLessThan(0.5);
  });

  it('reads a line below the silence floor as silence without the model, and finds the speech after it where the model alone does', async () => {
    const utterance = speech[8000] as Utterance;
    // Uniform noise of amplitude 30 is −65.5 dBFS RMS: a quiet phone line between the caller's words.
    const samples = layOut([{ utterance, atMs: 2000 }], { totalMs: 2000 + utterance.durationMs + 1500, sampleRate: 8000, noiseAmplitude: 30 });
    const gated = await detect(await createVadStream({ inputSampleRate: 8000 }), samples);
    const modelAlone = await detect(await createVadStream({ inputSampleRate: 8000, silenceFloorDbfs: null }), samples);
    const quiet = (windows: VadWindow[]) => windows.filter((window) => window.endMs <= 1900).map((window) => window.probability);
    expect(quiet(gated.windows).every((probability) => probability === 0)).toBe(true);
    // The model itself never gives an exact 0, so these windows were scored by it.
    expect(quiet(modelAlone.windows).every((probability) => probability > 0 && probability < 0.5)).toBe(true);
    expect(gated.events.map((event) => event.type)).toEqual(modelAlone.events.map((event) => event.type));
    // The onset is found at the same window; the end may come a window or two sooner, its quietest tail being under the floor.
    expect(gated.events[0]).toEqual(modelAlone.events[0]);
    expectSegment(gated.events, 0, 2000, 2000 + utterance.durationMs);
    expectSegment(modelAlone.events, 0, 2000, 2000 + utterance.durationMs);
    await expect(createVad({ silenceFloorDbfs: 6 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'CONFIG_INVALID'));
  });

  it('rejects frames at another rate, and frames after the stream ended, with AUDIO_INVALID', async () => {
    const vad = await createVad();
    const phoneFrame: PcmFrame = { samples: new Int16Array(160), sampleRate: 8000 };
    await expect(vad.process(phoneFrame)).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID'));
    await vad.flush();
    await expect(vad.process({ samples: new Int16Array(320), sampleRate: 16000 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID'));
    const stream = await createVadStream({ inputSampleRate: 8000 });
    await expect(stream.process({ samples: new Int16Array(320), sampleRate: 16000 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID'));
  });
});
