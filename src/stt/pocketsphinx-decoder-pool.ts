// A per-process pool of PocketSphinx decoders: loading the acoustic model and 134k-word dictionary takes ~0.4 s, so decoders are reused across utterances.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Grammar } from './grammar.ts';
import type { NativePointer, PocketSphinxLibrary } from './pocketsphinx-library.ts';

/** The search PocketSphinx creates from `-lm`: the generic en-us trigram model. */
export const freeSearchName = '_default';
/** Grammars a decoder keeps compiled; the oldest is dropped past this many. */
const maxSearchesPerDecoder = 24;

export interface PooledDecoder {
  readonly pointer: NativePointer;
  /** Compiled grammar searches, oldest first. */
  readonly searches: string[];
  readonly addedWords: Set<string>;
}

export class DecoderPool {
  private readonly idle: PooledDecoder[] = [];
  private closed = false;

  constructor(
    private readonly library: PocketSphinxLibrary,
    private readonly decoderArguments: string[],
    private readonly maxIdleDecoders: number,
  ) {}

  async acquire(): Promise<PooledDecoder> {
    const reused = this.idle.pop();
    if (reused) return reused;
    const pointer = await this.library.createDecoder(this.decoderArguments);
    return { pointer, searches: [], addedWords: new Set() };
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
