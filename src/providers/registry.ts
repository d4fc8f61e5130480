// The one registry from configured provider names to factories; vendor modules load only when their name is chosen.
import type { Config, SttProviderName, TtsProviderName } from '../config.ts';
import { sttProviderNames, ttsProviderNames } from '../config.ts';
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { Phraser } from '../llm/phraser.ts';
import type { Logger } from '../log.ts';
import type { SpeechToText } from '../stt/types.ts';
import type { TextToSpeech } from '../tts/types.ts';
import type { Extractor } from '../understanding/types.ts';
import { withSttFallback, withTtsFallback } from './with-fallback.ts';
import { withSpeechCache, type SpeechCacheOptions } from './with-speech-cache.ts';
import { withTimeout, type SttTimeoutOptions, type TtsTimeoutOptions } from './with-timeout.ts';

export interface RegistryOptions {
  /** Receives provider switches and skipped fallbacks (names and codes only). */
  logger?: Logger;
  sttTimeouts?: SttTimeoutOptions;
  ttsTimeouts?: TtsTimeoutOptions;
  /** Last names the offline recogniser may hear (e.g. the clinic's patient list), kept in-process. */
  offlineSttNames?: string[];
  /** The in-memory cache of synthesized sentences in front of the TTS chain; `false` turns it off. Default on, 32 MiB. */
  speechCache?: SpeechCacheOptions | false;
}

type Factory<T> = (config: Config, options: RegistryOptions) => Promise<T>;

function keyOf(value: string | undefined, variable: string, setting: string): string {
  if (!value) throw new FrontdeskError('CONFIG_MISSING_KEY', `${setting} needs ${variable}`);
  return value;
}

/*
 * Adding a vendor = one file in src/stt or src/tts + one line here. Each line imports its module inside the
 * factory, so a missing native package (PocketSphinx, espeak-ng) or an SDK only matters when that name is chosen,
 * and nothing registers itself on import.
 */
