// Offline speech-to-text: CMU PocketSphinx in-process, listening with a per-state grammar built from the call's expectation.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FrontdeskError } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { acquireResampler } from '../audio/resampler-pool.ts';
import type { Resampler } from '../audio/resampler.ts';
import { slotNames, type Expectation, type SlotName } from '../understanding/types.ts';
import { EventQueue } from './event-queue.ts';
import { buildGrammar, chunkHesitations, digitWords, externalWords, type Grammar, type GrammarOptions } from './grammar.ts';
import { DecoderPool, dictionaryPronunciations, type Band, type PooledDecoder, type Vocabulary } from './pocketsphinx-decoder-pool.ts';
import { loadPocketSphinx, type PocketSphinxLibrary, type PocketSphinxPaths } from './pocketsphinx-library.ts';
import { pronounceWords } from './pronunciation.ts';
import { chooseTranscript, grammarConfidence, interruptWithoutAnswer, needsSecondPass, type GrammarHypothesis } from './transcript-choice.ts';
import type { SpeechToText, SttStream, SttStreamOptions, TranscriptEvent } from './types.ts';

/** The rate PocketSphinx's en-us acoustic model was trained on, Hz: every call's audio is resampled to it. */
const decoderSampleRate = 16000;

export interface PocketSphinxSttOptions extends PocketSphinxPaths, GrammarOptions {
  /** Grammar decoders kept loaded between utterances (each ~6 MB plus its compiled grammars), per band when a telephone transform is set; default 2. */
  maxIdleDecoders?: number;
  /** Grammar decoders loaded in the background right away (at most `maxIdleDecoders`), so a burst of first turns does not wait for model loads; default 0. */
  warmDecoders?: number;
  /** Extra PocketSphinx "-name value" arguments, e.g. ["-beam", "1e-60"]. */
  decoderArguments?: string[];
  /** Command used to pronounce words missing from CMUdict; default "espeak-ng". */
  espeakCommand?: string;
  /**
   * Which utterances the grammar is unsure of (no expected value in its transcript, or a low score) are decoded again with
   * the generic language model, whose transcript is then used when it holds more: "wideband" (default) only 16 kHz and
   * wider audio, "all" telephone audio too, "never" none. Measured (bench/offline-speech.ts): at 16 kHz it raised value
   * accuracy a little on most voices; at 8 kHz μ-law only for flite voices, and it rechecked up to 80% of espeak-ng turns at ~5× the decoding cost.
   */
  secondPass?: 'never' | 'wideband' | 'all';
  /** Told each time a second pass runs (benchmarks, metrics); in-process only. */
  onSecondPass?: () => void;
  /**
   * An MLLR transform (sphinxtrain's `mllr_solve` output) of the acoustic model for telephone audio (under 16 kHz), whose
   * upsampled band stops at 4 kHz where the model's reaches 6.8 kHz; default `telephoneAdaptationFile`, null for none.
   * Telephone and wideband streams then load decoders of their own.
   */
  telephoneAdaptation?: string | null;
}

/**
 * The telephone transform shipped with frontdesk, made by `npm run adapt:telephone` from synthesized speech (voices
 * that neither caller corpus uses) at 8 kHz μ-law; docs/offline-stt.md gives what it changed.
 */
export const telephoneAdaptationFile = fileURLToPath(new URL('./models/en-us-telephone.mllr', import.meta.url));

/** Samples handed to the decoder per native call (0.25 s at 16 kHz): few calls, partials still timely. */
const samplesPerDecodeCall = 4000;

/** Word insertion penalty, measured on generated callers: the default (0.65) lets grammars insert short words ("oh") between digits, 0.01 drops optional words ("the"); 0.2 did best. */
const defaultDecoderArguments = ['-wip', '0.2'];

