// Deepgram live transcription over the /v1/listen WebSocket, through the official SDK.
import { DeepgramClient } from '@deepgram/sdk';
import { FrontdeskError, isRetryableStatus } from '../errors.ts';
import { expectationHints } from './expectation-hints.ts';
import { createTranscriptQueue } from './transcript-queue.ts';
import type { SpeechToText, SttStream, SttStreamOptions } from './types.ts';

export interface DeepgramSttOptions {
  apiKey: string;
  /** Default "nova-3"; nova-3 models take `keyterm` hints, older ones `keywords`. */
  model?: string;
  /** BCP-47, default "en-US". */
  language?: string;
  /** Silence that ends an utterance on Deepgram's side, ms; leave unset to use the vendor default. */
  endpointingMs?: number;
  /** Entity classes Deepgram replaces in transcripts, e.g. ["pci", "ssn"]. */
  redact?: string[];
  /** Smart formatting (numbers, dates as digits), default true. */
  smartFormat?: boolean;
  /** A different API host, e.g. "ws://127.0.0.1:8080" for a local server. */
  baseUrl?: string;
  /** Give up on the WebSocket handshake after this long, ms. Default 5000. */
  connectTimeoutMs?: number;
}

interface ResultsMessage {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: Array<{ transcript?: string; confidence?: number }> };
}

/** Maps what the SDK reports for a failed handshake or a broken socket to a catalogue error. */
function connectionError(error: unknown): FrontdeskError {
  const message = error instanceof Error ? error.message : String(error);
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status) {
    const code = Number(status);
    const retryable = isRetryableStatus(code);
    return new FrontdeskError(retryable ? 'PROVIDER_FAILED' : 'PROVIDER_REJECTED', `deepgram answered ${code}`, { cause: error, retryable });
  }
  if (message === 'TIMEOUT') return new FrontdeskError('PROVIDER_TIMEOUT', 'deepgram handshake', { cause: error });
  return new FrontdeskError('PROVIDER_FAILED', 'deepgram connection failed', { cause: error });
}

/** The stream for a signal that fired before `open()`: no socket, no events. */
function abortedStream(): SttStream {
  const queue = createTranscriptQueue();
  queue.finish();
  return { push() {}, end() {}, close() {}, [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() };
}

export function createDeepgramStt(options: DeepgramSttOptions): SpeechToText {
  const model = options.model ?? 'nova-3';
  const client = new DeepgramClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  const usesKeyterms = model.startsWith('nova-3');

  async function open(streamOptions: SttStreamOptions): Promise<SttStream> {
    if (streamOptions.abortSignal?.aborted) return abortedStream();
    const hints = expectationHints(streamOptions.expectation);
    const queryParams: Record<string, unknown> = {};
    if (hints.length > 0) queryParams[usesKeyterms ? 'keyterm' : 'keywords'] = hints;
    if (options.redact && options.redact.length > 0) queryParams.redact = options.redact;

    const socket = await client.listen.v1.connect({
      model,
      language: options.language ?? 'en-US',
      encoding: 'linear16',
      sample_rate: streamOptions.sampleRate,
      channels: 1,
      interim_results: 'true',
      smart_format: options.smartFormat === false ? 'false' : 'true',
      ...(options.endpointingMs !== undefined ? { endpointing: options.endpointingMs } : {}),
      queryParams,
      // One attempt: a dropped call leg is better served by a fallback than by reconnect loops mid-utterance.
      reconnectAttempts: 0,
      shouldReconnect: () => false,
      connectionTimeoutInSeconds: (options.connectTimeoutMs ?? 5000) / 1000,
      ...(streamOptions.abortSignal ? { abortSignal: streamOptions.abortSignal } : {}),
    });

    const queue = createTranscriptQueue();
    /** is_final segments of this utterance not yet reported in a `final`. */
    let pendingSegments: string[] = [];
    let finalEmitted = false;
    let ended = false;
    let closedByUs = false;
    /** The least confidence among the segments not yet reported, 0–1. */
    let lastConfidence: number | undefined;
    /** Before the socket opens, failures reject `open()` instead of becoming events. */
    let opened = false;
    let handshakeError: unknown;

    const fail = (error: FrontdeskError) => {
      if (queue.finished) return;
      queue.push({ type: 'error', error });
      queue.finish();
      socket.close();
    };
    const emitFinal = () => {
      const text = pendingSegments.join(' ').trim();
      pendingSegments = [];
      // One final per utterance unless more speech was finalized after it; an empty final tells the caller "nothing heard".
      if (text === '' && finalEmitted) return;
      finalEmitted = true;
      queue.push({ type: 'final', text, ...(lastConfidence !== undefined ? { confidence: lastConfidence } : {}) });
      lastConfidence = undefined;
    };

    socket.on('message', (message) => {
      if (message.type !== 'Results') return;
      const results = message as unknown as ResultsMessage;
      const alternative = results.channel?.alternatives?.[0];
      const transcript = alternative?.transcript?.trim() ?? '';
      if (results.is_final) {
        if (transcript !== '') {
          pendingSegments.push(transcript);
          // Several is_final segments make one utterance: it is as sure as its least sure segment.
          if (alternative?.confidence !== undefined) lastConfidence = Math.min(lastConfidence ?? 1, alternative.confidence);
        }
        // speech_final: Deepgram's endpointing heard the caller stop; report now rather than waiting for our VAD.
        if (results.speech_final && pendingSegments.length > 0) emitFinal();
        else if (pendingSegments.length > 0) queue.push({ type: 'partial', text: pendingSegments.join(' ') });
        return;
      }
      if (transcript !== '') queue.push({ type: 'partial', text: [...pendingSegments, transcript].join(' ') });
    });
    socket.on('error', (error) => {
      if (!opened) handshakeError = error;
      else fail(connectionError(error));
    });
    socket.on('close', (event) => {
      if (queue.finished || !opened) return;
      if (closedByUs) return queue.finish();
      // After CloseStream the server flushes its last results, sends Metadata and closes with 1000.
      if (ended && event.code === 1000) {
        emitFinal();
        return queue.finish();
      }
      fail(new FrontdeskError('PROVIDER_FAILED', `deepgram socket closed (${event.code})`));
    });

    streamOptions.abortSignal?.addEventListener('abort', () => {
      closedByUs = true;
      queue.finish();
    }, { once: true });

    socket.connect();
    try {
      await socket.waitForOpen();
      opened = true;
    } catch (error) {
      socket.close();
      throw connectionError(handshakeError ?? error);
    }

    const sendSafely = (send: () => void) => {
      if (queue.finished) return;
      try {
        send();
      } catch (error) {
        fail(new FrontdeskError('PROVIDER_FAILED', 'deepgram socket not open', { cause: error }));
      }
    };

    return {
      push(frame) {
        if (ended) return;
        const { samples } = frame;
        sendSafely(() => socket.sendMedia(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)));
      },
      end() {
        if (ended) return;
        ended = true;
        // Finalize flushes what Deepgram holds; CloseStream then asks it to send Metadata and close cleanly.
        sendSafely(() => socket.sendFinalize({ type: 'Finalize' }));
        sendSafely(() => socket.sendCloseStream({ type: 'CloseStream' }));
      },
      close() {
        closedByUs = true;
        queue.finish();
        socket.close();
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }

  return { name: 'deepgram', open };
}
