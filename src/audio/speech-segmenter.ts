// Speech segments from per-window speech probabilities: Silero's hysteresis with a minimum speech time and an end-of-speech silence.
import { FrontdeskError } from '../errors.ts';
import type { VadEvent } from './types.ts';

export interface SpeechSegmenterOptions {
  /** 0–1: a window at or above this probability is speech. Default 0.5 (Silero's). */
  threshold?: number;
  /** 0–1: a window below this probability is silence; between the two a window changes nothing. Default threshold − 0.15 (Silero's hysteresis). */
  negativeThreshold?: number;
  /** ms of speech windows needed before speech-start is emitted; shorter bursts (a cough, a click) are dropped. Default 250. */
  minSpeechMs?: number;
  /** ms added before the first and after the last speech window, so word edges are kept. Default 30 (Silero's). */
  speechPadMs?: number;
  /** ms of silence that end speech (rounded up to whole windows). Default 800. */
  endSilenceMs?: number;
}

export type ResolvedSegmenterOptions = Required<SpeechSegmenterOptions>;

/** Pure and synchronous: the VAD feeds it one probability per model window, in order. */
export interface SpeechSegmenter {
  /** Takes one window's 0–1 speech probability and its bounds (ms since stream start); returns the event it completes, if any. */
  push(probability: number, windowStartMs: number, windowEndMs: number): VadEvent | null;
  /** The stream ended at `positionMs`: ends open speech (returns its speech-end) and drops a pending onset. */
  end(positionMs: number): VadEvent | null;
  /** Forgets pending or open speech without an event, so the next speech makes a new speech-start. */
  dropSpeech(): void;
  /** True between speech-start and speech-end. */
  readonly speaking: boolean;
}

export function resolveSegmenterOptions(options: SpeechSegmenterOptions = {}): ResolvedSegmenterOptions {
  const threshold = options.threshold ?? 0.5;
  const resolved = {
    threshold,
    negativeThreshold: options.negativeThreshold ?? Math.max(0.01, threshold - 0.15),
    minSpeechMs: options.minSpeechMs ?? 250,
    speechPadMs: options.speechPadMs ?? 30,
    endSilenceMs: options.endSilenceMs ?? 800,
  };
  if (!(resolved.threshold > 0 && resolved.threshold < 1)) throw new FrontdeskError('CONFIG_INVALID', `VAD threshold ${resolved.threshold} is not between 0 and 1`);
  if (!(resolved.negativeThreshold > 0 && resolved.negativeThreshold <= resolved.threshold)) {
    throw new FrontdeskError('CONFIG_INVALID', `VAD negativeThreshold ${resolved.negativeThreshold} is not between 0 and the threshold`);
  }
  for (const name of ['minSpeechMs', 'speechPadMs', 'endSilenceMs'] as const) {
    if (!(Number.isFinite(resolved[name]) && resolved[name] >= 0)) throw new FrontdeskError('CONFIG_INVALID', `VAD ${name} ${resolved[name]} is not a duration in ms`);
  }
  return resolved;
}

export function createSpeechSegmenter(options: SpeechSegmenterOptions = {}): SpeechSegmenter {
  const { threshold, negativeThreshold, minSpeechMs, speechPadMs, endSilenceMs } = resolveSegmenterOptions(options);
  let state: 'silence' | 'pending' | 'speech' = 'silence';
  let onsetMs = 0;
  let startAtMs = 0;
  let speechWindowMs = 0;
  let lastSpeechEndMs = 0;
  let silenceStartMs: number | null = null;
  let previousEndAtMs = 0;

  function endSpeech(detectedAtMs: number): VadEvent {
    const atMs = Math.min(lastSpeechEndMs + speechPadMs, detectedAtMs);
    previousEndAtMs = atMs;
    state = 'silence';
    return { type: 'speech-end', atMs, durationMs: atMs - startAtMs, detectedAtMs };
  }

  return {
    get speaking() {
      return state === 'speech';
    },
    push(probability, windowStartMs, windowEndMs) {
      const isSpeech = probability >= threshold;
      if (state === 'silence') {
        if (!isSpeech) return null;
        state = 'pending';
        onsetMs = windowStartMs;
        speechWindowMs = 0;
        silenceStartMs = null;
      }
      if (isSpeech) {
        lastSpeechEndMs = windowEndMs;
        silenceStartMs = null;
        if (state === 'pending') speechWindowMs += windowEndMs - windowStartMs;
      } else if (probability < negativeThreshold && silenceStartMs === null) {
        silenceStartMs = windowStartMs;
      }
      if (state === 'pending' && speechWindowMs >= minSpeechMs) {
        state = 'speech';
        // The pad never reaches back into the previous segment, so segments do not overlap.
        startAtMs = Math.max(0, previousEndAtMs, onsetMs - speechPadMs);
        return { type: 'speech-start', atMs: startAtMs, detectedAtMs: windowEndMs };
      }
      if (silenceStartMs !== null && windowEndMs - silenceStartMs >= endSilenceMs) {
        if (state === 'speech') return endSpeech(windowEndMs);
        state = 'silence';
      }
      return null;
    },
    end(positionMs) {
      if (state === 'speech') return endSpeech(Math.max(positionMs, lastSpeechEndMs));
      state = 'silence';
      return null;
    },
    dropSpeech() {
      state = 'silence';
      silenceStartMs = null;
    },
  };
}
