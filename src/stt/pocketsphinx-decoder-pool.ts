// A per-process pool of PocketSphinx decoders: loading the acoustic model and 134k-word dictionary takes ~0.4 s, so decoders are reused across utterances.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** `grammar`: a lean decoder (no LM, words added as grammars need them); `free`: the full dictionary and generic LM. */
export type DecoderKind = 'grammar' | 'free';

export interface PooledDecoder {
  readonly pointer: NativePointer;
  readonly kind: DecoderKind;
  /** The band whose arguments it was loaded with, or "shared" when both bands load the same (no telephone adaptation). */
  readonly loadedFor: Band | 'shared';
  /** Compiled grammar searches, oldest first. */
  readonly searches: string[];
  readonly addedWords: Set<string>;
}

/** Words (CMUdict's or made) a fresh lean decoder learns before its first grammar, with the pronunciations made for words CMUdict lacks. */
export interface Vocabulary {
  words: readonly string[];
  pronunciations: Map<string, string>;
}

/** The one word of a lean decoder's dictionary file. */
const leanDictionaryWord = 'a';

/** Idle free-search decoders kept: few turns run without a grammar, and each holds ~95 MB. */
const maxIdleFreeDecoders = 2;

/** Decoder arguments that apply to one band only, e.g. an MLLR transform (`-mllr`) for telephone audio. */
export type BandArguments = Partial<Record<Band, string[]>>;

export class DecoderPool {
  /** Idle decoders by the band they were loaded for: a transform is part of a decoder's model, so bands with different arguments do not share decoders. */
  private readonly idle = new Map<string, PooledDecoder[]>();
  private closed = false;
  private leanDictionary: string | undefined;
  /** The latest cepstral mean per band: each utterance starts from what the previous one of its band ended with. */
  private readonly bandMeans = new Map<Band, Float32Array>([['narrowband', Float32Array.from(narrowbandCepstralMean)]]);

  constructor(
    private readonly library: PocketSphinxLibrary,
    private readonly decoderArguments: string[],
    private readonly maxIdleDecoders: number,
    private readonly bandArguments: BandArguments = {},
  ) {}

  /** What a stream of `band` loads: the band itself when it has arguments of its own (either band), else the shared decoders. */
  private loadedFor(band: Band): Band | 'shared' {
    return this.bandArguments.narrowband || this.bandArguments.wideband ? band : 'shared';
  }

  private idleList(kind: DecoderKind, loadedFor: Band | 'shared'): PooledDecoder[] {
    const key = `${kind}:${loadedFor}`;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    return list;
  }

  /**
   * A decoder ready to listen with `grammar` (or the generic LM when null). A lean decoder is reused only when it has
   * the grammar compiled or already holds all its words: PocketSphinx 5prealpha crashes compiling a grammar after words
   * were added to a decoder that has a search, so words go only into fresh decoders, before their first grammar.
   */
  async open(grammar: Grammar | null, pronunciations: Map<string, string>, vocabulary?: Vocabulary, band: Band = 'wideband'): Promise<{ decoder: PooledDecoder; ready: boolean }> {
    const loadedFor = this.loadedFor(band);
    if (grammar === null) {
      const decoder = await this.acquire('free', loadedFor);
      return { decoder, ready: this.library.setSearch(decoder.pointer, freeSearchName) };
    }
    const name = searchName(grammar);
    const words = new Set([...grammar.words, ...pronunciations.keys()]);
    const idle = this.idleList('grammar', loadedFor);
    let index = lastIndexWhere(idle, (decoder) => decoder.searches.includes(name));
    if (index < 0) index = lastIndexWhere(idle, (decoder) => [...words].every((word) => decoder.addedWords.has(word)));
    if (index >= 0) {
      const decoder = idle.splice(index, 1)[0]!;
      return { decoder, ready: await this.useGrammar(decoder, grammar, pronunciations) };
    }
    // A fresh decoder learns the whole vocabulary now, before its first search: later grammars made of those words compile
    // in it too, so decoders serve any turn and their number follows the streams open at once, not streams per grammar.
    const decoder = await this.acquire('grammar', loadedFor, true);
    return { decoder, ready: await this.useGrammar(decoder, grammar, pronunciations, vocabulary) };
  }

  private async acquire(kind: DecoderKind, loadedFor: Band | 'shared', fresh = false): Promise<PooledDecoder> {
    const reused = fresh ? undefined : this.idleList(kind, loadedFor).pop();
    if (reused) return reused;
    const argumentsForBand = loadedFor === 'shared' ? this.decoderArguments : [...this.decoderArguments, ...(this.bandArguments[loadedFor] ?? [])];
    const pointer = await this.library.createDecoder(argumentsForBand, kind === 'grammar' ? { dictionary: this.leanDictionaryFile() } : undefined);
    if (!this.bandMeans.has('wideband') && loadedFor !== 'narrowband') {
      const modelMean = this.library.cepstralMean(pointer);
      if (modelMean) this.bandMeans.set('wideband', modelMean);
    }
    // A lean decoder already knows its dictionary's one word: adding it again fails, and counting it missing would make every later grammar need a fresh decoder.
    return { pointer, kind, loadedFor, searches: [], addedWords: new Set(kind === 'grammar' ? [leanDictionaryWord] : []) };
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
    if (this.closed) return this.library.freeDecoder(decoder.pointer);
    const idle = this.idleList(decoder.kind, decoder.loadedFor);
    idle.push(decoder);
    // The least recently used goes: the newest carries the grammars callers are at now.
    while (idle.length > (decoder.kind === 'grammar' ? this.maxIdleDecoders : maxIdleFreeDecoders)) this.library.freeDecoder(idle.shift()!.pointer);
  }