export const sttFactories: Readonly<Record<SttProviderName, Factory<SpeechToText>>> = Object.freeze({
  // A grammar decoder loads in ~25 ms and holds ~6 MB plus its compiled grammars, and serves one turn at a time: keep
  // enough for the turns that overlap on a busy line, with their grammars compiled, instead of loading one per turn.
  // Decoding runs on worker threads (one per core) at a lower priority, so it never stalls or starves the event loop that carries every call's audio.
  offline: async (config, options) => {
    const { createWorkerStt, defaultSttThreads } = await import('../stt/worker-stt.ts');
    const threads = config.stt.offlineThreads ?? defaultSttThreads();
    return createWorkerStt({
      name: 'pocketsphinx',
      moduleUrl: new URL('../stt/pocketsphinx.ts', import.meta.url).href,
      exportName: 'createPocketSphinxStt',
      // Decoding on the worker's own thread, so the worker's lowered priority covers it (libuv's pool would not).
      // 24 decoders loaded at start (~7 MB each; 12 per band with the telephone transform, whose decoders only telephone
      // calls use): a burst of calls' first turns then waits for grammar compiles, not model loads. The idle limit is per band.
      engineOptions: {
        blocking: true,
        maxIdleDecoders: Math.ceil(48 / threads),
        warmDecoders: Math.ceil(24 / threads),
        ...(config.stt.offlinePhoneAdaptation === undefined ? {} : { telephoneAdaptation: config.stt.offlinePhoneAdaptation }),
        ...(options.offlineSttNames ? { names: options.offlineSttNames } : {}),
      },
      threads,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  },
  deepgram: async (config) =>
    (await import('../stt/deepgram.ts')).createDeepgramStt({
      apiKey: keyOf(config.deepgram.apiKey, 'DEEPGRAM_API_KEY', 'deepgram speech-to-text'),
      ...(config.deepgram.baseUrl ? { baseUrl: config.deepgram.baseUrl } : {}),
    }),
  openai: async (config) =>
    (await import('../stt/openai.ts')).createOpenAiStt({
      apiKey: keyOf(config.openai.apiKey, 'OPENAI_API_KEY', 'openai speech-to-text'),
      ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    }),
});

export const ttsFactories: Readonly<Record<TtsProviderName, Factory<TextToSpeech>>> = Object.freeze({
  offline: async () => (await import('../tts/espeak.ts')).createEspeakTts(),
  elevenlabs: async (config) =>
    (await import('../tts/elevenlabs.ts')).createElevenLabsTts({
      apiKey: keyOf(config.elevenlabs.apiKey, 'ELEVENLABS_API_KEY', 'elevenlabs text-to-speech'),
      voiceId: config.elevenlabs.voiceId,
      ...(config.elevenlabs.baseUrl ? { baseUrl: config.elevenlabs.baseUrl } : {}),
    }),
  openai: async (config) =>
    (await import('../tts/openai.ts')).createOpenAiTts({
      apiKey: keyOf(config.openai.apiKey, 'OPENAI_API_KEY', 'openai text-to-speech'),
      ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    }),
});

function lookup<T>(kind: string, variable: string, factories: Readonly<Record<string, Factory<T>>>, allowed: readonly string[], name: string): Factory<T> {
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (!factory) throw new FrontdeskError('CONFIG_UNKNOWN_PROVIDER', `${kind} "${name}" (${variable}); allowed values: ${allowed.join(', ')}`);
  return factory;
}

/** The STT factory for a configured name; CONFIG_UNKNOWN_PROVIDER for any other. */
export function sttFactory(name: string): Factory<SpeechToText> {
  return lookup('speech-to-text provider', 'FRONTDESK_STT', sttFactories, sttProviderNames, name);
}

/** The TTS factory for a configured name; CONFIG_UNKNOWN_PROVIDER for any other. */
export function ttsFactory(name: string): Factory<TextToSpeech> {
  return lookup('text-to-speech provider', 'FRONTDESK_TTS', ttsFactories, ttsProviderNames, name);
}

/**
 * Builds [provider, ...fallbacks]. The primary must build; a fallback that cannot (say espeak-ng is not installed)
 * is left out with a warning, since the primary still serves calls.
 */
async function buildChain<T>(kind: string, names: string[], build: (name: string) => Promise<T>, logger: Logger | undefined): Promise<T[]> {
  const chain: T[] = [];
  for (const [index, name] of names.entries()) {
    try {
      chain.push(await build(name));
    } catch (error) {
      if (index === 0) throw error;
      logger?.warn({ kind, provider: name, code: isFrontdeskError(error) ? error.code : undefined }, 'fallback provider unavailable, left out');
    }
  }
  return chain;
}

function switchLogger(kind: string, logger: Logger | undefined) {
  return {
    onSwitch: ({ from, to, error }: { from: string; to: string; error: Error }) =>
      logger?.warn({ kind, from, to, code: isFrontdeskError(error) ? error.code : undefined }, 'provider failed, switched to fallback'),
  };
}

/** The configured speech-to-text: each provider bounded by `withTimeout`, chained with `withSttFallback`. */
export async function createSpeechToText(config: Config, options: RegistryOptions = {}): Promise<SpeechToText> {
  const chain = await buildChain(
    'stt',
    [config.stt.provider, ...config.stt.fallbacks],
    async (name) => withTimeout(await sttFactory(name)(config, options), options.sttTimeouts),
    options.logger,
  );
  if (chain.length === 1) return chain[0]!;
  return withSttFallback(chain, switchLogger('stt', options.logger));
}

/** The configured text-to-speech: each provider bounded by `withTimeout`, chained with `withTtsFallback`, behind a cache of synthesized sentences. */
export async function createTextToSpeech(config: Config, options: RegistryOptions = {}): Promise<TextToSpeech> {
  const chain = await buildChain(
    'tts',
    [config.tts.provider, ...config.tts.fallbacks],
    async (name) => withTimeout(await ttsFactory(name)(config, options), options.ttsTimeouts),
    options.logger,
  );
  const speech = chain.length === 1 ? chain[0]! : withTtsFallback(chain, switchLogger('tts', options.logger));
  return options.speechCache === false ? speech : withSpeechCache(speech, options.speechCache);
}

/** The configured extractor: the rules alone, or the LLM with the rules behind it (timeout, errors, emergencies). */
export async function createExtractor(config: Config, options: RegistryOptions = {}): Promise<Extractor> {
  const { createRuleExtractor } = await import('../understanding/rule-extractor.ts');
  const rules = createRuleExtractor();
  if (config.llm.provider === 'none') return rules;
  const [{ createOpenAiExtractor }, { withExtractorFallback }] = await Promise.all([import('../llm/openai-extractor.ts'), import('../llm/fallback-extractor.ts')]);
  const llm = createOpenAiExtractor({
    apiKey: keyOf(config.openai.apiKey, 'OPENAI_API_KEY', 'FRONTDESK_LLM=openai'),
    model: config.llm.model,
    // The SDK's own limit sits a little past the wrapper's, so the wrapper decides and then aborts the request.
    timeoutMs: config.llm.timeoutMs + 250,
    ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
  });
  return withExtractorFallback(llm, rules, { timeoutMs: config.llm.timeoutMs, ...(options.logger ? { logger: options.logger } : {}) });
}

/** The configured phraser: templates as written, or the LLM's wording when FRONTDESK_LLM_PHRASING is on. */
export async function createPhraser(config: Config, options: RegistryOptions = {}): Promise<Phraser> {
  if (config.llm.provider === 'none' || !config.llm.phrasing) return (await import('../llm/phraser.ts')).createTemplatePhraser();
  const { createOpenAiPhraser } = await import('../llm/openai-phraser.ts');
  return createOpenAiPhraser({
    apiKey: keyOf(config.openai.apiKey, 'OPENAI_API_KEY', 'FRONTDESK_LLM_PHRASING'),
    model: config.llm.model,
    timeoutMs: config.llm.phrasingTimeoutMs,
    ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