/** Creates the offline STT; throws CONFIG_INVALID when the Debian packages are missing. */
export function createPocketSphinxStt(options: PocketSphinxSttOptions = {}): SpeechToText {
  const library = loadPocketSphinx(options);
  const adaptation = options.telephoneAdaptation === undefined ? telephoneAdaptationFile : options.telephoneAdaptation;
  if (adaptation !== null && !existsSync(adaptation)) throw new FrontdeskError('CONFIG_INVALID', `the telephone adaptation ${adaptation} was not found`);
  const pool = new DecoderPool(library, options.decoderArguments ?? defaultDecoderArguments, options.maxIdleDecoders ?? 2, adaptation === null ? {} : { narrowband: ['-mllr', adaptation] });
  // CMUdict (134k words) is parsed now, while nobody is waiting, rather than on the main thread in the first caller's turn.
  void dictionaryPronunciations(library.files.dictionary).catch(() => {});
  const grammarOptions: GrammarOptions = { names: options.names, spelling: options.spelling };
  const secondPassFor = options.secondPass ?? 'wideband';
  const secondPass: SecondPass | undefined =
    secondPassFor === 'never' ? undefined : { narrowband: secondPassFor === 'all' ? 'unsure' : 'interrupts', onSecondPass: options.onSecondPass };
  let vocabulary: Promise<Vocabulary> | undefined;
  const sharedVocabulary = () => {
    vocabulary ??= staticVocabulary(library, grammarOptions, options.espeakCommand);
    return vocabulary;
  };
  if (options.warmDecoders) {
    // With a telephone transform each band loads its own decoders: half the warm ones for each.
    const count = adaptation === null ? options.warmDecoders : Math.ceil(options.warmDecoders / 2);
    void sharedVocabulary()
      .then(async (words) => {
        await pool.prewarm(count, words, 'wideband');
        if (adaptation !== null) await pool.prewarm(count, words, 'narrowband');
      })
      .catch(() => {});
  }
  return {
    name: 'pocketsphinx',
    async open(streamOptions) {
      return openStream(library, pool, grammarOptions, options.espeakCommand, streamOptions, await sharedVocabulary(), secondPass);
    },
    async close() {
      pool.close();
    },
  };
}

/** Builds the grammar for an expectation, pronouncing words CMUdict lacks; exported for the benchmark and docs. */
export async function prepareGrammar(
  library: PocketSphinxLibrary,
  expectation: Expectation | undefined,
  grammarOptions: GrammarOptions,
  espeakCommand?: string,
): Promise<{ grammar: Grammar | null; pronunciations: Map<string, string> }> {
  const dictionary = await dictionaryPronunciations(library.files.dictionary);
  const unknown = externalWords(expectation, grammarOptions).filter((word) => !dictionary.has(word));
  const pronounced = unknown.length > 0 ? await pronounceWords(unknown, { espeakCommand }) : new Map<string, string | null>();
  const pronunciations = new Map<string, string>();
  for (const [word, phones] of pronounced) if (phones) pronunciations.set(word, phones);
  const grammar = buildGrammar(expectation, grammarOptions, (word) => dictionary.has(word) || pronunciations.has(word));
  return { grammar, pronunciations };
}

/** Slots whose words do not depend on what was just offered: every grammar is built from these words plus offered options and places. */
const staticSlots: SlotName[] = slotNames.filter((slot) => slot !== 'reason');

/**
 * The words of every slot's grammar (options and places aside), so one decoder can listen for any of them. Some words
 * belong to a slot asked first or alone (a surname's carriers, the soonest day where no request is open): each slot is
 * built both ways.
 */
export async function staticVocabulary(library: PocketSphinxLibrary, grammarOptions: GrammarOptions, espeakCommand: string | undefined): Promise<Vocabulary> {
  const { grammar, pronunciations } = await prepareGrammar(library, { slots: staticSlots }, grammarOptions, espeakCommand);
  const dictionary = await dictionaryPronunciations(library.files.dictionary);
  const canSay = (word: string) => dictionary.has(word) || pronunciations.has(word);
  const words = new Set(grammar?.words ?? []);
  // The names' words are all in the grammar above: the variants need one name for the name rule's carriers, not the
  // clinic's thousands again (with 3,000 names, 280 ms of the event loop's time at the first call instead of 19).
  const oneName = { ...grammarOptions, names: grammarOptions.names?.slice(0, 1) };
  for (const slot of staticSlots) {
    for (const slots of [[slot], [slot, ...staticSlots.filter((other) => other !== slot)]]) {
      for (const word of buildGrammar({ slots }, oneName, canSay)?.words ?? []) words.add(word);
    }
  }
  return { words: [...words], pronunciations };
}

