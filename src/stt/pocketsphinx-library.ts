// The in-process binding to Debian's CMU PocketSphinx 5prealpha (libpocketsphinx.so.3 + libsphinxbase.so.3) through koffi.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';

type NativeFunction = ReturnType<LibraryHandle['func']>;
import { FrontdeskError } from '../errors.ts';

/** Opaque C pointers (ps_decoder_t*, cmd_ln_t*, logmath_t*). */
export type NativePointer = unknown;

export interface PocketSphinxPaths {
  /** Shared library, default "libpocketsphinx.so.3" (resolved by the dynamic loader). */
  libraryPath?: string;
  /** Default "libsphinxbase.so.3". */
  sphinxbaseLibraryPath?: string;
  /** Directory holding en-us/, cmudict-en-us.dict and en-us.lm.bin; default Debian's /usr/share/pocketsphinx/model/en-us. */
  modelDirectory?: string;
  /**
   * Decodes (`processRaw`, `endUtterance`) and compiles grammars on the calling thread instead of libuv's pool. For a
   * thread that exists to decode (a speech worker): the work then has that thread's priority, and a lowered one yields
   * the CPU to the event loop that carries the calls' audio. Model loads stay on the pool. Default false.
   */
  blocking?: boolean;
}

export interface PocketSphinxModelFiles {
  acousticModel: string;
  dictionary: string;
  languageModel: string;
}

export interface PocketSphinxLibrary {
  readonly files: PocketSphinxModelFiles;
  /** Loaded with `blocking`: decoding calls run on the calling thread, and the `…Now` forms may be used. */
  readonly blocking: boolean;
  /**
   * Parses "-name value" pairs into a config and creates a decoder on a worker thread. A full decoder loads the
   * 134k-word dictionary and the generic LM (~0.5 s of CPU, ~95 MB); a lean one (`dictionary` given, no LM) loads only
   * the acoustic model and that dictionary (~25 ms, ~6 MB) and can run grammars once their words are added.
   */
  createDecoder(extraArguments: string[], lean?: { dictionary: string }): Promise<NativePointer>;
  /** Frees a decoder off the main thread (freeing a model and its searches takes up to a few hundred ms). */
  freeDecoder(decoder: NativePointer): void;
  /** Compiles a JSGF grammar into a search, off the main thread (a grammar with many names takes tens of ms). */
  setJsgfSearch(decoder: NativePointer, name: string, jsgf: string): Promise<boolean>;
  setSearch(decoder: NativePointer, name: string): boolean;
  unsetSearch(decoder: NativePointer, name: string): void;
  /** Adds a pronunciation (microseconds, so on the calling thread); `update` rebuilds the decoder's searches, so pass it only with the last word of a batch. */
  addWord(decoder: NativePointer, word: string, phones: string, update?: boolean): boolean;
  startUtterance(decoder: NativePointer): boolean;
  /** Feeds 16 kHz PCM on a worker thread, so a call's decoding never blocks the event loop. */
  processRaw(decoder: NativePointer, samples: Int16Array): Promise<void>;
  endUtterance(decoder: NativePointer): Promise<void>;
  /** `processRaw` on the calling thread, returning when done (throws PROVIDER_FAILED). */
  processRawNow(decoder: NativePointer, samples: Int16Array): void;
  endUtteranceNow(decoder: NativePointer): void;
  hypothesis(decoder: NativePointer): string | null;
  /** The best path's score (log base 1.0001, acoustic plus language weight; ≤ 0) and the frames decoded (100 per second). */
  pathScore(decoder: NativePointer): { score: number; frames: number };
  /** Posterior probability of the best hypothesis after `endUtterance`, 0–1. */
  confidence(decoder: NativePointer): number;
  /** The live cepstral mean (13 values) the decoder normalises features with, or null if unreadable. */
  cepstralMean(decoder: NativePointer): Float32Array | null;
  setCepstralMean(decoder: NativePointer, mean: Float32Array): void;
}

export const debianModelDirectory = '/usr/share/pocketsphinx/model/en-us';

export const missingPocketSphinxMessage =
  'offline STT needs Debian packages pocketsphinx and pocketsphinx-en-us: apt-get install pocketsphinx pocketsphinx-en-us libpocketsphinx3';

