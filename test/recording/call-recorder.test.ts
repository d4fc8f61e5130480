// The two-channel recorder: where caller and agent audio land on the timeline, barge-in cuts, padding and resampling.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock.ts';
import { createCallRecorder, openCallRecorder } from '../../src/recording/call-recorder.ts';
import { framesOf, readStereoWav, rms, tone } from './read-wav.ts';

const rate = 16000;
const startedAtMs = Date.UTC(2026, 10, 25, 14, 0, 0);
const samplesAt = (ms: number) => (ms * rate) / 1000;

function constant(value: number, ms: number, sampleRate = rate): Int16Array {
  return new Int16Array((ms * sampleRate) / 1000).fill(value);
}

/** Index ranges [start, end) where `samples` equals `value`, merged. */
function runsOf(samples: Int16Array, value: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let index = 0; index <= samples.length; index += 1) {
    const matches = index < samples.length && samples[index] === value;
    if (matches && start < 0) start = index;
    if (!matches && start >= 0) {
      runs.push([start, index]);
      start = -1;
    }
  }
  return runs;
}

describe('createCallRecorder', () => {
  it('writes a 16-bit stereo WAV at the declared rate: caller left, agent right', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    recorder.caller({ samples: constant(100, 200), sampleRate: rate });
    recorder.agent({ samples: constant(5000, 200), sampleRate: rate }, startedAtMs);
    const wav = readStereoWav(recorder.finish());
    expect([wav.channels, wav.sampleRate, wav.bitsPerSample]).toEqual([2, rate, 16]);
    expect(runsOf(wav.left, 100)).toEqual([[0, samplesAt(200)]]);
    expect(runsOf(wav.right, 5000)).toEqual([[0, samplesAt(200)]]);
  });

  it('places agent audio at the time it was played, independent of the caller stream', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    for (const frame of framesOf(constant(100, 2000), samplesAt(20))) recorder.caller({ samples: frame, sampleRate: rate });
    recorder.agent({ samples: constant(5000, 300), sampleRate: rate }, startedAtMs + 700);
    const wav = readStereoWav(recorder.finish());
    expect(runsOf(wav.right, 5000)).toEqual([[samplesAt(700), samplesAt(1000)]]);
    expect(runsOf(wav.right, 0)).toEqual([
      [0, samplesAt(700)],
      [samplesAt(1000), samplesAt(2000)],
    ]);
    expect(runsOf(wav.left, 100)).toEqual([[0, samplesAt(2000)]]);
  });

  it('queues consecutive agent frames one after another, starting no earlier than the time given', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    // A TTS stream delivers faster than real time: three 100 ms chunks all handed over at 500 ms.
    recorder.agent({ samples: constant(1000, 100), sampleRate: rate }, startedAtMs + 500);
    recorder.agent({ samples: constant(2000, 100), sampleRate: rate }, startedAtMs + 500);
    recorder.agent({ samples: constant(3000, 100), sampleRate: rate }, startedAtMs + 510);
    // The next reply comes after a pause: it starts at its own time, leaving silence.
    recorder.agent({ samples: constant(4000, 100), sampleRate: rate }, startedAtMs + 1200);
    const { right } = readStereoWav(recorder.finish());
    expect(runsOf(right, 1000)).toEqual([[samplesAt(500), samplesAt(600)]]);
    expect(runsOf(right, 2000)).toEqual([[samplesAt(600), samplesAt(700)]]);
    expect(runsOf(right, 3000)).toEqual([[samplesAt(700), samplesAt(800)]]);
    expect(runsOf(right, 4000)).toEqual([[samplesAt(1200), samplesAt(1300)]]);
    expect(runsOf(right, 0)).toContainEqual([samplesAt(800), samplesAt(1200)]);
  });

  it('on barge-in, clearAgent cuts the agent audio that had not played yet and the next reply starts at its own time', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    recorder.caller({ samples: constant(100, 1500), sampleRate: rate });
    recorder.agent({ samples: constant(5000, 1000), sampleRate: rate }, startedAtMs + 200);
    recorder.clearAgent(startedAtMs + 600);
    recorder.agent({ samples: constant(6000, 200), sampleRate: rate }, startedAtMs + 900);
    const { left, right } = readStereoWav(recorder.finish());
    expect(runsOf(right, 5000)).toEqual([[samplesAt(200), samplesAt(600)]]);
    expect(runsOf(right, 6000)).toEqual([[samplesAt(900), samplesAt(1100)]]);
    expect(right.length).toBe(samplesAt(1500));
    expect(left.length).toBe(samplesAt(1500));
  });

  it('clearAgent after the queued audio finished playing removes nothing', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    recorder.agent({ samples: constant(5000, 300), sampleRate: rate }, startedAtMs + 100);
    recorder.clearAgent(startedAtMs + 400);
    recorder.clearAgent(startedAtMs + 900);
    const { right } = readStereoWav(recorder.finish());
    expect(runsOf(right, 5000)).toEqual([[samplesAt(100), samplesAt(400)]]);
  });

  it('uses the clock for agent and clearAgent calls without a time', () => {
    const clock = createManualClock(new Date(startedAtMs));
    const recorder = createCallRecorder({ sampleRate: rate, clock });
    expect(recorder.startedAt.getTime()).toBe(startedAtMs);
    clock.advance(250);
    recorder.agent({ samples: constant(5000, 500), sampleRate: rate });
    clock.advance(150);
    recorder.clearAgent();
    const { right } = readStereoWav(recorder.finish());
    expect(runsOf(right, 5000)).toEqual([[samplesAt(250), samplesAt(400)]]);
  });

  it('pads both channels with silence to the same length, whichever side ran longer', () => {
    const agentLonger = createCallRecorder({ sampleRate: rate, startedAtMs });
    agentLonger.caller({ samples: constant(100, 1000), sampleRate: rate });
    agentLonger.agent({ samples: constant(5000, 1000), sampleRate: rate }, startedAtMs + 1500);
    const first = readStereoWav(agentLonger.finish());
    expect(first.left.length).toBe(samplesAt(2500));
    expect(first.right.length).toBe(samplesAt(2500));
    expect(runsOf(first.left, 0)).toEqual([[samplesAt(1000), samplesAt(2500)]]);

    const callerLonger = createCallRecorder({ sampleRate: rate, startedAtMs });
    callerLonger.caller({ samples: constant(100, 3000), sampleRate: rate });
    callerLonger.agent({ samples: constant(5000, 500), sampleRate: rate }, startedAtMs);
    const second = readStereoWav(callerLonger.finish());
    expect(second.left.length).toBe(samplesAt(3000));
    expect(second.right.length).toBe(samplesAt(3000));
  });

  it('appends caller frames contiguously through arrival jitter, and records a real gap as silence', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    recorder.caller({ samples: constant(100, 100), sampleRate: rate }, startedAtMs);
    // Arrives 30 ms "late" but is the next audio of the stream.
    recorder.caller({ samples: constant(200, 100), sampleRate: rate }, startedAtMs + 130);
    // Claims an earlier time than the audio already recorded: appended, nothing overwritten.
    recorder.caller({ samples: constant(300, 100), sampleRate: rate }, startedAtMs + 150);
    // The stream paused (hold, packet loss): half a second of silence, then audio at its time.
    recorder.caller({ samples: constant(400, 100), sampleRate: rate }, startedAtMs + 800);
    const { left } = readStereoWav(recorder.finish());
    expect(runsOf(left, 100)).toEqual([[0, samplesAt(100)]]);
    expect(runsOf(left, 200)).toEqual([[samplesAt(100), samplesAt(200)]]);
    expect(runsOf(left, 300)).toEqual([[samplesAt(200), samplesAt(300)]]);
    expect(runsOf(left, 0)).toEqual([[samplesAt(300), samplesAt(800)]]);
    expect(runsOf(left, 400)).toEqual([[samplesAt(800), samplesAt(900)]]);
  });

  it('resamples 8 kHz caller frames onto the 16 kHz timeline without losing length, pitch or level', async () => {
    const recorder = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [8000] });
    const source = tone(1000, 8000, 8000);
    for (const frame of framesOf(source, 160)) recorder.caller({ samples: frame, sampleRate: 8000 });
    const { left } = readStereoWav(recorder.finish());
    expect(left.length).toBe(16000);
    // Away from the edges (where the filter sees silence before and after), the output is the same tone sampled at 16 kHz.
    const expected = tone(1000, rate, 16000);
    let worst = 0;
    for (let index = 200; index < 15800; index += 1) worst = Math.max(worst, Math.abs((left[index] as number) - (expected[index] as number)));
    expect(worst).toBeLessThan(100);
    expect(rms(left, 200, 15800) / rms(expected, 200, 15800)).toBeCloseTo(1, 2);
  });

  it('resamples 24 kHz agent audio down to 16 kHz and filters out what 16 kHz cannot hold instead of aliasing it', async () => {
    const recorder = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [24000] });
    recorder.agent({ samples: tone(1000, 24000, 24000), sampleRate: 24000 }, startedAtMs);
    // 10 kHz is above the 8 kHz Nyquist limit of a 16 kHz recording: dropping samples would fold it to 6 kHz.
    recorder.agent({ samples: tone(10000, 24000, 24000), sampleRate: 24000 }, startedAtMs + 1000);
    const { right } = readStereoWav(recorder.finish());
    expect(right.length).toBe(32000);
    expect(rms(right, 200, 15800) / rms(tone(1000, rate, 16000))).toBeCloseTo(1, 2);
    expect(rms(right, 16200, 31800)).toBeLessThan(0.01 * rms(tone(10000, 24000, 24000)));
  });

  it('switches rate mid-stream without shifting later audio off its position', async () => {
    const recorder = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [8000] });
    recorder.caller({ samples: constant(100, 500, 8000), sampleRate: 8000 });
    recorder.caller({ samples: constant(200, 500), sampleRate: rate });
    const { left } = readStereoWav(recorder.finish());
    expect(left.length).toBe(samplesAt(1000));
    expect(runsOf(left, 200)).toEqual([[samplesAt(500), samplesAt(1000)]]);
  });

  it('places each resampled run exactly where its time says, whatever the frame size, and starts each run as a fresh converter', async () => {
    const source = tone(700, 24000, 24000);
    const recordOnce = async (atMs: number) => {
      const alone = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [24000] });
      alone.agent({ samples: source, sampleRate: 24000 }, atMs);
      return readStereoWav(alone.finish()).right;
    };
    // Two runs at 24 kHz through the same converter: the first in 37-sample frames (no frame ends on an output sample), the second whole.
    const recorder = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [24000] });
    for (const frame of framesOf(source, 37)) recorder.agent({ samples: frame, sampleRate: 24000 }, startedAtMs);
    recorder.agent({ samples: source, sampleRate: 24000 }, startedAtMs + 1500);
    const { right } = readStereoWav(recorder.finish());
    // Run one fills exactly [0 s, 1 s), silence to 1.5 s, run two exactly [1.5 s, 2.5 s): each as the same audio recorded alone.
    expect(right.length).toBe(samplesAt(2500));
    expect(rms(right, samplesAt(1000), samplesAt(1500))).toBe(0);
    expect(rms(right, samplesAt(1500) + 200, samplesAt(2500) - 200)).toBeGreaterThan(1000);
    expect(Array.from(right.subarray(0, samplesAt(1000)))).toEqual(Array.from((await recordOnce(startedAtMs)).subarray(0, samplesAt(1000))));
    expect(Array.from(right.subarray(samplesAt(1500)))).toEqual(Array.from((await recordOnce(startedAtMs + 1500)).subarray(samplesAt(1500))));
  });

  it('refuses a frame at a rate it was not opened to convert', async () => {
    expect(() => createCallRecorder({ sampleRate: rate, startedAtMs }).caller({ samples: constant(1, 10, 8000), sampleRate: 8000 })).toThrow(
      expect.objectContaining({ code: 'AUDIO_INVALID', message: expect.stringContaining('8000 Hz frame') }),
    );
    const recorder = await openCallRecorder({ sampleRate: rate, startedAtMs, inputSampleRates: [8000] });
    expect(() => recorder.agent({ samples: constant(1, 10, 24000), sampleRate: 24000 })).toThrow(expect.objectContaining({ code: 'AUDIO_INVALID' }));
  });

  it('ignores frames after finish and returns the same WAV again', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    recorder.caller({ samples: constant(100, 100), sampleRate: rate });
    const wav = recorder.finish();
    recorder.caller({ samples: constant(100, 100), sampleRate: rate });
    recorder.agent({ samples: constant(100, 100), sampleRate: rate }, startedAtMs);
    expect(recorder.finish()).toBe(wav);
    expect(readStereoWav(wav).left.length).toBe(samplesAt(100));
  });

  it('builds a long call’s WAV a slice per event-loop turn, identical to finish, ignoring frames that arrive meanwhile', async () => {
    const record = () => {
      const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
      // 20 s of caller ramp and agent audio from 3 s on, crossing many chunk and slice boundaries.
      recorder.caller({ samples: Int16Array.from({ length: samplesAt(20_000) }, (_value, index) => (index % 20_011) - 10_000), sampleRate: rate });
      recorder.agent({ samples: Int16Array.from({ length: samplesAt(15_000) }, (_value, index) => 7 - (index % 9_973)), sampleRate: rate }, startedAtMs + 3000);
      return recorder;
    };
    const whole = record().finish();
    const sliced = record();
    let turns = 0;
    let built = false;
    const countTurns = () => {
      if (built) return;
      turns += 1;
      setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const building = sliced.finishInSlices();
    sliced.caller({ samples: constant(1, 1000), sampleRate: rate });
    const wav = await building;
    built = true;
    // The event loop went round between slices (20 s at 16 kHz is 5 slices), running other work.
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(Buffer.from(wav).equals(Buffer.from(whole))).toBe(true);
    expect(sliced.finish()).toBe(wav);
    expect(readStereoWav(wav).left.length).toBe(samplesAt(20_000));
  });

  it('refuses a frame without a usable sample rate', () => {
    const recorder = createCallRecorder({ sampleRate: rate, startedAtMs });
    expect(() => recorder.caller({ samples: constant(1, 10), sampleRate: 0 })).toThrow(expect.objectContaining({ code: 'AUDIO_INVALID' }));
  });
});
