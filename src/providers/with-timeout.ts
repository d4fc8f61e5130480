// Bounds how long a speech provider may stay silent: a stall becomes a retryable PROVIDER_TIMEOUT a fallback can act on.
import { FrontdeskError } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { createTranscriptQueue } from '../stt/transcript-queue.ts';
import type { SpeechToText, SttStream, SttStreamOptions } from '../stt/types.ts';
import type { SynthesisOptions, TextToSpeech } from '../tts/types.ts';

export interface SttTimeoutOptions {
  /** Longest wait for `open()` (the vendor handshake), ms. Default 5000. */
  openMs?: number;
  /** Longest wait after `end()` for the first event, ms. Default 3000. */
  firstResultMs?: number;
  /** Longest wait after `end()` for the final transcript, ms. Default 8000. */
  finalMs?: number;
}

export interface TtsTimeoutOptions {
  /** Longest wait from the request to the first audio frame, ms. Default 3000. */
  firstResultMs?: number;
  /** Longest gap between two audio frames once audio flows, ms. Default 2000. */
  idleMs?: number;
}

export function withTimeout(provider: SpeechToText, options?: SttTimeoutOptions): SpeechToText;
export function withTimeout(provider: TextToSpeech, options?: TtsTimeoutOptions): TextToSpeech;
export function withTimeout(provider: SpeechToText | TextToSpeech, options: SttTimeoutOptions & TtsTimeoutOptions = {}): SpeechToText | TextToSpeech {
  return 'synthesize' in provider ? withTtsTimeout(provider, options) : withSttTimeout(provider, options);
}

function timeoutError(provider: string, what: string, ms: number): FrontdeskError {
  return new FrontdeskError('PROVIDER_TIMEOUT', `${provider} ${what} after ${ms} ms`);
}

function withSttTimeout(provider: SpeechToText, options: SttTimeoutOptions): SpeechToText {
  const openMs = options.openMs ?? 5000;
  const firstResultMs = options.firstResultMs ?? 3000;
  const finalMs = options.finalMs ?? 8000;

  async function open(streamOptions: SttStreamOptions): Promise<SttStream> {
    let timer: NodeJS.Timeout | undefined;
    const opening = provider.open(streamOptions);
    const inner = await Promise.race([
      opening,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(provider.name, 'open', openMs)), openMs);
      }),
    ]).catch((error: unknown) => {
      // A handshake that completes after we gave up must not leak a socket.
      opening.then((late) => late.close()).catch(() => undefined);
      throw error;
    }).finally(() => clearTimeout(timer));

    const queue = createTranscriptQueue();
    let firstTimer: NodeJS.Timeout | undefined;
    let finalTimer: NodeJS.Timeout | undefined;
    let ended = false;
    const clearTimers = () => {
      clearTimeout(firstTimer);
      clearTimeout(finalTimer);
    };
    const expire = (what: string, ms: number) => {
      clearTimers();
      queue.push({ type: 'error', error: timeoutError(provider.name, what, ms) });
      queue.finish();
      inner.close();
    };

    void (async () => {
      try {
        for await (const event of inner) {
          if (queue.finished) return;
          clearTimeout(firstTimer);
          if (event.type !== 'partial') clearTimers();
          queue.push(event);
        }
      } catch (error) {
        queue.push({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      }
      clearTimers();
      queue.finish();
    })();

    return {
      push: (frame: PcmFrame) => inner.push(frame),
      end() {
        if (ended) return;
        ended = true;
        firstTimer = setTimeout(() => expire('gave no result', firstResultMs), firstResultMs);
        finalTimer = setTimeout(() => expire('gave no final transcript', finalMs), finalMs);
        inner.end();
      },
      close() {
        clearTimers();
        queue.finish();
        inner.close();
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }

  return { name: provider.name, open, ...(provider.close ? { close: () => provider.close!() } : {}) };
}

function withTtsTimeout(provider: TextToSpeech, options: TtsTimeoutOptions): TextToSpeech {
  const firstResultMs = options.firstResultMs ?? 3000;
  const idleMs = options.idleMs ?? 2000;

  async function* synthesize(text: string, synthesisOptions: SynthesisOptions = {}): AsyncGenerator<PcmFrame> {
    const callerSignal = synthesisOptions.abortSignal;
    if (callerSignal?.aborted) return;
    // Our own controller lets a timeout cancel the vendor request as a barge-in would.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    const iterator = provider.synthesize(text, { abortSignal: controller.signal })[Symbol.asyncIterator]();
    let first = true;
    try {
      while (true) {
        const limit = first ? firstResultMs : idleMs;
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => {
          timer = setTimeout(() => resolve('expired'), limit);
        });
        const result = await Promise.race([iterator.next(), expired]).finally(() => clearTimeout(timer));
        if (result === 'expired') {
          if (callerSignal?.aborted) return;
          controller.abort();
          void iterator.return?.(undefined)?.catch(() => undefined);
          throw timeoutError(provider.name, first ? 'gave no audio' : 'stalled mid-sentence', limit);
        }
        if (result.done) return;
        first = false;
        yield result.value;
      }
    } finally {
      callerSignal?.removeEventListener('abort', forwardAbort);
      if (!controller.signal.aborted) controller.abort();
    }
  }

  return { name: provider.name, sampleRate: provider.sampleRate, synthesize, ...(provider.close ? { close: () => provider.close!() } : {}) };
}
