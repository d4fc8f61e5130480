// Fallback chains: when the active STT or TTS provider fails mid-call, the next one takes over the current utterance and those after it.
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { frameDurationMs } from '../audio/types.ts';
import { createTranscriptQueue } from '../stt/transcript-queue.ts';
import type { SpeechToText, SttStream, SttStreamOptions } from '../stt/types.ts';
import type { SynthesisOptions, TextToSpeech } from '../tts/types.ts';

export interface FallbackOptions {
  /** Observes switches, for metrics and logs (ids and codes only: never the text). */
  onSwitch?: (switched: { from: string; to: string; error: Error }) => void;
  /** How long a provider that failed with a retryable error (timeout, 5xx, dropped socket) sits out before the chain starts on it again, ms. Default 30 000. */
  recoverAfterMs?: number;
  /** The clock `recoverAfterMs` is measured on, ms. Default `performance.now`. */
  now?: () => number;
}

const defaultRecoverAfterMs = 30_000;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Which provider a new utterance or sentence starts on. The catalogue's `retryable` decides how long a failed provider
 * sits out: a retryable failure is transient, so the provider is tried again after `recoverAfterMs`; a non-retryable one
 * (a refused key, a 4xx) will fail the same way every time, so it is not tried again by this chain.
 * An error from outside the catalogue counts as retryable. With every provider sitting out, the one that last worked starts.
 */
function providerAvailability(count: number, options: FallbackOptions) {
  const now = options.now ?? (() => performance.now());
  const recoverAfterMs = options.recoverAfterMs ?? defaultRecoverAfterMs;
  const unavailableUntilMs = new Array<number>(count).fill(0);
  let lastWorked = 0;
  return {
    failed(index: number, error: unknown): void {
      const retryable = isFrontdeskError(error) ? error.retryable : true;
      unavailableUntilMs[index] = retryable ? now() + recoverAfterMs : Number.POSITIVE_INFINITY;
    },
    worked(index: number): void {
      lastWorked = index;
    },
    startIndex(): number {
      const at = now();
      const available = unavailableUntilMs.findIndex((until) => until <= at);
      return available === -1 ? lastWorked : available;
    },
  };
}

/**
 * STT chain. The wrapper keeps the current utterance's audio, so when the active provider errors
 * (timeout, dropped socket, 4xx/5xx) the next one is opened, given the same audio and, if the caller
 * already ended the utterance, ended too. Later utterances start on the first provider not sitting out
 * (see `providerAvailability`). Compose with `withTimeout` on each provider so stalls become errors.
 */
export function withSttFallback(providers: SpeechToText[], options: FallbackOptions = {}): SpeechToText {
  if (providers.length === 0) throw new FrontdeskError('CONFIG_INVALID', 'a fallback chain needs at least one provider');
  const availability = providerAvailability(providers.length, options);

  async function openFrom(startIndex: number, streamOptions: SttStreamOptions): Promise<{ stream: SttStream; index: number }> {
    let lastError: Error | undefined;
    for (let index = startIndex; index < providers.length; index += 1) {
      try {
        return { stream: await providers[index]!.open(streamOptions), index };
      } catch (error) {
        lastError = asError(error);
        availability.failed(index, error);
        const next = providers[index + 1];
        if (next) options.onSwitch?.({ from: providers[index]!.name, to: next.name, error: lastError });
      }
    }
    throw lastError ?? new FrontdeskError('PROVIDER_FAILED', 'no speech-to-text provider left');
  }

  async function open(streamOptions: SttStreamOptions): Promise<SttStream> {
    const first = await openFrom(availability.startIndex(), streamOptions);
    const queue = createTranscriptQueue();
    const utteranceFrames: PcmFrame[] = [];
    let current = first;
    let ended = false;
    let closed = false;

    async function pump(active: { stream: SttStream; index: number }): Promise<void> {
      let failure: Error | undefined;
      try {
        for await (const event of active.stream) {
          if (closed) return;
          if (event.type === 'error') {
            failure = event.error;
            break;
          }
          queue.push(event);
        }
      } catch (error) {
        failure = asError(error);
      }
      if (closed) return;
      if (!failure) {
        availability.worked(active.index);
        return queue.finish();
      }
      availability.failed(active.index, failure);
      active.stream.close();
      const nextIndex = active.index + 1;
      const next = providers[nextIndex];
      if (!next) {
        queue.push({ type: 'error', error: failure });
        return queue.finish();
      }
      options.onSwitch?.({ from: providers[active.index]!.name, to: next.name, error: failure });
      try {
        current = await openFrom(nextIndex, streamOptions);
      } catch (error) {
        queue.push({ type: 'error', error: asError(error) });
        return queue.finish();
      }
      if (closed) return current.stream.close();
      // Replay the utterance so far: the caller must not be asked to repeat what the first engine lost.
      for (const frame of utteranceFrames) current.stream.push(frame);
      if (ended) current.stream.end();
      return pump(current);
    }
    void pump(current);

    return {
      push(frame) {
        if (ended || closed) return;
        utteranceFrames.push(frame);
        current.stream.push(frame);
      },
      end() {
        if (ended || closed) return;
        ended = true;
        current.stream.end();
      },
      close() {
        closed = true;
        queue.finish();
        current.stream.close();
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }

  return { name: providers.map((provider) => provider.name).join('>'), open };
}

/** Typical TTS pace: ~150 words a minute of English is about 14 characters a second. */
const charactersPerSecond = 14;

/**
 * The part of `text` not yet heard after `spokenMs` of audio, cut back to a word start so the word
 * in progress is said again rather than lost.
 */
export function unspokenRemainder(text: string, spokenMs: number): string {
  if (spokenMs <= 0) return text;
  const spokenCharacters = Math.floor((spokenMs / 1000) * charactersPerSecond);
  if (spokenCharacters >= text.length) return '';
  const wordStart = text.lastIndexOf(' ', spokenCharacters);
  return wordStart <= 0 ? text : text.slice(wordStart + 1);
}

/**
 * TTS chain. When the active provider fails before or during a sentence, the next one synthesizes what the
 * caller has not heard yet (estimated from the audio already yielded); later sentences start on the first provider
 * not sitting out (see `providerAvailability`).
 * Frames carry their own sample rate: after a switch it may differ from `sampleRate` (the first provider's).
 */
export function withTtsFallback(providers: TextToSpeech[], options: FallbackOptions = {}): TextToSpeech {
  const primary = providers[0];
  if (!primary) throw new FrontdeskError('CONFIG_INVALID', 'a fallback chain needs at least one provider');
  const availability = providerAvailability(providers.length, options);

  async function* synthesize(text: string, synthesisOptions: SynthesisOptions = {}): AsyncGenerator<PcmFrame> {
    let remaining = text;
    for (let index = availability.startIndex(); index < providers.length; index += 1) {
      const provider = providers[index]!;
      let spokenMs = 0;
      try {
        for await (const frame of provider.synthesize(remaining, synthesisOptions)) {
          spokenMs += frameDurationMs(frame);
          yield frame;
        }
        availability.worked(index);
        return;
      } catch (error) {
        if (synthesisOptions.abortSignal?.aborted) return;
        availability.failed(index, error);
        const next = providers[index + 1];
        if (!next) throw error;
        options.onSwitch?.({ from: provider.name, to: next.name, error: asError(error) });
        remaining = unspokenRemainder(remaining, spokenMs);
        if (remaining === '') return;
      }
    }
  }

  return { name: providers.map((provider) => provider.name).join('>'), sampleRate: primary.sampleRate, synthesize };
}
