// The PocketSphinx decoder pool: a decoder loads the acoustic model once (~0.4 s, ~6 MB) and then serves any turn.
import { describe, expect, it } from 'vitest';
import { DecoderPool } from '../../src/stt/pocketsphinx-decoder-pool.ts';
import { loadPocketSphinx, type PocketSphinxLibrary } from '../../src/stt/pocketsphinx-library.ts';
import { prepareGrammar, staticVocabulary } from '../../src/stt/pocketsphinx.ts';
import type { Expectation } from '../../src/understanding/types.ts';

const grammarOptions = { names: ['smith', 'okafor'] };

describe('decoder pool', () => {
  it("serves a call's successive questions (intent, name, date of birth, phone, yes/no) with the one decoder loaded for the first", async () => {
    const library = loadPocketSphinx();
    let created = 0;
    const counting: PocketSphinxLibrary = {
      ...library,
      createDecoder: (...args) => {
        created += 1;
        return library.createDecoder(...args);
      },
    };
    const pool = new DecoderPool(counting, ['-wip', '0.2'], 4);
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
      expect(created).toBe(1);
      expect(decoders.size).toBe(1);
      // Two turns at once need two decoders; the second also serves any question.
      const { grammar, pronunciations } = await prepareGrammar(library, { slots: ['phone'] }, grammarOptions);
      const first = await pool.open(grammar, pronunciations, vocabulary);
      const second = await pool.open(grammar, pronunciations, vocabulary);
      expect(created).toBe(2);
      pool.release(first.decoder);
      const name = await prepareGrammar(library, { slots: ['lastName'] }, grammarOptions);
      const third = await pool.open(name.grammar, name.pronunciations, vocabulary);
      expect(third.ready).toBe(true);
      expect(created).toBe(2);
      pool.release(second.decoder);
      pool.release(third.decoder);
    } finally {
      pool.close();
    }
  }, 60_000);
});