async function openStream(
  library: PocketSphinxLibrary,
  pool: DecoderPool,
  grammarOptions: GrammarOptions,
  espeakCommand: string | undefined,
  options: SttStreamOptions,
  vocabulary: Vocabulary,
  secondPass: SecondPass | undefined,
): Promise<SttStream> {
  if (!Number.isInteger(options.sampleRate) || options.sampleRate < 8000) {
    throw new FrontdeskError('AUDIO_INVALID', `unsupported sample rate ${options.sampleRate} Hz`);
  }
  const { grammar, pronunciations } = await prepareGrammar(library, options.expectation, grammarOptions, espeakCommand);
  // libsamplerate's sinc at medium quality, a converter from the process's pool; a pass-through at 16 kHz.
  const resampler = await acquireResampler({ inputSampleRate: options.sampleRate, outputSampleRate: decoderSampleRate, quality: 'medium' });
  const band = options.sampleRate < decoderSampleRate ? 'narrowband' : 'wideband';
  const { decoder, ready } = await pool.open(grammar, pronunciations, vocabulary, band);
  if (!ready && decoder.kind === 'grammar') {
    // A grammar PocketSphinx rejects (never seen: every word is checked against CMUdict first) falls back to the generic LM.
    pool.release(decoder);
    resampler.close();
    return openStream(library, pool, grammarOptions, espeakCommand, { ...options, expectation: undefined }, vocabulary, secondPass);
  }
  pool.prepareBand(decoder, band);
  if (!library.startUtterance(decoder.pointer)) {
    pool.discard(decoder);
    resampler.close();
    throw new FrontdeskError('PROVIDER_FAILED', 'pocketsphinx could not start an utterance');
  }
  const recheck = grammar !== null && options.expectation ? secondPass : undefined;
  return new PocketSphinxStream(library, pool, decoder, resampler, options, grammar === null, band, recheck);
}

/** A second, generic-LM pass over utterances the grammar is unsure of. */
interface SecondPass {
  /** Which telephone turns (under 16 kHz): all the grammar is unsure of, or only those it heard as an interrupt and no answer. */
  narrowband: 'unsure' | 'interrupts';
  onSecondPass?: () => void;
}

class PocketSphinxStream implements SttStream {
  private readonly events = new EventQueue<TranscriptEvent>();
  private readonly pending: Int16Array[] = [];
  private state: 'listening' | 'ending' | 'closed' = 'listening';
  /** Every native call runs on this chain, so one decoder never sees two calls at once. */
  private work: Promise<void> = Promise.resolve();
  private drainScheduled = false;
  private lastPartial = '';
  private decoderReturned = false;
  /** The utterance at 16 kHz, kept for a second pass (only when one may run). */
  private readonly heard: Int16Array[] = [];
  private readonly onAbort = () => this.close();

  constructor(
    private readonly library: PocketSphinxLibrary,
    private readonly pool: DecoderPool,
    private readonly decoder: PooledDecoder,
    private readonly resampler: Resampler,
    private readonly options: SttStreamOptions,
    private readonly freeSearch: boolean,
    private readonly band: Band,
    private readonly secondPass: SecondPass | undefined,
  ) {
    if (options.abortSignal?.aborted) this.close();
    else options.abortSignal?.addEventListener('abort', this.onAbort, { once: true });
  }

  push(frame: PcmFrame): void {
    if (this.state !== 'listening') return;
    if (frame.sampleRate !== this.options.sampleRate) {
      throw new FrontdeskError('AUDIO_INVALID', `frame at ${frame.sampleRate} Hz pushed to a ${this.options.sampleRate} Hz stream`);
    }
    const samples = this.resampler.process(frame.samples);
    if (samples.length === 0) return;
    this.pending.push(samples);
    if (this.secondPass) this.heard.push(samples);
    if (this.library.blocking) decodeScheduler.want(this);
    else if (!this.drainScheduled) {
      this.drainScheduled = true;
      this.schedule(() => this.drain());
    }
  }

  end(): void {
    if (this.state !== 'listening') return;
    this.state = 'ending';
    if (this.library.blocking) {
      decodeScheduler.want(this);
      return;
    }
    this.schedule(async () => {
      await this.drain();
      await this.library.endUtterance(this.decoder.pointer);
      this.finishUtterance();
    });
  }

  /** Decoding on this thread (a `blocking` library): one chunk of the audio waiting, or the end of the utterance once all is decoded. Returns whether work is left. */
  decodeStep(): boolean {
    if (this.state === 'closed') return false;
    try {
      if (this.pending.length > 0) {
        this.library.processRawNow(this.decoder.pointer, takeSamples(this.pending, samplesPerDecodeCall));
        this.emitPartial();
        return this.pending.length > 0 || this.state === 'ending';
      }
      if (this.state === 'ending') {
        this.library.endUtteranceNow(this.decoder.pointer);
        this.finishUtterance();
      }
    } catch (error) {
      this.fail(error);
    }
    return false;
  }

