// Offline TTS: espeak-ng streams audio sentence by sentence and stops at once on barge-in.
import { describe, expect, it } from 'vitest';
import { isFrontdeskError } from '../../src/errors.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import { runTtsContract } from './contract.ts';

runTtsContract('espeak', { create: () => createEspeakTts() });

describe('espeak setup', () => {
  it('names the Debian package when espeak-ng is not installed', () => {
    let caught: unknown;
    try {
      createEspeakTts({ command: 'espeak-ng-not-installed' });
    } catch (error) {
      caught = error;
    }
    expect(isFrontdeskError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('apt-get install espeak-ng');
  });

  it('speaks more slowly at a lower rate', async () => {
    const measure = async (rate: number) => {
      let samples = 0;
      for await (const frame of createEspeakTts({ rate }).synthesize('Please hold while I check the schedule.')) samples += frame.samples.length;
      return samples;
    };
    expect(await measure(120)).toBeGreaterThan((await measure(240)) * 1.5);
  });

  it('reads text that starts with a dash as speech, not as an option', async () => {
    let samples = 0;
    for await (const frame of createEspeakTts().synthesize('-v is not a voice')) samples += frame.samples.length;
    expect(samples / 22050).toBeGreaterThan(0.8);
  });
});
