// Speech segmenter: minimum speech, end-of-speech silence, hysteresis and padding, window by window.
import { describe, expect, it } from 'vitest';
import { createSpeechSegmenter, type SpeechSegmenterOptions } from '../../src/audio/speech-segmenter.ts';
import type { VadEvent } from '../../src/audio/types.ts';
import { isFrontdeskError } from '../../src/errors.ts';

/** Feeds one probability per 32 ms window from time 0 and collects the events. */
function segment(probabilities: number[], options: SpeechSegmenterOptions = {}): { events: VadEvent[]; speaking: boolean } {
  const segmenter = createSpeechSegmenter(options);
  const events: VadEvent[] = [];
  probabilities.forEach((probability, index) => {
    const event = segmenter.push(probability, index * 32, (index + 1) * 32);
    if (event) events.push(event);
  });
  return { events, speaking: segmenter.speaking };
}

const windows = (count: number, probability: number) => Array<number>(count).fill(probability);

describe('speech segmenter', () => {
  it('confirms speech once minSpeechMs of speech windows have passed and dates it from the onset minus the pad', () => {
    const { events } = segment([...windows(10, 0.05), ...windows(10, 0.9)], { minSpeechMs: 250, speechPadMs: 30 });
    // Onset at window 10 (320 ms); the 8th speech window (ends at 576 ms) brings 256 ms ≥ 250 ms.
    expect(events).toEqual([{ type: 'speech-start', atMs: 290, detectedAtMs: 576 }]);
  });

  it('drops a burst shorter than minSpeechMs, as for a cough', () => {
    const { events, speaking } = segment([...windows(5, 0.02), ...windows(3, 0.95), ...windows(40, 0.02)], { minSpeechMs: 250 });
    expect(events).toEqual([]);
    expect(speaking).toBe(false);
  });

  it('ends speech after endSilenceMs of windows below the negative threshold, dated at the last speech window plus the pad', () => {
    const { events } = segment([...windows(20, 0.9), ...windows(30, 0.1)], { endSilenceMs: 320, speechPadMs: 30, minSpeechMs: 64 });
    expect(events).toEqual([
      { type: 'speech-start', atMs: 0, detectedAtMs: 64 },
      // Last speech window ends at 640 ms; ten silent windows (320 ms) confirm at 960 ms.
      { type: 'speech-end', atMs: 670, durationMs: 670, detectedAtMs: 960 },
    ]);
  });

  it('neither ends nor extends speech with probabilities between the two thresholds', () => {
    const hovering = segment([...windows(20, 0.9), ...windows(30, 0.42)], { threshold: 0.5, negativeThreshold: 0.35, endSilenceMs: 320 });
    expect(hovering.events.map((event) => event.type)).toEqual(['speech-start']);
    expect(hovering.speaking).toBe(true);
    const { events } = segment([...windows(20, 0.9), ...windows(5, 0.1), ...windows(3, 0.42), ...windows(2, 0.1)], { threshold: 0.5, negativeThreshold: 0.35, endSilenceMs: 320 });
    // The silence run that began at 640 ms keeps counting through the hovering windows.
    expect(events[1]).toMatchObject({ type: 'speech-end', detectedAtMs: 960 });
  });

  it('keeps one segment across a pause shorter than endSilenceMs and splits at a longer one', () => {
    const speechPauseSpeech = [...windows(15, 0.9), ...windows(15, 0.05), ...windows(15, 0.9), ...windows(40, 0.05)];
    expect(segment(speechPauseSpeech, { endSilenceMs: 800 }).events.map((event) => event.type)).toEqual(['speech-start', 'speech-end']);
    expect(segment(speechPauseSpeech, { endSilenceMs: 300 }).events.map((event) => event.type)).toEqual(['speech-start', 'speech-end', 'speech-start', 'speech-end']);
  });

  it('never pads a start back into the previous segment', () => {
    const { events } = segment([...windows(10, 0.9), ...windows(10, 0.05), ...windows(10, 0.9)], { endSilenceMs: 64, speechPadMs: 200, minSpeechMs: 64 });
    const [, firstEnd, secondStart] = events;
    expect(firstEnd?.type).toBe('speech-end');
    expect(secondStart?.type).toBe('speech-start');
    expect(secondStart?.atMs).toBeGreaterThanOrEqual(firstEnd?.atMs as number);
  });

  it('closes open speech when the stream ends and forgets dropped speech without an event', () => {
    const segmenter = createSpeechSegmenter({ minSpeechMs: 32 });
    segmenter.push(0.9, 0, 32);
    expect(segmenter.speaking).toBe(true);
    expect(segmenter.end(40)).toEqual({ type: 'speech-end', atMs: 40, durationMs: 40, detectedAtMs: 40 });
    segmenter.push(0.9, 64, 96);
    segmenter.dropSpeech();
    expect(segmenter.speaking).toBe(false);
    expect(segmenter.end(200)).toBeNull();
  });

  it.each([{ threshold: 1.2 }, { threshold: 0.5, negativeThreshold: 0.7 }, { minSpeechMs: -1 }, { endSilenceMs: Number.NaN }])('rejects %j with CONFIG_INVALID', (options) => {
    expect(() => createSpeechSegmenter(options)).toThrow(expect.toSatisfy((error) => isFrontdeskError(error, 'CONFIG_INVALID')));
  });
});
