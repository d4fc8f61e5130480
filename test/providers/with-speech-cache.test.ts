// The speech cache: a sentence is synthesized once and replayed, shared while in flight, never kept when it failed, bounded in memory.
import { describe, expect, it } from 'vitest';
import type { PcmFrame } from '../../src/audio/types.ts';
import { FrontdeskError, isFrontdeskError } from '../../src/errors.ts';
import { withSpeechCache } from '../../src/providers/with-speech-cache.ts';
import type { SynthesisOptions, TextToSpeech } from '../../src/tts/types.ts';

/** A TTS that renders each character as a 100-sample frame of its code, yielding between frames, and counts its syntheses. */
function scriptedTts(options: { failOn?: string } = {}): TextToSpeech & { syntheses: string[] } {
  const syntheses: string[] = [];
  return {
    name: 'scripted',
    sampleRate: 16000,
    syntheses,
    async *synthesize(text: string, synthesisOptions: SynthesisOptions = {}) {
      syntheses.push(text);
      for (const [index, character] of [...text].entries()) {
        await new Promise((resolve) => setImmediate(resolve));
        if (synthesisOptions.abortSignal?.aborted) return;
        if (options.failOn === text && index === 2) throw new FrontdeskError('PROVIDER_FAILED', 'synthesis broke');
        yield { samples: new Int16Array(100).fill(character.charCodeAt(0)), sampleRate: 16000 };
      }
    },
  };
}

async function collect(frames: AsyncIterable<PcmFrame>, stopAfter = Number.POSITIVE_INFINITY, onStop?: () => void): Promise<string> {
  let text = '';
  for await (const frame of frames) {
    text += String.fromCharCode(frame.samples[0] as number);
    if (text.length === stopAfter) onStop?.();
  }
  return text;
}

describe('withSpeechCache', () => {
  it('synthesizes a sentence once and replays the same audio for the next call, whitespace aside', async () => {
    const provider = scriptedTts();
    const tts = withSpeechCache(provider);
    expect(await collect(tts.synthesize('What is your last name?'))).toBe('What is your last name?');
    expect(await collect(tts.synthesize('What is your  last name? '))).toBe('What is your last name?');
    expect(provider.syntheses).toEqual(['What is your last name?']);
    expect(tts.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 23 * 200 });
  });

  it('lets calls asking for a sentence while it is being synthesized read that one synthesis', async () => {
    const provider = scriptedTts();
    const tts = withSpeechCache(provider);
    const heard = await Promise.all(Array.from({ length: 5 }, () => collect(tts.synthesize('Thank you for calling.'))));
    expect(heard).toEqual(Array(5).fill('Thank you for calling.'));
    expect(provider.syntheses).toHaveLength(1);
  });

  it('finishes the synthesis for the next call when the caller who asked first barges in', async () => {
    const provider = scriptedTts();
    const tts = withSpeechCache(provider);
    const abort = new AbortController();
    const first = await collect(tts.synthesize('Which day suits you?', { abortSignal: abort.signal }), 4, () => abort.abort());
    expect(first).toBe('Whic');
    expect(await collect(tts.synthesize('Which day suits you?'))).toBe('Which day suits you?');
    expect(provider.syntheses).toHaveLength(1);
  });

  it('passes a failure on to every caller reading it, keeps nothing, and synthesizes afresh next time', async () => {
    const provider = scriptedTts({ failOn: 'Goodbye.' });
    const tts = withSpeechCache(provider);
    const readers = await Promise.allSettled([collect(tts.synthesize('Goodbye.')), collect(tts.synthesize('Goodbye.'))]);
    for (const reader of readers) {
      expect(reader.status).toBe('rejected');
      expect(isFrontdeskError((reader as PromiseRejectedResult).reason, 'PROVIDER_FAILED')).toBe(true);
    }
    expect(tts.stats().entries).toBe(0);
    await expect(collect(tts.synthesize('Goodbye.'))).rejects.toThrow('synthesis broke');
    expect(provider.syntheses).toHaveLength(2);
  });

  it('drops the least recently used sentences past its memory bound and passes long texts through uncached', async () => {
    const provider = scriptedTts();
    // Each 10-character sentence takes 2000 bytes: two fit.
    const tts = withSpeechCache(provider, { maxBytes: 4000, maxTextLength: 40 });
    await collect(tts.synthesize('sentence 1'));
    await collect(tts.synthesize('sentence 2'));
    await collect(tts.synthesize('sentence 1'));
    await collect(tts.synthesize('sentence 3'));
    expect(tts.stats()).toMatchObject({ entries: 2, bytes: 4000 });
    await collect(tts.synthesize('sentence 1'));
    await collect(tts.synthesize('sentence 2'));
    expect(provider.syntheses).toEqual(['sentence 1', 'sentence 2', 'sentence 3', 'sentence 2']);
    const long = 'x'.repeat(41);
    await collect(tts.synthesize(long));
    await collect(tts.synthesize(long));
    expect(provider.syntheses.filter((text) => text === long)).toHaveLength(2);
  });

  it('delivers a sentence at the line’s rate, resampled once and kept at that rate as well', async () => {
    const provider = scriptedTts();
    const tts = withSpeechCache(provider);
    const phone = tts.atSampleRate(8000);
    expect(phone.sampleRate).toBe(8000);
    const hear = async () => {
      const frames: PcmFrame[] = [];
      for await (const frame of phone.synthesize('Hello there.')) frames.push(frame);
      return frames;
    };
    const first = await hear();
    const second = await hear();
    expect(first.every((frame) => frame.sampleRate === 8000)).toBe(true);
    // 12 characters × 100 samples at 16 kHz become 600 samples at 8 kHz.
    expect(first.reduce((total, frame) => total + frame.samples.length, 0)).toBe(600);
    expect(second).toEqual(first);
    expect(provider.syntheses).toEqual(['Hello there.']);
    expect(await collect(tts.synthesize('Hello there.'))).toBe('Hello there.');
    expect(provider.syntheses).toHaveLength(1);
  });

  it('hands out copies: a caller changing its frames does not change what the next call hears', async () => {
    const tts = withSpeechCache(scriptedTts());
    for await (const frame of tts.synthesize('ab')) frame.samples.fill(0);
    expect(await collect(tts.synthesize('ab'))).toBe('ab');
  });
});
