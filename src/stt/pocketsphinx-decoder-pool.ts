// A per-process pool of PocketSphinx decoders: loading the acoustic model and 134k-word dictionary takes ~0.4 s, so decoders are reused across utterances.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Grammar } from './grammar.ts';
import type { NativePointer, PocketSphinxLibrary } from './pocketsphinx-library.ts';

/** The search PocketSphinx creates from `-lm`: the generic en-us trigram model. */
export const freeSearchName = '_default';
/** Grammars a decoder keeps compiled; the oldest is dropped past this many. */
const maxSearchesPerDecoder = 24;

/** Telephone audio (8 kHz, upsampled) has no energy above 4 kHz, so its cepstral mean differs wildly from the model's wideband one. */
export type Band = 'narrowband' | 'wideband';

/**
 * Starting cepstral mean for narrowband audio, measured by decoding 16 generated 8 kHz utterances (four espeak-ng voices).
 * The model's own `-cmninit` is for 16 kHz speech; starting a narrowband utterance from it loses the first utterance.
 */
const narrowbandCepstralMean = [49.01, 24.19, -36.83, 48.59, -22.47, -4.02, 10.7, -38.66, 13.65, -11.67, -2.51, 12.78, -19.51];

export interface PooledDecoder {
  readonly pointer: NativePointer;
  /** Compiled grammar searches, oldest first. */
  readonly searches: string[];
  readonly addedWords: Set<string>;
}

export class DecoderPool {
  private readonly idle: PooledDecoder[] = [];
  private closed = false;
  /** The latest cepstral mean per band: each utterance starts from what the previous one of its band ended with. */
  private readonly bandMeans = new Map<Band, Float32Array>([['narrowband', Float32Array.from(narrowbandCepstralMean)]]);

  constructor(
    private readonly library: PocketSphinxLibrary,
    private readonly decoderArguments: string[],
    private readonly maxIdleDecoders: number,
  ) {}

  async acquire(): Promise<PooledDecoder> {
    const reused = this.idle.pop();
    if (reused) return reused;
    const pointer = await this.library.createDecoder(this.decoderArguments);
    if (!this.bandMeans.has('wideband')) {
      const modelMean = this.library.cepstralMean(pointer);
      if (modelMean) this.bandMeans.set('wideband', modelMean);
    }
    return { pointer, searches: [], addedWords: new Set() };
  }

  /** Starts the decoder's feature normalisation from the band's latest mean (a reused decoder may come from the other band). */
  prepareBand(decoder: PooledDecoder, band: Band): void {
    const mean = this.bandMeans.get(band);
    if (mean) this.library.setCepstralMean(decoder.pointer, mean);
  }

  /** Remembers the mean an utterance with recognised speech ended with. */
  rememberBand(decoder: PooledDecoder, band: Band): void {
    const mean = this.library.cepstralMean(decoder.pointer);
    if (mean && mean.every(Number.isFinite)) this.bandMeans.set(band, mean);
  }

  /** Returns a decoder whose utterance has ended; it is freed instead when the pool is full or closed. */
  release(decoder: PooledDecoder): void {
    if (this.closed || this.idle.length >= this.maxIdleDecoders) this.library.freeDecoder(decoder.pointer);
    else this.idle.push(decoder);
  }

  /** Frees a decoder that may be in a bad state. */
  discard(decoder: PooledDecoder): void {
    this.library.freeDecoder(decoder.pointer);
  }

  /**
   * Activates the grammar (or the generic LM when null) on this decoder, first adding any word pronunciations it needs.
   * Returns false when PocketSphinx rejected the grammar; the free search is then active.
   */
  useGrammar(decoder: PooledDecoder, grammar: Grammar | null, pronunciations: Map<string, string>): boolean {
    if (grammar === null) return this.library.setSearch(decoder.pointer, freeSearchName);
    for (const [word, phones] of pronunciations) {
      if (!decoder.addedWords.has(word) && this.library.addWord(decoder.pointer, word, phones)) decoder.addedWords.add(word);
    }
    const name = `g${createHash('sha1').update(grammar.jsgf).digest('hex').slice(0, 16)}`;
    const known = decoder.searches.indexOf(name);
    if (known >= 0) {
      decoder.searches.splice(known, 1);
      decoder.searches.push(name);
      return this.library.setSearch(decoder.pointer, name);
    }
    if (!this.library.setJsgfSearch(decoder.pointer, name, grammar.jsgf)) {
      this.library.setSearch(decoder.pointer, freeSearchName);
      return false;
    }
    decoder.searches.push(name);
    if (!this.library.setSearch(decoder.pointer, name)) return false;
    while (decoder.searches.length > maxSearchesPerDecoder) this.library.unsetSearch(decoder.pointer, decoder.searches.shift() as string);
    return true;
  }

  close(): void {
    this.closed = true;
    for (const decoder of this.idle.splice(0)) this.library.freeDecoder(decoder.pointer);
  }
}

const dictionaries = new Map<string, Promise<Set<string>>>();

/** The words of a CMUdict-format file ("word(2)" variants folded), read once per process. */
export function dictionaryWords(path: string): Promise<Set<string>> {
  let words = dictionaries.get(path);
  if (!words) {
    words = readFile(path, 'utf8').then((text) => {
      const set = new Set<string>();
      for (const line of text.split('\n')) {
        const end = line.indexOf(' ');
        if (end > 0) set.add(line.slice(0, end).replace(/\(\d+\)$/, ''));
      }
      return set;
    });
    dictionaries.set(path, words);
  }
  return words;
}