  /** Frees a decoder that may be in a bad state. */
  discard(decoder: PooledDecoder): void {
    this.library.freeDecoder(decoder.pointer);
  }

  /** Adds the words the grammar needs (only ever to a decoder without searches, or words it holds already), then compiles and activates it. */
  private async useGrammar(decoder: PooledDecoder, grammar: Grammar, pronunciations: Map<string, string>, vocabulary?: Vocabulary): Promise<boolean> {
    const name = searchName(grammar);
    const known = decoder.searches.indexOf(name);
    if (known >= 0) {
      decoder.searches.splice(known, 1);
      decoder.searches.push(name);
      return this.library.setSearch(decoder.pointer, name);
    }
    // Lean decoders need every grammar word; full ones hold CMUdict and need only the pronunciations made for other words.
    const words = decoder.kind === 'grammar' ? [...grammar.words, ...pronunciations.keys(), ...(vocabulary ? vocabularyWords(vocabulary) : [])] : [...pronunciations.keys()];
    await this.learn(decoder, words, pronunciations, vocabulary);
    if (!(await this.library.setJsgfSearch(decoder.pointer, name, grammar.jsgf))) {
      if (decoder.kind === 'free') this.library.setSearch(decoder.pointer, freeSearchName);
      return false;
    }
    decoder.searches.push(name);
    if (!this.library.setSearch(decoder.pointer, name)) return false;
    while (decoder.searches.length > maxSearchesPerDecoder) this.library.unsetSearch(decoder.pointer, decoder.searches.shift() as string);
    return true;
  }

  /** Adds the words the decoder lacks (CMUdict's pronunciations, else the made ones); only ever before a lean decoder's first search. */
  private async learn(decoder: PooledDecoder, words: Iterable<string>, pronunciations: Map<string, string>, vocabulary?: Vocabulary): Promise<void> {
    const dictionary = decoder.kind === 'grammar' ? await dictionaryPronunciations(this.library.files.dictionary) : undefined;
    const additions: Array<[string, string]> = [];
    for (const word of new Set(words)) {
      if (decoder.addedWords.has(word)) continue;
      const made = pronunciations.get(word) ?? vocabulary?.pronunciations.get(word);
      const variants = dictionary?.get(word) ?? (made !== undefined ? [made] : []);
      variants.forEach((phones, index) => additions.push([index === 0 ? word : `${word}(${index + 1})`, phones]));
      decoder.addedWords.add(word);
    }
    if (additions.length > 0 && decoder.searches.length > 0 && decoder.kind === 'grammar') throw new Error('words added to a lean decoder that has a search');
    for (const [index, [word, phones]] of additions.entries()) {
      // Searches are rebuilt once, with the last word.
      if (!this.library.addWord(decoder.pointer, word, phones, index === additions.length - 1)) decoder.addedWords.delete(word.replace(/\(\d+\)$/, ''));
    }
  }

  /**
   * Loads `count` lean decoders that know `vocabulary`, one after another, into `band`'s idle list, so the first turns of a
   * burst of calls (each needing a decoder at once) do not all wait for model loads. Stops early if the pool closes.
   */
  async prewarm(count: number, vocabulary: Vocabulary, band: Band = 'wideband'): Promise<void> {
    const loadedFor = this.loadedFor(band);
    for (let loaded = 0; loaded < count && !this.closed && this.idleList('grammar', loadedFor).length < this.maxIdleDecoders; loaded += 1) {
      const decoder = await this.acquire('grammar', loadedFor, true);
      await this.learn(decoder, vocabularyWords(vocabulary), vocabulary.pronunciations);
      this.release(decoder);
    }
  }

  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const decoder of list.splice(0)) this.library.freeDecoder(decoder.pointer);
  }

  /** A one-word dictionary for lean decoders, written once per process (PocketSphinx needs a file; grammars add the rest). */
  private leanDictionaryFile(): string {
    if (!this.leanDictionary) {
      const directory = mkdtempSync(join(tmpdir(), 'frontdesk-pocketsphinx-'));
      this.leanDictionary = join(directory, 'lean.dict');
      writeFileSync(this.leanDictionary, `${leanDictionaryWord} AH\n`);
      process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    }
    return this.leanDictionary;
  }
}

function vocabularyWords(vocabulary: Vocabulary): string[] {
  return [...vocabulary.words, ...vocabulary.pronunciations.keys()];
}

function lastIndexWhere<T>(items: T[], matches: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) if (matches(items[index] as T)) return index;
  return -1;
}

function searchName(grammar: Grammar): string {
  return `g${createHash('sha1').update(grammar.jsgf).digest('hex').slice(0, 16)}`;
}

const dictionaries = new Map<string, Promise<Map<string, string[]>>>();

/** Each word of a CMUdict-format file with its pronunciations in file order ("word(2)" variants folded in), read once per process. */
export function dictionaryPronunciations(path: string): Promise<Map<string, string[]>> {
  let words = dictionaries.get(path);
  if (!words) {
    words = readFile(path, 'utf8').then((text) => {
      const map = new Map<string, string[]>();
      for (const line of text.split('\n')) {
        const end = line.indexOf(' ');
        if (end <= 0) continue;
        const word = line.slice(0, end).replace(/\(\d+\)$/, '');
        const phones = line.slice(end + 1).trim();
        const known = map.get(word);
        if (known) known.push(phones);
        else map.set(word, [phones]);
      }
      return map;
    });
    dictionaries.set(path, words);
  }
  return words;
}
