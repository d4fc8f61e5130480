// A local ElevenLabs streaming TTS endpoint: /v1/text-to-speech/{voice_id}/stream with xi-api-key and output_format.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, writeAudioChunks } from './http-audio-stream.ts';
import { errorBody, synthesizePcm, trackSockets, type ProviderFailure } from './provider-failure.ts';

export interface ElevenLabsRequestRecord {
  apiKey: string | undefined;
  voiceId: string;
  /** Query parameters, e.g. output_format=pcm_16000. */
  query: Record<string, string>;
  body: { text?: string; model_id?: string; voice_settings?: unknown; [key: string]: unknown };
}

export interface ElevenLabsServer {
  /** For the SDK's `baseUrl`: http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: ElevenLabsRequestRecord[];
  failure: ProviderFailure | undefined;
  close(): Promise<void>;
}

function sendError(response: ServerResponse, status: number) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(errorBody('elevenlabs', status));
}

const pcmFormat = /^pcm_(\d+)$/;

export async function startElevenLabsServer(): Promise<ElevenLabsServer> {
  const state = { failure: undefined as ProviderFailure | undefined };
  const requests: ElevenLabsRequestRecord[] = [];

  const server = createServer((request, response) => {
    const failure = state.failure;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(url.pathname);
    if (!match || request.method !== 'POST') return sendError(response, 404);
    void (async () => {
      const body = JSON.parse((await readBody(request)).toString('utf8')) as ElevenLabsRequestRecord['body'];
      const apiKey = request.headers['xi-api-key'];
      requests.push({
        apiKey: typeof apiKey === 'string' ? apiKey : undefined,
        voiceId: decodeURIComponent(match[1]!),
        query: Object.fromEntries(url.searchParams),
        body,
      });
      if (!apiKey) return sendError(response, 401);
      if (failure?.kind === 'status') return sendError(response, failure.status);
      const format = url.searchParams.get('output_format') ?? 'mp3_44100_128';
      const sampleRate = Number(pcmFormat.exec(format)?.[1]);
      // Only PCM output is served here; the adapter never asks for mp3.
      if (!sampleRate || !body.text) return sendError(response, 422);
      response.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked', 'request-id': 'local-test' });
      await writeAudioChunks(response, synthesizePcm(body.text, sampleRate), { failure, chunkBytes: 1023 });
    })().catch(() => response.destroy());
  });
  const sockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get failure() {
      return state.failure;
    },
    set failure(value: ProviderFailure | undefined) {
      state.failure = value;
    },
    async close() {
      sockets.destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
