// Remembers synthesized sentences: a clinic's agent says the same prompts on every call, so each is synthesized (and resampled to the line's rate) once per process and replayed from memory.
import { acquireResampler } from '../audio/resampler-pool.ts';
import type { PcmFrame } from '../audio/types.ts';
import type { SynthesisOptions, TextToSpeech } from '../tts/types.ts';

export interface SpeechCacheOptions {
  /** Memory the cached audio may take, bytes; the least recently used sentences go first. Default 32 MiB (~12 min at 22050 Hz). */
  maxBytes?: number;
  /** Longest sentence cached, characters: long ones are rarely said twice. Default 400. */
  maxTextLength?: number;
}

export interface SpeechCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export interface CachedTextToSpeech extends TextToSpeech {
  /** The same voice at `sampleRate` Hz, resampled once per sentence and cached at that rate too. */
  atSampleRate(sampleRate: number): TextToSpeech;
  stats(): SpeechCacheStats;
}

/** One sentence's audio at one rate, complete or still arriving; every caller asking for it reads the same frames. */
interface Entry {
  frames: PcmFrame[];
  bytes: number;
  state: 'producing' | 'done' | 'failed';
  error?: unknown;
  /** Readers waiting for the next frame or the end. */
  waiting: Set<() => void>;
}

/**
 * Wraps a TTS with an in-memory cache keyed by the sentence's text and sample rate. A sentence asked for while it is
 * being synthesized is read from the same synthesis (a hundred calls greeted at once cost one synthesis). Synthesis
 * runs to the end even when the caller who asked first barges in, so the entry is complete for the next call; a failed
 * synthesis is not kept and its error reaches the callers reading it, as it would without the cache. Audio stays in
 * this process's memory.
 */
export function withSpeechCache(provider: TextToSpeech, options: SpeechCacheOptions = {}): CachedTextToSpeech {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const maxTextLength = options.maxTextLength ?? 400;
  // A Map keeps insertion order: re-inserting on every hit makes its first key the least recently used.
  const entries = new Map<string, Entry>();
  const views = new Map<number, TextToSpeech>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  function evict(): void {
    for (const [key, entry] of entries) {
      if (bytes <= maxBytes) return;
      if (entry.state !== 'done') continue;
      entries.delete(key);
      bytes -= entry.bytes;
    }
  }

  /** Starts filling a new entry from `frames`; it is kept once complete, dropped if the source fails. */
  function produce(key: string, frames: () => AsyncIterable<PcmFrame>): Entry {
    const entry: Entry = { frames: [], bytes: 0, state: 'producing', waiting: new Set() };
    entries.set(key, entry);
    const wake = () => {
      for (const resolve of [...entry.waiting]) resolve();
    };
    void (async () => {
      try {
        for await (const frame of frames()) {
          if (frame.samples.length === 0) continue;
          entry.frames.push(frame);
          entry.bytes += frame.samples.byteLength;
          wake();
        }
        entry.state = 'done';
        bytes += entry.bytes;
        evict();
      } catch (error) {
        entry.state = 'failed';
        entry.error = error;
        if (entries.get(key) === entry) entries.delete(key);
      }
      wake();
    })();
    return entry;
  }

  /** The entry for `text` at `sampleRate`, counting a hit or a miss when `counted`. */
  function entryFor(text: string, sampleRate: number, counted: boolean): Entry {
    const key = `${sampleRate}\n${text}`;
    const existing = entries.get(key);
    if (existing) {
      if (counted) hits += 1;
      entries.delete(key);
      entries.set(key, existing);
      return existing;
    }
    if (counted) misses += 1;
    if (sampleRate === provider.sampleRate) return produce(key, () => provider.synthesize(text));
    const source = entryFor(text, provider.sampleRate, false);
    return produce(key, () => resampled(read(source, undefined, false), provider.sampleRate, sampleRate));
  }

  function synthesizeAt(sampleRate: number, text: string, synthesisOptions: SynthesisOptions = {}): AsyncIterable<PcmFrame> {
    const key = text.replace(/\s+/g, ' ').trim();
    if (key.length === 0 || key.length > maxTextLength) {
      const frames = provider.synthesize(text, synthesisOptions);
      return sampleRate === provider.sampleRate ? frames : resampled(frames, provider.sampleRate, sampleRate);
    }
    return read(entryFor(key, sampleRate, true), synthesisOptions.abortSignal);
  }

  return {
    name: provider.name,
    sampleRate: provider.sampleRate,
    synthesize: (text, synthesisOptions) => synthesizeAt(provider.sampleRate, text, synthesisOptions),
    atSampleRate(sampleRate) {
      let view = views.get(sampleRate);
      if (!view) {
        view = { name: provider.name, sampleRate, synthesize: (text, synthesisOptions) => synthesizeAt(sampleRate, text, synthesisOptions) };
        views.set(sampleRate, view);
      }
      return view;
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
    close: provider.close ? () => provider.close!() : undefined,
  };
}

/** The entry's frames as they arrive; `copy` unless the reader only reads them (the resampler of the cache itself). */
async function* read(entry: Entry, abortSignal: AbortSignal | undefined, copy = true): AsyncGenerator<PcmFrame> {
  let index = 0;
  while (!abortSignal?.aborted) {
    const frame = entry.frames[index];
    if (frame) {
      index += 1;
      // A copy: the consumer may keep or change its samples, the cached ones must stay as produced.
      yield copy ? { samples: frame.samples.slice(), sampleRate: frame.sampleRate } : frame;
      continue;
    }
    if (entry.state === 'done') return;
    if (entry.state === 'failed') throw entry.error;
    await new Promise<void>((resolve) => {
      const done = () => {
        abortSignal?.removeEventListener('abort', done);
        entry.waiting.delete(done);
        resolve();
      };
      entry.waiting.add(done);
      abortSignal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** One sentence converted from `from` to `to` Hz with a pooled converter, its filter tail flushed at the end. */
async function* resampled(frames: AsyncIterable<PcmFrame>, from: number, to: number): AsyncGenerator<PcmFrame> {
  // 'fastest' as the agent's live voice uses: speech from TTS has little energy near the band edge.
  const converter = await acquireResampler({ inputSampleRate: from, outputSampleRate: to, quality: 'fastest' });
  try {
    for await (const frame of frames) {
      const samples = converter.process(frame.samples);
      if (samples.length > 0) yield { samples, sampleRate: to };
    }
    const tail = converter.flush();
    if (tail.length > 0) yield { samples: tail, sampleRate: to };
  } finally {
    converter.close();
  }
}
