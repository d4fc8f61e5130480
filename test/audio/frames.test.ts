// PCM helpers: 20 ms frames, silence of a duration, joining buffers.
import { describe, expect, it } from 'vitest';
import { concatSamples, silence, toFrames } from '../../src/audio/frames.ts';
import { frameDurationMs } from '../../src/audio/types.ts';

describe('frames', () => {
  it('cuts 8 kHz audio into 20 ms frames of 160 samples, the last one shorter', () => {
    const samples = Int16Array.from({ length: 500 }, (_, index) => index);
    const frames = toFrames(samples, 8000, 20);
    expect(frames.map((frame) => frame.samples.length)).toEqual([160, 160, 160, 20]);
    expect(frames.every((frame) => frame.sampleRate === 8000)).toBe(true);
    expect(frameDurationMs(frames[0] as { samples: Int16Array; sampleRate: number })).toBe(20);
    expect([...concatSamples(frames.map((frame) => frame.samples))]).toEqual([...samples]);
  });

  it('copies samples into frames, so changing a frame leaves the source alone', () => {
    const samples = new Int16Array(320);
    const [first] = toFrames(samples, 16000, 10);
    (first as { samples: Int16Array }).samples[0] = 99;
    expect(samples[0]).toBe(0);
  });

  it('makes silence of a duration at a rate', () => {
    expect(silence(250, 8000)).toHaveLength(2000);
    expect(silence(10, 22050)).toHaveLength(221);
    expect(silence(1000, 16000).every((value) => value === 0)).toBe(true);
  });

  it('refuses a frame size that holds no sample', () => {
    expect(() => toFrames(new Int16Array(10), 8000, 0)).toThrow(/holds no sample/);
  });
});
