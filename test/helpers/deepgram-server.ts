// A local Deepgram live-transcription server: the /v1/listen WebSocket protocol, scripted transcripts, injectable failures.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { readJsonFixture, trackSockets, type ProviderFailure } from './provider-failure.ts';

/** What one live connection sent: the handshake and every client message. */
export interface DeepgramConnectionRecord {
  authorization: string | undefined;
  /** Query parameters; repeated ones (keyterm, keywords, redact) are arrays. */
  query: Record<string, string | string[]>;
  audioBytes: number;
  /** Text control messages in arrival order, e.g. `Finalize`, `CloseStream`, `KeepAlive`. */
  controlMessages: string[];
}

export interface DeepgramServerOptions {
  /** The words the server "hears" in each connection's audio. */
  transcript?: string;
  /** Emit an interim result after each this much audio, ms. */
  interimEveryMs?: number;
}

export interface DeepgramServer {
  /** For the SDK's `baseUrl`: ws://127.0.0.1:PORT */
  readonly url: string;
  readonly connections: DeepgramConnectionRecord[];
  transcript: string;
  /** Applies to connections opened from now on; `undefined` serves normally. */
  failure: ProviderFailure | undefined;
  close(): Promise<void>;
}

const multiValued = new Set(['keyterm', 'keywords', 'redact', 'replace', 'search', 'tag', 'extra']);

function parseQuery(request: IncomingMessage): Record<string, string | string[]> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = multiValued.has(key) ? values : (values[0] ?? '');
  }
  return query;
}

function resultsMessage(transcript: string, fields: { start: number; duration: number; isFinal: boolean; speechFinal: boolean; fromFinalize: boolean }) {
  const template = readJsonFixture<Record<string, unknown>>('deepgram-results.json');
  const words = transcript.split(/\s+/).filter(Boolean);
  const wordDuration = words.length > 0 ? fields.duration / words.length : 0;
  return {
    ...template,
    start: fields.start,
    duration: fields.duration,
    is_final: fields.isFinal,
    speech_final: fields.speechFinal,
    from_finalize: fields.fromFinalize,
    channel: {
      alternatives: [
        {
          transcript,
          confidence: 0.98,
          words: words.map((word, index) => ({
            word: word.toLowerCase(),
            start: fields.start + index * wordDuration,
            end: fields.start + (index + 1) * wordDuration,
            confidence: 0.98,
            punctuated_word: word,
          })),
        },
      ],
    },
  };
}

export async function startDeepgramServer(options: DeepgramServerOptions = {}): Promise<DeepgramServer> {
  const httpServer = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const sockets = trackSockets(httpServer);
  const webSocketServer = new WebSocketServer({ noServer: true });
  const connections: DeepgramConnectionRecord[] = [];
  const interimEveryMs = options.interimEveryMs ?? 200;

  const state = {
    transcript: options.transcript ?? "I'd like to book an appointment",
    failure: undefined as ProviderFailure | undefined,
  };

  httpServer.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const record: DeepgramConnectionRecord = {
      authorization: request.headers.authorization,
      query: parseQuery(request),
      audioBytes: 0,
      controlMessages: [],
    };
    connections.push(record);
    const failure = state.failure;
    const refuse = (status: number, errorCode: string) => {
      // Deepgram refuses a bad handshake with a plain HTTP response and the reason in dg-error.
      socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\ndg-error: ${errorCode}\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/v1/listen') return refuse(404, 'NOT_FOUND');
    if (!request.headers.authorization?.startsWith('Token ')) return refuse(401, 'INVALID_AUTH');
    if (failure?.kind === 'status') return refuse(failure.status, 'SCRIPTED_FAILURE');
    webSocketServer.handleUpgrade(request, socket, head, (webSocket) => serve(webSocket, record, failure));
  });

  function serve(webSocket: WebSocket, record: DeepgramConnectionRecord, failure: ProviderFailure | undefined) {
    const sampleRate = Number(record.query.sample_rate ?? 16000);
    const bytesPerMs = (sampleRate * 2) / 1000;
    const words = state.transcript.split(/\s+/).filter(Boolean);
    let finalizedMs = 0;
    let lastInterimAtBytes = 0;
    let stalled = false;

    const audioMs = () => record.audioBytes / bytesPerMs;
    const heardWords = () => {
      // Words arrive in proportion to audio, all of them by one second of speech.
      const fraction = Math.min(1, audioMs() / 1000);
      return words.slice(0, Math.max(1, Math.ceil(words.length * fraction)));
    };
    const send = (message: unknown) => {
      if (!stalled && webSocket.readyState === webSocket.OPEN) webSocket.send(JSON.stringify(message));
    };
    const finalize = (fromFinalize: boolean) => {
      const text = audioMs() > 0 ? heardWords().join(' ') : '';
      const start = finalizedMs / 1000;
      const duration = (audioMs() - finalizedMs) / 1000;
      finalizedMs = audioMs();
      send(resultsMessage(text, { start, duration, isFinal: true, speechFinal: !fromFinalize, fromFinalize }));
    };

    webSocket.on('message', (data, isBinary) => {
      if (isBinary) {
        record.audioBytes += (data as Buffer).length;
        const threshold = failure && failure.kind !== 'status' ? (failure.afterBytes ?? 0) : Infinity;
        if (record.audioBytes >= threshold) {
          if (failure?.kind === 'drop') return webSocket.terminate();
          stalled = true;
        }
        if (record.audioBytes - lastInterimAtBytes >= interimEveryMs * bytesPerMs) {
          lastInterimAtBytes = record.audioBytes;
          send(resultsMessage(heardWords().join(' '), { start: finalizedMs / 1000, duration: (audioMs() - finalizedMs) / 1000, isFinal: false, speechFinal: false, fromFinalize: false }));
        }
        return;
      }
      const text = data.toString();
      let type = text;
      try {
        type = String((JSON.parse(text) as { type?: unknown }).type);
      } catch {
        // A malformed control message: real Deepgram closes with 1008 DATA-0000.
        webSocket.close(1008, 'DATA-0000');
        return;
      }
      record.controlMessages.push(type);
      if (type === 'Finalize') finalize(true);
      if (type === 'CloseStream') {
        if (stalled) return;
        if (audioMs() > finalizedMs) finalize(true);
        const metadata = readJsonFixture<Record<string, unknown>>('deepgram-metadata.json');
        send({ ...metadata, duration: audioMs() / 1000 });
        webSocket.close(1000);
      }
    });
  }

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;

  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
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
      for (const client of webSocketServer.clients) client.terminate();
      sockets.destroyAll();
      webSocketServer.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
