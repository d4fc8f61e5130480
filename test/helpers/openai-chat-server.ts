// A local OpenAI chat completions API (/v1/chat/completions) that records requests and answers, fails, stalls or drops on request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, trackSockets } from './provider-failure.ts';

export interface ChatRequestRecord {
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
    tools?: unknown;
    tool_choice?: unknown;
    temperature?: number;
    [key: string]: unknown;
  };
  /** When the request arrived, ms since the server started. */
  receivedAtMs: number;
}

/**
 * How the server answers the next request:
 * - `content`: a completion whose message content is this text (after `delayMs`);
 * - `refusal`: a structured-outputs refusal;
 * - `status`: the HTTP status with OpenAI's error body;
 * - `stall`: accept and never answer; `drop`: destroy the connection.
 */
export type ChatReply =
  | { kind: 'content'; content: string; delayMs?: number; finishReason?: 'stop' | 'length' }
  | { kind: 'refusal'; refusal: string }
  | { kind: 'status'; status: number }
  | { kind: 'stall' }
  | { kind: 'drop' };

export interface OpenAiChatServer {
  /** For the SDK's `baseURL`: http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly requests: ChatRequestRecord[];
  /** The answer to each request from now on; a function sees the request (e.g. to answer per user message). */
  reply: ChatReply | ((request: ChatRequestRecord) => ChatReply);
  close(): Promise<void>;
}

/** A chat.completion shaped as the API returns it (trimmed of nothing the SDK reads). */
function completionBody(model: string, message: { content: string | null; refusal: string | null }, finishReason: string): string {
  return JSON.stringify({
    id: 'chatcmpl-local0000000000000000000000',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: model === 'gpt-4o-mini' ? 'gpt-4o-mini-2024-07-18' : model,
    choices: [{ index: 0, message: { role: 'assistant', ...message, annotations: [] }, logprobs: null, finish_reason: finishReason }],
    usage: {
      prompt_tokens: 612,
      completion_tokens: 58,
      total_tokens: 670,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_local',
  });
}

async function readJson(request: IncomingMessage): Promise<ChatRequestRecord['body']> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestRecord['body'];
}

function sendError(response: ServerResponse, status: number) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_local_test' });
  response.end(errorBody('openai', status));
}

export async function startOpenAiChatServer(reply: OpenAiChatServer['reply'] = { kind: 'content', content: '{}' }): Promise<OpenAiChatServer> {
  const startedAt = performance.now();
  const requests: ChatRequestRecord[] = [];
  const state = { reply };

  async function complete(request: IncomingMessage, response: ServerResponse) {
    const record: ChatRequestRecord = { authorization: request.headers.authorization, body: await readJson(request), receivedAtMs: performance.now() - startedAt };
    requests.push(record);
    const answer = typeof state.reply === 'function' ? state.reply(record) : state.reply;
    switch (answer.kind) {
      case 'status':
        return sendError(response, answer.status);
      case 'stall':
        return;
      case 'drop':
        return response.socket?.destroy();
      case 'refusal':
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(completionBody(record.body.model ?? '', { content: null, refusal: answer.refusal }, 'stop'));
      case 'content':
        if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        if (response.destroyed) return;
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(completionBody(record.body.model ?? '', { content: answer.content, refusal: null }, answer.finishReason ?? 'stop'));
    }
  }

  const server = createServer((request, response) => {
    if (!request.headers.authorization?.startsWith('Bearer ')) return sendError(response, 401);
    if (request.url !== '/v1/chat/completions' || request.method !== 'POST') return sendError(response, 404);
    complete(request, response).catch(() => response.destroy());
  });
  const sockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get reply() {
      return state.reply;
    },
    set reply(value) {
      state.reply = value;
    },
    async close() {
      sockets.destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A model answer in the wire schema: every field present, null unless given. */
export function modelAnswer(values: Record<string, unknown>): string {
  const empty = {
    intent: null,
    lastName: null,
    dateOfBirth: null,
    phone: null,
    specialty: null,
    location: null,
    date: null,
    soonest: null,
    time: null,
    choice: null,
    reason: null,
    yesNo: null,
    emergency: null,
    symptom: null,
    humanRequested: null,
    clinicalQuestion: null,
    repeatRequested: null,
  };
  return JSON.stringify({ ...empty, ...values });
}
