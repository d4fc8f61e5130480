// OpenAI speech-to-text: one VAD-segmented utterance per request, streamed back as SSE transcript deltas.
import OpenAI, { toFile } from 'openai';
import { concatSamples } from '../audio/frames.ts';
import { encodeWav } from '../audio/wav.ts';
import { FrontdeskError } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { openAiError } from '../providers/openai-error.ts';
import { expectationHints } from './expectation-hints.ts';
import { createTranscriptQueue } from './transcript-queue.ts';
import type { SpeechToText, SttStream, SttStreamOptions } from './types.ts';

export interface OpenAiSttOptions {
  apiKey: string;
  /** Default "gpt-4o-transcribe"; "gpt-4o-mini-transcribe" is cheaper. whisper-1 cannot stream. */
  model?: string;
  /** ISO-639-1, e.g. "en"; unset lets the model detect it. */
  language?: string;
  /** e.g. "http://127.0.0.1:8080/v1" for a local server. */
  baseUrl?: string;
  /** Whole-request limit, ms. Default 15000. */
  timeoutMs?: number;
}

/** A short prompt naming what the caller may say; the model treats it as preceding context, not as instructions. */
export function transcriptionPrompt(hints: string[]): string | undefined {
  if (hints.length === 0) return undefined;
  return `A patient is calling a clinic. Words that may come up: ${hints.join(', ')}.`;
}

/** Mean token probability, 0–1 (exp of the mean log probability); undefined when the service sent none. */
export function confidenceOf(logprobs: ReadonlyArray<{ logprob?: number }> | undefined): number | undefined {
  const values = (logprobs ?? []).map((entry) => entry.logprob).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (values.length === 0) return undefined;
  return Math.round(Math.exp(values.reduce((sum, value) => sum + value, 0) / values.length) * 1000) / 1000;
}

export function createOpenAiStt(options: OpenAiSttOptions): SpeechToText {
  const model = options.model ?? 'gpt-4o-transcribe';
  // No SDK retries: in a live call a fallback answers sooner than a backoff.
  const client = new OpenAI({ apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs ?? 15_000, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}) });

  async function open(streamOptions: SttStreamOptions): Promise<SttStream> {
    const queue = createTranscriptQueue();
    const frames: PcmFrame[] = [];
    const abortController = new AbortController();
    const prompt = transcriptionPrompt(expectationHints(streamOptions.expectation));
    let ended = false;
    const stop = () => {
      abortController.abort();
      queue.finish();
    };
    if (streamOptions.abortSignal?.aborted) stop();
    else streamOptions.abortSignal?.addEventListener('abort', stop, { once: true });

    async function transcribe() {
      if (frames.length === 0) {
        queue.push({ type: 'final', text: '' });
        return queue.finish();
      }
      try {
        const file = await toFile(encodeWav(concatSamples(frames.map((frame) => frame.samples)), streamOptions.sampleRate), 'utterance.wav', { type: 'audio/wav' });
        const events = await client.audio.transcriptions.create(
          {
            file,
            model,
            stream: true,
            // Token log probabilities are the only confidence the service gives (gpt-4o-transcribe and mini; whisper-1 cannot stream anyway).
            include: ['logprobs'],
            ...(prompt ? { prompt } : {}),
            ...(options.language ? { language: options.language } : {}),
          },
          { signal: abortController.signal },
        );
        let text = '';
        for await (const event of events) {
          if (event.type === 'transcript.text.delta') {
            text += event.delta;
            queue.push({ type: 'partial', text: text.trim() });
          } else if (event.type === 'transcript.text.done') {
            const confidence = confidenceOf(event.logprobs);
            queue.push({ type: 'final', text: event.text.trim(), ...(confidence !== undefined ? { confidence } : {}) });
            return queue.finish();
          }
        }
        // The stream closed without transcript.text.done: the answer is incomplete.
        throw new FrontdeskError('PROVIDER_FAILED', 'openai transcription stream ended early');
      } catch (error) {
        if (abortController.signal.aborted) return queue.finish();
        queue.push({ type: 'error', error: openAiError(error, 'transcription') });
        queue.finish();
      }
    }

    return {
      push(frame) {
        if (!ended) frames.push(frame);
      },
      end() {
        if (ended || queue.finished) return;
        ended = true;
        void transcribe();
      },
      close: stop,
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }

  return { name: 'openai', open };
}
