// OpenAI text-to-speech: /v1/audio/speech as raw 24 kHz PCM16, streamed chunk by chunk, cancellable.
import OpenAI from 'openai';
import { FrontdeskError } from '../errors.ts';
import { openAiError } from '../providers/openai-error.ts';
import type { PcmFrame } from '../audio/types.ts';
import { pcmFramesFromBytes, readBytes } from './pcm-byte-stream.ts';
import type { SynthesisOptions, TextToSpeech } from './types.ts';

export interface OpenAiTtsOptions {
  apiKey: string;
  /** Default "gpt-4o-mini-tts". */
  model?: string;
  /** Default "alloy". */
  voice?: string;
  /** Speaking style for gpt-4o-mini-tts, e.g. "Warm and unhurried, like a clinic receptionist." */
  instructions?: string;
  /** e.g. "http://127.0.0.1:8080/v1" for a local server. */
  baseUrl?: string;
  /** Whole-request limit, ms. Default 30000. */
  timeoutMs?: number;
}

/** `response_format: "pcm"` is always 24 kHz signed 16-bit little-endian mono. */
const pcmSampleRate = 24000;

export function createOpenAiTts(options: OpenAiTtsOptions): TextToSpeech {
  const model = options.model ?? 'gpt-4o-mini-tts';
  const voice = options.voice ?? 'alloy';
  const client = new OpenAI({ apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs ?? 30_000, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}) });

  async function* synthesize(text: string, synthesisOptions: SynthesisOptions = {}): AsyncGenerator<PcmFrame> {
    const abortSignal = synthesisOptions.abortSignal;
    if (abortSignal?.aborted) return;
    try {
      const response = await client.audio.speech.create(
        { model, voice, input: text, response_format: 'pcm', ...(options.instructions ? { instructions: options.instructions } : {}) },
        abortSignal ? { signal: abortSignal } : {},
      );
      if (!response.body) throw new FrontdeskError('PROVIDER_FAILED', 'openai speech returned no body');
      for await (const frame of pcmFramesFromBytes(readBytes(response.body), pcmSampleRate)) {
        if (abortSignal?.aborted) return;
        yield frame;
      }
    } catch (error) {
      // Barge-in: the caller stopped listening, which is not a failure.
      if (abortSignal?.aborted) return;
      throw openAiError(error, 'speech');
    }
  }

  return { name: 'openai', sampleRate: pcmSampleRate, synthesize };
}