export function modelFiles(modelDirectory: string = debianModelDirectory): PocketSphinxModelFiles {
  return {
    acousticModel: join(modelDirectory, 'en-us'),
    dictionary: join(modelDirectory, 'cmudict-en-us.dict'),
    languageModel: join(modelDirectory, 'en-us.lm.bin'),
  };
}

const loaded = new Map<string, PocketSphinxLibrary>();

/** Loads the shared libraries once per process; throws CONFIG_INVALID naming the Debian packages when they are missing. */
export function loadPocketSphinx(paths: PocketSphinxPaths = {}): PocketSphinxLibrary {
  const libraryPath = paths.libraryPath ?? 'libpocketsphinx.so.3';
  const sphinxbaseLibraryPath = paths.sphinxbaseLibraryPath ?? 'libsphinxbase.so.3';
  const files = modelFiles(paths.modelDirectory);
  const blocking = paths.blocking ?? false;
  const key = [libraryPath, sphinxbaseLibraryPath, files.acousticModel, blocking].join('\n');
  const existing = loaded.get(key);
  if (existing) return existing;

  for (const file of [files.acousticModel, files.dictionary, files.languageModel]) {
    if (!existsSync(file)) throw new FrontdeskError('CONFIG_INVALID', `${missingPocketSphinxMessage} (model file ${file} not found)`);
  }
  let pocketsphinx: LibraryHandle;
  let sphinxbase: LibraryHandle;
  try {
    sphinxbase = koffi.load(sphinxbaseLibraryPath);
    pocketsphinx = koffi.load(libraryPath);
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', missingPocketSphinxMessage, { cause: error });
  }

  const cmdLnParse = sphinxbase.func('void *cmd_ln_parse_r(void *previous, void *definitions, int argc, const char **argv, int strict)');
  const errSetLogfp = sphinxbase.func('void err_set_logfp(void *stream)');
  const logmathExp = sphinxbase.func('double logmath_exp(void *logmath, int logValue)');
  const psArgs = pocketsphinx.func('void *ps_args()');
  const psInit = pocketsphinx.func('void *ps_init(void *config)');
  const psFree = pocketsphinx.func('int ps_free(void *decoder)');
  const psSetJsgfString = pocketsphinx.func('int ps_set_jsgf_string(void *decoder, const char *name, const char *jsgf)');
  const psSetSearch = pocketsphinx.func('int ps_set_search(void *decoder, const char *name)');
  const psUnsetSearch = pocketsphinx.func('int ps_unset_search(void *decoder, const char *name)');
  const psAddWord = pocketsphinx.func('int ps_add_word(void *decoder, const char *word, const char *phones, int update)');
  const psStartUtt = pocketsphinx.func('int ps_start_utt(void *decoder)');
  const psProcessRaw = pocketsphinx.func('int ps_process_raw(void *decoder, const int16_t *data, size_t count, int noSearch, int fullUtterance)');
  const psEndUtt = pocketsphinx.func('int ps_end_utt(void *decoder)');
  const psGetHyp = pocketsphinx.func('const char *ps_get_hyp(void *decoder, _Out_ int32_t *score)');
  const psGetProb = pocketsphinx.func('int32_t ps_get_prob(void *decoder)');
  const psGetNFrames = pocketsphinx.func('int ps_get_n_frames(void *decoder)');
  const psGetLogmath = pocketsphinx.func('void *ps_get_logmath(void *decoder)');

  const cmnLiveGet = sphinxbase.func('void cmn_live_get(void *cmn, _Out_ float *mean)');
  const cmnLiveSet = sphinxbase.func('void cmn_live_set(void *cmn, const float *mean)');
  const psGetFeat = pocketsphinx.func('void *ps_get_feat(void *decoder)');
  // The leading fields of sphinxbase's feat_t (feat.h, 5prealpha), up to the CMN state pointer.
  const featPrefix = koffi.struct({
    refcount: 'int', name: 'void *', cepsize: 'int32_t', streamCount: 'int32_t', streamLength: 'void *', windowSize: 'int32_t',
    subvectorCount: 'int32_t', subvectorLength: 'void *', subvectors: 'void *', subvectorBuffer: 'void *', subvectorDimension: 'int32_t',
    cmn: 'int', varianceNormalisation: 'int32_t', agc: 'int', computeFeature: 'void *', cmnState: 'void *',
  });
  const cmnState = (decoder: NativePointer): { state: unknown; size: number } | null => {
    const feat = psGetFeat(decoder);
    if (!feat) return null;
    const prefix = koffi.decode(feat, featPrefix) as { cepsize: number; cmnState: unknown };
    return prefix.cmnState && prefix.cepsize === 13 ? { state: prefix.cmnState, size: prefix.cepsize } : null;
  };

  // The library logs every config value and search step to stderr; transcripts must not reach logs.
  errSetLogfp(null);

  const callAsync = (fn: NativeFunction, ...args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      fn.async(...args, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)));
    });
  /** Decoding and grammar compiles (2–10 ms): on the calling thread when `blocking`. Model loads and frees always go to the pool: a burst of new decoders (100 calls' first turns) would otherwise hold a worker's decoding for seconds. */
  const callDecoding = (fn: NativeFunction, ...args: unknown[]): Promise<unknown> =>
    blocking ? new Promise((resolve) => resolve(fn(...args))) : callAsync(fn, ...args);

  // Grammar compiles run off the main thread but one at a time: sphinxbase's JSGF and FSG code was not written for
  // threads, and a compile costs only 2–10 ms.
  let grammarWork: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const next = grammarWork.then(task, task);
    grammarWork = next.catch(() => {});
    return next;
  };

  /** ps_process_raw returns the frames searched, or a negative number when it failed. */
  const processed = (result: unknown) => {
    if (typeof result === 'number' && result < 0) throw new FrontdeskError('PROVIDER_FAILED', 'pocketsphinx failed to process audio');
  };

  const library: PocketSphinxLibrary = {
    files,
    blocking,
    async createDecoder(extraArguments, lean) {
      const argv = lean
        ? ['-hmm', files.acousticModel, '-dict', lean.dictionary, ...extraArguments]
        : ['-hmm', files.acousticModel, '-dict', files.dictionary, '-lm', files.languageModel, ...extraArguments];
      const config = cmdLnParse(null, psArgs(), argv.length, argv, 1);
      if (!config) throw new FrontdeskError('CONFIG_INVALID', 'pocketsphinx rejected its configuration');
      const decoder = await callAsync(psInit, config);
      if (!decoder) throw new FrontdeskError('CONFIG_INVALID', `pocketsphinx could not load its model from ${files.acousticModel}`);
      return decoder;
    },
    freeDecoder: (decoder) => void callAsync(psFree, decoder).catch(() => {}),
    setJsgfSearch: async (decoder, name, jsgf) => (await serially(() => callDecoding(psSetJsgfString, decoder, name, jsgf))) === 0,
    setSearch: (decoder, name) => psSetSearch(decoder, name) === 0,
    unsetSearch: (decoder, name) => void psUnsetSearch(decoder, name),
    addWord: (decoder, word, phones, update = true) => (psAddWord(decoder, word, phones, update ? 1 : 0) as number) >= 0,
    startUtterance: (decoder) => psStartUtt(decoder) === 0,
    async processRaw(decoder, samples) {
      processed(await callDecoding(psProcessRaw, decoder, samples, samples.length, 0, 0));
    },
    processRawNow(decoder, samples) {
      processed(psProcessRaw(decoder, samples, samples.length, 0, 0));
    },
    endUtteranceNow(decoder) {
      psEndUtt(decoder);
    },
    async endUtterance(decoder) {
      await callDecoding(psEndUtt, decoder);
    },
    hypothesis(decoder) {
      const text = psGetHyp(decoder, [0]) as string | null;
      return text ?? null;
    },
    pathScore(decoder) {
      const score = [0];
      psGetHyp(decoder, score);
      return { score: score[0] as number, frames: psGetNFrames(decoder) as number };
    },
    confidence(decoder) {
      const probability = logmathExp(psGetLogmath(decoder), psGetProb(decoder)) as number;
      return Number.isFinite(probability) ? Math.min(1, Math.max(0, probability)) : 0;
    },
    cepstralMean(decoder) {
      const cmn = cmnState(decoder);
      if (!cmn) return null;
      const mean = new Float32Array(cmn.size);
      cmnLiveGet(cmn.state, mean);
      return mean;
    },
    setCepstralMean(decoder, mean) {
      const cmn = cmnState(decoder);
      if (cmn && mean.length === cmn.size) cmnLiveSet(cmn.state, mean);
    },
  };
  loaded.set(key, library);
  return library;
}
