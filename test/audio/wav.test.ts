// WAV: exact 16-bit round trips, every common encoding sox writes, stereo 44.1 kHz downmixed for a call.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.ts';
import { downmixToMono, encodeWav, readWav } from '../../src/audio/wav.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { goertzelAmplitude, middle, sine } from './signal.ts';

const run = promisify(execFile);
let directory = '';

/** A 44.1 kHz stereo WAV made by sox (an independent writer): 440 Hz left, 1000 Hz right, each at half scale. */
async function soxStereo(encoding: string[]): Promise<Uint8Array> {
  const file = join(directory, `${encoding.join('')}.wav`);
  await run('sox', ['-n', '-r', '44100', '-c', '2', ...encoding, file, 'synth', '0.5', 'sine', '440', 'sine', '1000', 'vol', '0.5']);
  return new Uint8Array(await readFile(file));
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'frontdesk-wav-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('WAV', () => {
  it('round-trips mono 16-bit samples and the rate exactly', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const bytes = encodeWav(samples, 8000);
    expect(bytes).toHaveLength(44 + samples.length * 2);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    const decoded = readWav(bytes);
    expect(decoded.sampleRate).toBe(8000);
    expect(decoded.channels).toHaveLength(1);
    expect([...(decoded.channels[0] as Int16Array)]).toEqual([...samples]);
  });

  it('round-trips a 44.1 kHz stereo file and downmixes it to mono with both channels at half level', async () => {
    const left = sine(440, { sampleRate: 44100, durationMs: 500, amplitude: 16000 });
    const right = sine(1000, { sampleRate: 44100, durationMs: 500, amplitude: 16000 });
    const decoded = readWav(encodeWav([left, right], 44100));
    expect(decoded.sampleRate).toBe(44100);
    expect([...(decoded.channels[0] as Int16Array)]).toEqual([...left]);
    expect([...(decoded.channels[1] as Int16Array)]).toEqual([...right]);
    const mono = downmixToMono(decoded.channels);
    expect(mono).toHaveLength(left.length);
    expect(goertzelAmplitude(mono, 440, 44100)).toBeCloseTo(8000, -2);
    expect(goertzelAmplitude(mono, 1000, 44100)).toBeCloseTo(8000, -2);
  });

  it.each([
    ['8-bit unsigned', ['-b', '8', '-e', 'unsigned-integer'], 400],
    ['16-bit', ['-b', '16', '-e', 'signed-integer'], 2],
    ['24-bit', ['-b', '24', '-e', 'signed-integer'], 1],
    ['32-bit', ['-b', '32', '-e', 'signed-integer'], 1],
    ['32-bit float', ['-b', '32', '-e', 'floating-point'], 1],
    ['μ-law', ['-b', '8', '-e', 'mu-law'], 700],
    ['A-law', ['-b', '8', '-e', 'a-law'], 700],
  ] as [string, string[], number][])('reads a %s 44.1 kHz stereo file from sox into the same 16-bit channels as a 64-bit float one', async (_name, encoding, tolerance) => {
    // sox dithers at 16 bits and below, hence a tolerance of a few steps of each format.
    const reference = readWav(await soxStereo(['-b', '64', '-e', 'floating-point']));
    const decoded = readWav(await soxStereo(encoding));
    expect(decoded.sampleRate).toBe(44100);
    expect(decoded.channels).toHaveLength(2);
    for (const [channel, samples] of decoded.channels.entries()) {
      const expected = reference.channels[channel] as Int16Array;
      expect(samples).toHaveLength(22050);
      let worst = 0;
      samples.forEach((value, index) => (worst = Math.max(worst, Math.abs(value - (expected[index] as number)))));
      expect(worst).toBeLessThanOrEqual(tolerance);
    }
  });

  it('scales a 64-bit float file to 16-bit full scale: half-scale tones read at amplitude 16384', async () => {
    const decoded = readWav(await soxStereo(['-b', '64', '-e', 'floating-point']));
    expect(goertzelAmplitude(decoded.channels[0] as Int16Array, 440, 44100)).toBeCloseTo(16384, -2);
    expect(goertzelAmplitude(decoded.channels[1] as Int16Array, 1000, 44100)).toBeCloseTo(16384, -2);
    expect(goertzelAmplitude(decoded.channels[0] as Int16Array, 1000, 44100)).toBeLessThan(20);
  });

  it('feeds a call: a stereo 44.1 kHz file downmixed and resampled to 16 kHz keeps both tones', async () => {
    const decoded = readWav(await soxStereo(['-b', '24', '-e', 'signed-integer']));
    const mono = await resample(downmixToMono(decoded.channels), decoded.sampleRate, 16000);
    expect(mono).toHaveLength(8000);
    expect(goertzelAmplitude(middle(mono, 16000), 440, 16000)).toBeCloseTo(8192, -2);
    expect(goertzelAmplitude(middle(mono, 16000), 1000, 16000)).toBeCloseTo(8192, -2);
  });

  it('rejects bytes that are not a WAV file with AUDIO_INVALID', () => {
    expect(() => readWav(new TextEncoder().encode('not a wav file at all, just text'))).toThrow(expect.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID')));
  });

  it('refuses channels of different lengths', () => {
    expect(() => encodeWav([new Int16Array(3), new Int16Array(4)], 8000)).toThrow(/same length/);
  });
});
