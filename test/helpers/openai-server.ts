// A local OpenAI audio API: /v1/audio/transcriptions (multipart in, SSE out) and /v1/audio/speech (chunked PCM out).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, writeAudioChunks } from './http-audio-stream.ts';
import { errorBody, synthesizePcm, trackSockets, type ProviderFailure } from './provider-failure.ts';

export interface TranscriptionRequestRecord {
  authorization: string | undefined;
  /** Text fields of the multipart form: model, prompt, stream, language, response_format… */
  fields: Record<string, string>;
  file: { name: string; type: string; bytes: Buffer } | undefined;
}

export interface SpeechRequestRecord {
  authorization: string | undefined;
  body: { model?: string; input?: string; voice?: string; response_format?: string; instructions?: string; speed?: number };
}

export interface OpenAiServer {
  /** For the SDK's `baseURL`: http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly transcriptionRequests: TranscriptionRequestRecord[];
  readonly speechRequests: SpeechRequestRecord[];
  /** What the transcription endpoint "hears". */
  transcript: string;
  /** Applies to requests from now on; `undefined` serves normally. */
  failure: ProviderFailure | undefined;
  close(): Promise<void>;
}

/** Speech is PCM16 mono at 24 kHz, as `response_format: "pcm"` returns. */
export const openAiSpeechSampleRate = 24000;

function sendError(response: ServerResponse, status: number) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_local_test' });
  response.end(errorBody('openai', status));
}

export async function startOpenAiServer(options: { transcript?: string } = {}): Promise<OpenAiServer> {
  const state = { transcript: options.transcript ?? "I'd like to book an appointment", failure: undefined as ProviderFailure | undefined };
  const transcriptionRequests: TranscriptionRequestRecord[] = [];
  const speechRequests: SpeechRequestRecord[] = [];

  async function transcribe(request: IncomingMessage, response: ServerResponse, failure: ProviderFailure | undefined) {
    const body = await readBody(request);
    // The platform's own multipart parser, as a real server would use one.
    const form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    }).formData();
    const fields: Record<string, string> = {};
    let file: TranscriptionRequestRecord['file'];
    const entries: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, key) => entries.push([key, value]));
    for (const [key, value] of entries) {
      if (typeof value === 'string') fields[key] = value;
      else file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
    }
    transcriptionRequests.push({ authorization: request.headers.authorization, fields, file });
    if (failure?.kind === 'status') return sendError(response, failure.status);
    if (!file) return sendError(response, 400);
    const words = state.transcript.split(/\s+/).filter(Boolean);
    if (fields.stream !== 'true') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ text: state.transcript }));
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    // With include[]=logprobs the service reports each token's log probability (here one token per word, −0.05 each).
    const withLogprobs = Object.entries(fields).some(([key, value]) => key.startsWith('include') && value === 'logprobs');
    const logprobsOf = (token: string) => (withLogprobs ? [{ token, logprob: -0.05, bytes: [...Buffer.from(token)] }] : []);
    const events: unknown[] = words.map((word, index) => ({ type: 'transcript.text.delta', delta: index === 0 ? word : ` ${word}`, logprobs: logprobsOf(index === 0 ? word : ` ${word}`) }));
    events.push({
      type: 'transcript.text.done',
      text: state.transcript,
      logprobs: words.flatMap((word, index) => logprobsOf(index === 0 ? word : ` ${word}`)),
      usage: { type: 'tokens', input_tokens: 42, input_token_details: { text_tokens: 0, audio_tokens: 42 }, output_tokens: words.length, total_tokens: 42 + words.length },
    });
    for (const [index, event] of events.entries()) {
      if (response.destroyed) return;
      // afterBytes counts events here: the failure strikes after that many deltas.
      if (failure && index >= (failure.afterBytes ?? 0)) {
        if (failure.kind === 'drop') response.socket?.destroy();
        return;
      }
      response.write(`data: ${JSON.stringify(event)}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    response.end();
  }

  async function speak(request: IncomingMessage, response: ServerResponse, failure: ProviderFailure | undefined) {
    const body = JSON.parse((await readBody(request)).toString('utf8')) as SpeechRequestRecord['body'];
    speechRequests.push({ authorization: request.headers.authorization, body });
    if (failure?.kind === 'status') return sendError(response, failure.status);
    if (!body.input || !body.voice || !body.model) return sendError(response, 400);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
    await writeAudioChunks(response, synthesizePcm(body.input, openAiSpeechSampleRate), { failure });
  }

  const server = createServer((request, response) => {
    const failure = state.failure;
    if (!request.headers.authorization?.startsWith('Bearer ')) return sendError(response, 401);
    const handle = request.url === '/v1/audio/transcriptions' ? transcribe : request.url === '/v1/audio/speech' ? speak : undefined;
    if (!handle || request.method !== 'POST') return sendError(response, 404);
    handle(request, response, failure).catch(() => response.destroy());
  });
  const sockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    transcriptionRequests,
    speechRequests,
    get transcript() {
      return state.transcript;
    },
    set transcript(value: string) {
      state.transcript = value;
    },
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
