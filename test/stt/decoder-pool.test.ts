// The PocketSphinx decoder pool: a decoder loads the acoustic model once (~0.4 s, ~6 MB) and then serves any turn.
import { describe, expect, it } from 'vitest';
import { DecoderPool, type BandArguments } from '../../src/stt/pocketsphinx-decoder-pool.ts';
import { loadPocketSphinx, type PocketSphinxLibrary } from '../../src/stt/pocketsphinx-library.ts';
import { prepareGrammar, staticVocabulary, telephoneAdaptationFile } from '../../src/stt/pocketsphinx.ts';
import type { Expectation } from '../../src/understanding/types.ts';

const grammarOptions = { names: ['smith', 'okafor'] };

/** A pool of up to 4 idle decoders over the real library, counting the decoders it loads (and their arguments). */
function countingPool(bandArguments: BandArguments = {}): { library: PocketSphinxLibrary; pool: DecoderPool; created: () => number; loadedWith: string[][] } {
  const library = loadPocketSphinx();
  const loadedWith: string[][] = [];
  const counting: PocketSphinxLibrary = {
    ...library,
    createDecoder: (...args) => {
      loadedWith.push(args[0]);
      return library.createDecoder(...args);
    },
  };
  return { library, pool: new DecoderPool(counting, ['-wip', '0.2'], 4, bandArguments), created: () => loadedWith.length, loadedWith };
}

describe('decoder pool', () => {
  it("serves a call's successive questions (intent, name, date of birth, phone, yes/no) with the one decoder loaded for the first", async () => {
    const { library, pool, created } = countingPool();
    const vocabulary = await staticVocabulary(library, grammarOptions, undefined);
    const turns: Expectation[] = [{ slots: ['intent'] }, { slots: ['lastName'] }, { slots: ['dateOfBirth'] }, { slots: ['phone'] }, { slots: ['yesNo'] }];
    const decoders = new Set<unknown>();
    try {
      for (const expectation of turns) {
        const { grammar, pronunciations } = await prepareGrammar(library, expectation, grammarOptions);
        const { decoder, ready } = await pool.open(grammar, pronunciations, vocabulary);
        expect(ready).toBe(true);
        decoders.add(decoder.pointer);
        pool.release(decoder);
      }
      expect(created()).toBe(1);
      expect(decoders.size).toBe(1);
      // Two turns at once need two decoders; the second also serves any question.
      const { grammar, pronunciations } = await prepareGrammar(library, { slots: ['phone'] }, grammarOptions);
      const first = await pool.open(grammar, pronunciations, vocabulary);
      const second = await pool.open(grammar, pronunciations, vocabulary);
      expect(created()).toBe(2);
      pool.release(first.decoder);
      const name = await prepareGrammar(library, { slots: ['lastName'] }, grammarOptions);
      const third = await pool.open(name.grammar, name.pronunciations, vocabulary);
      expect(third.ready).toBe(true);
      expect(created()).toBe(2);
      pool.release(second.decoder);
      pool.release(third.decoder);
    } finally {
      pool.close();
    }
  }, 60_000);

  it('loads warm decoders in advance, and turns that start together take them instead of loading their own', async () => {
    const { library, pool, created } = countingPool();
    const vocabulary = await staticVocabulary(library, grammarOptions, undefined);
    try {
      await pool.prewarm(3, vocabulary);
      expect(created()).toBe(3);
      const grammars = await Promise.all((['intent', 'lastName', 'phone'] as const).map((slot) => prepareGrammar(library, { slots: [slot] }, grammarOptions)));
      const opened = await Promise.all(grammars.map(({ grammar, pronunciations }) => pool.open(grammar, pronunciations, vocabulary)));
      expect(opened.map(({ ready }) => ready)).toEqual([true, true, true]);
      expect(created()).toBe(3);
      for (const { decoder } of opened) pool.release(decoder);
    } finally {
      pool.close();
    }
  }, 60_000);

  it('gives telephone turns decoders loaded with the telephone transform, and never hands those to a 16 kHz turn', async () => {
    const { library, pool, created, loadedWith } = countingPool({ narrowband: ['-mllr', telephoneAdaptationFile] });
    const vocabulary = await staticVocabulary(library, grammarOptions, undefined);
    try {
      const { grammar, pronunciations } = await prepareGrammar(library, { slots: ['phone'] }, grammarOptions);
      const phone = await pool.open(grammar, pronunciations, vocabulary, 'narrowband');
      expect(phone.ready).toBe(true);
      pool.release(phone.decoder);
      const wide = await pool.open(grammar, pronunciations, vocabulary, 'wideband');
      expect(wide.ready).toBe(true);
      expect(wide.decoder.pointer).not.toBe(phone.decoder.pointer);
      pool.release(wide.decoder);
      const phoneAgain = await pool.open(grammar, pronunciations, vocabulary, 'narrowband');
      expect(phoneAgain.decoder.pointer).toBe(phone.decoder.pointer);
      pool.release(phoneAgain.decoder);
      expect(created()).toBe(2);
      expect(loadedWith.map((argv) => argv.includes('-mllr'))).toEqual([true, false]);
    } finally {
      pool.close();
    }
  }, 60_000);
});
