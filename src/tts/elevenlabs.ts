// ElevenLabs text-to-speech: the streaming endpoint through the official SDK, raw PCM out, cancellable.
import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { FrontdeskError, isRetryableStatus } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { pcmFramesFromBytes, readBytes } from './pcm-byte-stream.ts';
import type { SynthesisOptions, TextToSpeech } from './types.ts';

export type ElevenLabsPcmFormat = 'pcm_16000' | 'pcm_22050' | 'pcm_24000';

export interface ElevenLabsTtsOptions {
  apiKey: string;
  voiceId: string;
  /** Default "eleven_flash_v2_5" (lowest latency). */
  modelId?: string;
  /** Raw PCM16 at 16, 22.05 or 24 kHz. Default "pcm_16000", which a phone leg downsamples cheaply. */
  outputFormat?: ElevenLabsPcmFormat;
  /** 0–4: trades quality for first-byte latency. Unset uses the vendor default. */
  optimizeStreamingLatency?: number;
  /** e.g. "http://127.0.0.1:8080" for a local server. */
  baseUrl?: string;
  /** Whole-request limit, ms. Default 30000. */
  timeoutMs?: number;
}

function elevenLabsError(error: unknown): FrontdeskError {
  if (error instanceof FrontdeskError) return error;
  if (error instanceof ElevenLabsError && typeof error.statusCode === 'number') {
    const retryable = isRetryableStatus(error.statusCode);
    return new FrontdeskError(retryable ? 'PROVIDER_FAILED' : 'PROVIDER_REJECTED', `elevenlabs answered ${error.statusCode}`, { cause: error, retryable });
  }
  if (error instanceof Error && error.name === 'ElevenLabsTimeoutError') return new FrontdeskError('PROVIDER_TIMEOUT', 'elevenlabs', { cause: error });
  return new FrontdeskError('PROVIDER_FAILED', 'elevenlabs connection failed', { cause: error });
}

export function createElevenLabsTts(options: ElevenLabsTtsOptions): TextToSpeech {
  const outputFormat = options.outputFormat ?? 'pcm_16000';
  const sampleRate = Number(outputFormat.slice('pcm_'.length));
  const modelId = options.modelId ?? 'eleven_flash_v2_5';
  // No SDK retries: in a live call a fallback answers sooner than a backoff.
  const client = new ElevenLabsClient({
    apiKey: options.apiKey,
    maxRetries: 0,
    timeoutInSeconds: (options.timeoutMs ?? 30_000) / 1000,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });

  async function* synthesize(text: string, synthesisOptions: SynthesisOptions = {}): AsyncGenerator<PcmFrame> {
    const abortSignal = synthesisOptions.abortSignal;
    if (abortSignal?.aborted) return;
    try {
      const audio = await client.textToSpeech.stream(
        options.voiceId,
        {
          text,
          modelId,
          outputFormat,
          ...(options.optimizeStreamingLatency !== undefined ? { optimizeStreamingLatency: options.optimizeStreamingLatency } : {}),
        },
        abortSignal ? { abortSignal } : {},
      );
      for await (const frame of pcmFramesFromBytes(readBytes(audio), sampleRate)) {
        if (abortSignal?.aborted) return;
        yield frame;
      }
    } catch (error) {
      // Barge-in: the caller stopped listening, which is not a failure.
      if (abortSignal?.aborted) return;
      throw elevenLabsError(error);
    }
  }

  return { name: 'elevenlabs', sampleRate, synthesize };
}