  /** True once the caller's audio has all arrived (`end`): such a stream is decoded before those still listening. */
  get ending(): boolean {
    return this.state === 'ending';
  }

  private finishUtterance(): void {
    const text = normalise(this.library.hypothesis(this.decoder.pointer));
    if (text.length > 0) this.pool.rememberBand(this.decoder, this.band);
    if (this.freeSearch) {
      this.events.push({ type: 'final', text, confidence: text.length > 0 ? languageModelConfidence(text, this.library.confidence(this.decoder.pointer)) : 0 });
      this.finish(true);
      return;
    }
    // A grammar search's posterior is always 1 (its lattice has one path): the path score per frame stands in.
    const { score, frames } = this.library.pathScore(this.decoder.pointer);
    const grammar: GrammarHypothesis = { text, scorePerFrame: text.length > 0 && frames > 0 ? score / frames : 0 };
    const expectation = this.options.expectation;
    // Telephone turns without a full second pass still have a grammar interrupt checked: it is what forced speech comes out as.
    const onlyInterrupts = this.band === 'narrowband' && this.secondPass?.narrowband === 'interrupts';
    if (this.secondPass && expectation && (onlyInterrupts ? interruptWithoutAnswer(grammar, expectation) : needsSecondPass(grammar, expectation))) {
      this.returnDecoder(true);
      void this.decodeAgain(grammar, this.secondPass).finally(() => this.finish(true));
      return;
    }
    this.events.push({ type: 'final', text, confidence: grammarConfidence(grammar) });
    this.finish(true);
  }

  /**
   * The utterance again through the generic language model, on a decoder of its own, then the better transcript. The
   * model costs ~10× the grammar per second of audio, so it runs only here, for the utterances the grammar is unsure of.
   */
  private async decodeAgain(grammar: GrammarHypothesis, secondPass: SecondPass): Promise<void> {
    secondPass.onSecondPass?.();
    const expectation = this.options.expectation as NonNullable<SttStreamOptions['expectation']>;
    let decoder: PooledDecoder | undefined;
    try {
      const opened = await this.pool.open(null, new Map(), undefined, this.band);
      decoder = opened.decoder;
      if (!opened.ready || this.isClosed()) throw new Error('no second pass');
      this.pool.prepareBand(decoder, this.band);
      if (!this.library.startUtterance(decoder.pointer)) throw new Error('no second pass');
      const audio = this.heard.splice(0);
      while (audio.length > 0 && !this.isClosed()) {
        await this.library.processRaw(decoder.pointer, takeSamples(audio, samplesPerDecodeCall));
        // On a decoding thread the call above ran inline: let other streams' audio and opens in between chunks.
        if (this.library.blocking) await new Promise((resolve) => setImmediate(resolve));
      }
      await this.library.endUtterance(decoder.pointer);
      const text = normalise(this.library.hypothesis(decoder.pointer));
      const posterior = text.length > 0 ? this.library.confidence(decoder.pointer) : 0;
      this.pool.release(decoder);
      decoder = undefined;
      if (this.isClosed()) return;
      const chosen = chooseTranscript(grammar, { text, posterior }, expectation);
      this.events.push({ type: 'final', text: chosen.text, confidence: chosen.confidence });
    } catch {
      if (decoder) this.pool.discard(decoder);
      // Without a second opinion the grammar's transcript stands, with the doubt that asked for one.
      if (!this.isClosed()) this.events.push({ type: 'final', text: grammar.text, confidence: Math.min(0.3, grammarConfidence(grammar)) });
    }
  }

  private emitPartial(): void {
    const partial = normalise(this.library.hypothesis(this.decoder.pointer));
    if (partial.length > 0 && partial !== this.lastPartial) {
      this.lastPartial = partial;
      this.events.push({ type: 'partial', text: partial });
    }
  }

  private fail(error: unknown): void {
    const failure = error instanceof FrontdeskError ? error : new FrontdeskError('PROVIDER_FAILED', 'pocketsphinx decoding failed', { cause: error });
    this.events.push({ type: 'error', error: failure });
    this.state = 'closed';
    this.finish(false);
  }

