// Resampling: tones keep frequency and level across call rates, chunked equals one-shot, no delay, no aliasing.
import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../src/audio/frames.ts';
import { acquireResampler } from '../../src/audio/resampler-pool.ts';
import { createResampler, resample } from '../../src/audio/resampler.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { decibels, goertzelAmplitude, middle, rms, sine, zeroCrossingFrequency } from './signal.ts';

const conversions: [number, number][] = [
  [8000, 16000],
  [16000, 8000],
  [22050, 16000],
  [24000, 8000],
  [16000, 24000],
  [8000, 22050],
  [44100, 16000],
  [48000, 8000],
];

describe('resampling', () => {
  it.each(conversions)('%i → %i Hz keeps a 1 kHz tone’s frequency and level, and the length ratio', async (from, to) => {
    const tone = sine(1000, { sampleRate: from, durationMs: 1000, amplitude: 16384 });
    const output = await resample(tone, from, to);
    expect(output).toHaveLength(Math.round((tone.length * to) / from));
    expect(zeroCrossingFrequency(middle(output, to), to)).toBeCloseTo(1000, 0);
    expect(Math.abs(decibels(rms(middle(output, to)), rms(middle(tone, from))))).toBeLessThan(0.1);
  });

  it.each([
    [8000, 16000, [160]],
    [16000, 8000, [320]],
    [22050, 16000, [1, 7, 441, 1024, 3]],
    [44100, 16000, [882, 5, 4410]],
  ] as [number, number, number[]][])('%i → %i Hz in chunks of %j equals the one-shot conversion', async (from, to, chunkSizes) => {
    const signal = concatSamples([sine(440, { sampleRate: from, durationMs: 400, amplitude: 12000 }), sine(1800, { sampleRate: from, durationMs: 400, amplitude: 9000 })]);
    const oneShot = await resample(signal, from, to);
    const resampler = await createResampler({ inputSampleRate: from, outputSampleRate: to });
    const parts: Int16Array[] = [];
    for (let offset = 0, turn = 0; offset < signal.length; turn += 1) {
      const size = chunkSizes[turn % chunkSizes.length] as number;
      parts.push(resampler.process(signal.subarray(offset, offset + size)));
      offset += size;
    }
    parts.push(resampler.flush());
    resampler.close();
    const streamed = concatSamples(parts);
    expect(streamed).toHaveLength(oneShot.length);
    let worst = 0;
    for (let index = 0; index < streamed.length; index += 1) worst = Math.max(worst, Math.abs((streamed[index] as number) - (oneShot[index] as number)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each([
    [8000, 16000],
    [22050, 8000],
  ])('%i → %i Hz: a converter reset after one stream converts the next exactly as a new one, with nothing of the first left in it', async (from, to) => {
    const first = sine(700, { sampleRate: from, durationMs: 300, amplitude: 20000 });
    const second = concatSamples([sine(440, { sampleRate: from, durationMs: 200, amplitude: 12000 }), sine(1800, { sampleRate: from, durationMs: 200, amplitude: 9000 })]);
    const convert = (resampler: { process(samples: Int16Array): Int16Array }) => {
      const parts: Int16Array[] = [];
      for (let offset = 0; offset < second.length; offset += from / 50) parts.push(resampler.process(second.subarray(offset, offset + from / 50)));
      return concatSamples(parts);
    };
    const fresh = await createResampler({ inputSampleRate: from, outputSampleRate: to });
    const expected = convert(fresh);
    const reused = await createResampler({ inputSampleRate: from, outputSampleRate: to });
    reused.process(first);
    reused.reset();
    expect(convert(reused)).toEqual(expected);
    fresh.close();
    reused.close();
  });

  it('a pooled converter given back after one call converts the next call as a new converter would', async () => {
    const options = { inputSampleRate: 8000, outputSampleRate: 16000, quality: 'fastest' } as const;
    const tone = sine(900, { sampleRate: 8000, durationMs: 200, amplitude: 15000 });
    const expected = (await createResampler(options)).process(tone);
    const first = await acquireResampler(options);
    first.process(sine(300, { sampleRate: 8000, durationMs: 100, amplitude: 30000 }));
    first.close();
    expect(first.process(tone)).toHaveLength(0);
    const second = await acquireResampler(options);
    expect(second.process(tone)).toEqual(expected);
    second.close();
  });

  it('makes the new converters a burst of streams needs one per turn of the event loop, in the order asked', async () => {
    // A rate pair no other test uses, so its idle list starts empty.
    const options = { inputSampleRate: 11025, outputSampleRate: 8000, quality: 'fastest' } as const;
    let turns = 0;
    let beating = true;
    const heartbeat = () => {
      turns += 1;
      if (beating) setImmediate(heartbeat);
    };
    setImmediate(heartbeat);
    const order: number[] = [];
    const burst = Array.from({ length: 5 }, (_, index) => acquireResampler(options).then((converter) => (order.push(index), converter)));
    const first = await burst[0];
    const turnsAtFirst = turns;
    // Given back while four wait (the next in line may take it): the rest still come in order.
    first?.close();
    const converters = await Promise.all(burst);
    beating = false;
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Every instantiation had a turn of the loop to itself: other work (every call's audio) ran between them.
    expect(turns - turnsAtFirst).toBeGreaterThanOrEqual(3);
    expect(converters[1]?.process(sine(440, { sampleRate: 11025, durationMs: 100, amplitude: 10000 })).length).toBeGreaterThan(0);
    for (const converter of converters) converter?.close();
  });

  it('adds no delay: a click stays at the same time after 8 → 16 kHz', async () => {
    const click = new Int16Array(8000);
    click[4000] = 30000;
    const output = await resample(click, 8000, 16000);
    const peak = output.reduce((best, value, index) => (Math.abs(value) > Math.abs(output[best] as number) ? index : best), 0);
    expect(peak).toBe(8000);
  });

  it('filters out what the lower rate cannot carry: a 6 kHz tone is 60 dB down after 16 → 8 kHz', async () => {
    const tone = sine(6000, { sampleRate: 16000, durationMs: 500, amplitude: 16384 });
    const output = await resample(tone, 16000, 8000);
    // Without a filter it would fold to 2 kHz at full level.
    expect(decibels(goertzelAmplitude(middle(output, 8000), 2000, 8000) + 1e-9, 16384)).toBeLessThan(-60);
  });

  it('passes equal rates through unchanged and rejects a non-integer rate', async () => {
    const samples = Int16Array.from([1, -2, 3]);
    const same = await createResampler({ inputSampleRate: 16000, outputSampleRate: 16000 });
    expect(same.process(samples)).toBe(samples);
    expect([...(await resample(samples, 8000, 8000))]).toEqual([1, -2, 3]);
    await expect(createResampler({ inputSampleRate: 8000.5, outputSampleRate: 16000 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID'));
  });

  it('returns nothing once closed', async () => {
    const resampler = await createResampler({ inputSampleRate: 8000, outputSampleRate: 16000 });
    resampler.close();
    expect(resampler.process(new Int16Array(160))).toHaveLength(0);
    expect(resampler.flush()).toHaveLength(0);
  });
});
