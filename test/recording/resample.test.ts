// The recorder's streaming resampler: exact output lengths and the same output however the input is chunked.
import { describe, expect, it } from 'vitest';
import { createRecordingResampler, resampledLength } from '../../src/recording/resample.ts';
import { framesOf, tone } from './read-wav.ts';

function resampleWhole(samples: Int16Array, inputRate: number, outputRate: number): Int16Array {
  const resampler = createRecordingResampler(inputRate, outputRate);
  return Int16Array.from([...resampler.process(samples), ...resampler.flush()]);
}

describe('createRecordingResampler', () => {
  it.each([
    [8000, 16000, 8000, 16000],
    [24000, 16000, 24000, 16000],
    [22050, 16000, 22050, 16000],
    [44100, 16000, 441, 160],
    [8000, 16000, 161, 322],
    [24000, 16000, 481, 321],
  ])('turns %i Hz into %i Hz: %i samples become %i', (inputRate, outputRate, inputCount, outputCount) => {
    expect(resampledLength(inputCount, inputRate, outputRate)).toBe(outputCount);
    expect(resampleWhole(tone(440, inputRate, inputCount), inputRate, outputRate).length).toBe(outputCount);
  });

  it.each([
    [8000, 16000, 160],
    [22050, 16000, 441],
    [24000, 16000, 37],
  ])('gives the same %i → %i Hz output whether fed whole or in frames of %i samples', (inputRate, outputRate, frameSize) => {
    const source = tone(700, inputRate, inputRate / 2);
    const whole = resampleWhole(source, inputRate, outputRate);
    const resampler = createRecordingResampler(inputRate, outputRate);
    const pieces: number[] = [];
    for (const frame of framesOf(source, frameSize)) pieces.push(...resampler.process(frame));
    pieces.push(...resampler.flush());
    expect(Int16Array.from(pieces)).toEqual(whole);
  });

  it('keeps silence silent', () => {
    const output = resampleWhole(new Int16Array(800), 8000, 16000);
    expect(output.every((sample) => sample === 0)).toBe(true);
  });

  it('holds back only a few samples before flush', () => {
    const resampler = createRecordingResampler(8000, 16000);
    const ready = resampler.process(new Int16Array(160).fill(1000));
    const rest = resampler.flush();
    expect(ready.length + rest.length).toBe(320);
    expect(rest.length).toBeLessThan(40);
  });
});