  close(): void {
    if (this.state === 'closed') return;
    const wasListening = this.state === 'listening' || this.state === 'ending';
    this.state = 'closed';
    this.pending.length = 0;
    this.events.abandon();
    if (wasListening) {
      this.schedule(async () => {
        if (this.decoderReturned) return;
        await this.library.endUtterance(this.decoder.pointer);
        this.finish(true);
      });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<TranscriptEvent> {
    return this.events[Symbol.asyncIterator]();
  }

  private schedule(operation: () => Promise<void>): void {
    this.work = this.work.then(operation).catch((error: unknown) => this.fail(error));
  }

  private async drain(): Promise<void> {
    this.drainScheduled = false;
    while (this.pending.length > 0 && this.state !== 'closed') {
      const chunk = takeSamples(this.pending, samplesPerDecodeCall);
      await this.library.processRaw(this.decoder.pointer, chunk);
      if (this.isClosed()) return;
      this.emitPartial();
    }
  }

  /** Read through a method: the state changes while a native call is awaited, which TypeScript's narrowing cannot see. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private finish(healthy: boolean): void {
    this.returnDecoder(healthy);
    this.state = 'closed';
    this.events.finish();
  }

  private returnDecoder(healthy: boolean): void {
    if (!this.decoderReturned) {
      this.decoderReturned = true;
      if (healthy) this.pool.release(this.decoder);
      else this.pool.discard(this.decoder);
      this.resampler.close();
      this.options.abortSignal?.removeEventListener('abort', this.onAbort);
    }
  }
}

/** ms of decoding per turn of the event loop before it yields (one chunk is ~7 ms): opens, ends and new audio are taken in between. */
const decodeSliceMs = 10;

/**
 * Decoding on a thread of its own (a `blocking` library): the streams' waiting audio is decoded a chunk at a time, up to
 * `decodeSliceMs` per turn of the event loop, streams whose caller has finished first, then the others in turn. When
 * the thread is behind (a burst of calls talking at once), a stream opening or ending is then never queued behind
 * everybody else's audio: the caller waiting for a reply is served first, those still talking catch up after.
 */
class DecodeScheduler {
  private readonly waiting = new Set<PocketSphinxStream>();
  private scheduled = false;

  want(stream: PocketSphinxStream): void {
    this.waiting.add(stream);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const deadline = performance.now() + decodeSliceMs;
    while (this.waiting.size > 0 && performance.now() < deadline) {
      let next: PocketSphinxStream | undefined;
      for (const stream of this.waiting) {
        next ??= stream;
        if (stream.ending) {
          next = stream;
          break;
        }
      }
      const stream = next as PocketSphinxStream;
      // Taken out and, with work left, put back last: streams still talking take turns.
      this.waiting.delete(stream);
      if (stream.decodeStep()) this.waiting.add(stream);
    }
    if (this.waiting.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }
}

const decodeScheduler = new DecodeScheduler();

function takeSamples(pending: Int16Array[], limit: number): Int16Array {
  const first = pending[0] as Int16Array;
  if (first.length >= limit) {
    pending[0] = first.subarray(limit);
    if ((pending[0] as Int16Array).length === 0) pending.shift();
    return first.slice(0, limit);
  }
  let total = 0;
  let count = 0;
  while (count < pending.length && total + (pending[count] as Int16Array).length <= limit) total += (pending[count++] as Int16Array).length;
  const chunk = new Int16Array(total);
  let offset = 0;
  for (const part of pending.splice(0, count)) {
    chunk.set(part, offset);
    offset += part.length;
  }
  return chunk;
}

/** The generic model's sentence posterior shrinks with every word: its per-word geometric mean reads as a 0–1 confidence. */
function languageModelConfidence(text: string, posterior: number): number {
  return Math.round(posterior ** (1 / Math.max(1, text.split(' ').length)) * 1000) / 1000;
}

const digits: ReadonlySet<string> = new Set(digitWords);

/**
 * A hypothesis as transcript words. PocketSphinx marks alternate pronunciations ("read(2)") and fillers ("<sil>",
 * "[NOISE]") in some outputs. Hesitations ("um", "uh") are allowed around answers but mean nothing, and so is the
 * "and" the phone grammar allows for a breath between a number's chunks ("five five five and oh one oh…"): the
 * extractor reads no number across an "and", so the number was lost.
 */
export function normalise(hypothesis: string | null): string {
  if (!hypothesis) return '';
  const words = hypothesis
    .replace(/\(\d+\)/g, '')
    .split(/\s+/)
    .filter((word) => word.length > 0 && !/^[<[]/.test(word) && word !== 'um' && word !== 'uh');
  const betweenDigits = (index: number) => digits.has(words[index - 1] ?? '') && digits.has(words[index + 1] ?? '');
  return words.filter((word, index) => !chunkHesitations.includes(word) || !betweenDigits(index)).join(' ');
}
