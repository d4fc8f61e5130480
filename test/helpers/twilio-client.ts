// A scripted Twilio Media Streams peer over `ws`: streams the caller in real time as 20 ms μ-law frames, plays the agent's audio on a simulated line, echoes marks as Twilio does.
import { WebSocket } from 'ws';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/audio/mulaw.ts';

/** One message the server sent, with its arrival time (performance.now()). */
export interface ServerMessage {
  event: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
  arrivedAtMs: number;
}

export interface TwilioClientOptions {
  /** ws://127.0.0.1:PORT/twilio/media */
  url: string;
  streamSid?: string;
  callSid?: string;
  customParameters?: Record<string, string>;
  /** Peak amplitude (PCM16) of uniform noise under everything the caller sends, as a real line carries; default 0 (digital silence). 30 is −65.5 dBFS. */
  lineNoise?: number;
}

/** A spoken line's timing on this side of the line (performance.now() ms). */
export interface SpokenLine {
  startedAtMs: number;
  /** When the last frame of the line was sent: the caller's end of speech. */
  endedAtMs: number;
}

const frameMs = 20;
const frameSamples = 160;
const mulawSilence = 0xff;

export class TwilioTestClient {
  readonly streamSid: string;
  readonly callSid: string;
  /** Everything the server sent, parsed, in order. */
  readonly received: ServerMessage[] = [];
  /** Outbound media payloads, decoded from base64 (μ-law bytes). */
  readonly mediaPayloads: Uint8Array[] = [];
  /** Media messages the server sent whose payload was not whole 20 ms frames (a non-zero multiple of 160 μ-law bytes), or whose streamSid was wrong. */
  readonly badFrames: number[] = [];
  /** Mark names the server sent, in order, and those this client sent back once played. */
  readonly marksReceived: string[] = [];
  readonly marksEchoed: string[] = [];
  clearsReceived = 0;
  /** performance.now() ms when the simulated line finishes playing what it has buffered. */
  playbackEndMs = 0;
  /** performance.now() ms of the latest agent media frame. */
  lastMediaAtMs = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private sequenceNumber = 0;
  private chunk = 0;
  private pumpStartedAt = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private speech: { samples: Int16Array; offset: number; line: SpokenLine; resolve: (line: SpokenLine) => void } | undefined;
  private readonly lineQueue: Array<{ samples: Int16Array; resolve: (line: SpokenLine) => void }> = [];
  private readonly pendingMarks: Array<{ name: string; timer: NodeJS.Timeout }> = [];
  private readonly mediaListeners = new Set<(atMs: number) => void>();
  /** One second of the line's noise, cycled through frame by frame. */
  private readonly noise: Int16Array | undefined;

  constructor(private readonly options: TwilioClientOptions) {
    this.streamSid = options.streamSid ?? `MZ${randomHex(32)}`;
    this.callSid = options.callSid ?? `CA${randomHex(32)}`;
    if (options.lineNoise) {
      const amplitude = options.lineNoise;
      this.noise = Int16Array.from({ length: 8000 }, () => Math.round((Math.random() * 2 - 1) * amplitude));
    }
    this.socket = new WebSocket(options.url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        this.stopPump();
        resolve({ code, reason: reason.toString() });
      });
    });
    this.socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
  }

  /** Opens the socket and sends `connected` and `start`, as Twilio does when the call connects; then streams silence until told to speak. */
  async start(): Promise<void> {
    await this.opened;
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: String(++this.sequenceNumber),
      streamSid: this.streamSid,
      start: {
        accountSid: `AC${randomHex(32)}`,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: this.options.customParameters ?? {},
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    this.pumpStartedAt = performance.now();
    this.pump();
  }

  /** Opens the socket without sending anything (for tests that send raw messages first). */
  async connect(): Promise<void> {
    await this.opened;
  }

  /** Queues a line (PCM16 at 8000 Hz) to be spoken in real time after any line before it; resolves when its last frame is sent. */
  say(samples: Int16Array): Promise<SpokenLine> {
    return new Promise((resolve) => this.lineQueue.push({ samples, resolve }));
  }

  /**
   * Waits like a polite caller: until the agent has started answering (media after `sinceMs`), its audio has finished
   * playing on the line, and `afterMs` more have passed with nothing new. Rejects after `timeoutMs`.
   */
  async waitForAgentToFinish(options: { sinceMs: number; afterMs?: number; timeoutMs?: number }): Promise<void> {
    const afterMs = options.afterMs ?? 800;
    const deadline = performance.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const now = performance.now();
      if (this.lastMediaAtMs > options.sinceMs && now >= this.playbackEndMs + afterMs) return;
      if (now > deadline) throw new Error(`the agent did not answer and finish within ${options.timeoutMs ?? 30_000} ms`);
      if (this.socket.readyState !== WebSocket.OPEN) throw new Error('the server closed the stream while the caller waited for the agent');
      await sleep(frameMs);
    }
  }

  /** Resolves with the arrival time of the first agent media frame after `sinceMs`. */
  firstMediaAfter(sinceMs: number, timeoutMs = 30_000): Promise<number> {
    const existing = this.received.find((message) => message.event === 'media' && message.arrivedAtMs > sinceMs);
    if (existing) return Promise.resolve(existing.arrivedAtMs);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.mediaListeners.delete(listener);
        reject(new Error(`no agent audio within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (atMs: number) => {
        if (atMs <= sinceMs) return;
        clearTimeout(timer);
        this.mediaListeners.delete(listener);
        resolve(atMs);
      };
      this.mediaListeners.add(listener);
    });
  }

  /** Sends a keypad press. */
  pressDigit(digit: string): void {
    this.send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: String(++this.sequenceNumber), dtmf: { track: 'inbound_track', digit } });
  }

  /** Sends anything as a text frame (malformed messages). */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? false });
  }

  /** The caller hangs up: Twilio sends `stop` and closes the socket. */
  async hangUp(): Promise<{ code: number; reason: string }> {
    this.stopPump();
    this.send({ event: 'stop', sequenceNumber: String(++this.sequenceNumber), streamSid: this.streamSid, stop: { accountSid: 'AC0', callSid: this.callSid } });
    this.socket.close(1000);
    return this.closed;
  }

  /** The line drops: the TCP connection is destroyed without a close handshake. */
  terminate(): void {
    this.stopPump();
    this.socket.terminate();
  }

  /** The agent audio received so far, decoded, end to end (what the caller heard, before any clear). */
  agentAudio(): Int16Array {
    const decoded = this.mediaPayloads.map((payload) => mulawToPcm16(payload));
    const result = new Int16Array(decoded.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of decoded) {
      result.set(part, offset);
      offset += part.length;
    }
    return result;
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Sends one 20 ms frame per 20 ms of wall time, scheduled against the start so timer drift does not accumulate. */
  private pump(): void {
    const due = this.pumpStartedAt + (this.chunk + 1) * frameMs;
    this.pumpTimer = setTimeout(() => {
      this.sendFrame();
      this.pump();
    }, Math.max(0, due - performance.now()));
  }

  private stopPump(): void {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
  }

  private sendFrame(): void {
    if (!this.speech && this.lineQueue.length > 0) {
      const next = this.lineQueue.shift()!;
      const now = performance.now();
      this.speech = { samples: next.samples, offset: 0, line: { startedAtMs: now, endedAtMs: now }, resolve: next.resolve };
    }
    const bytes = new Uint8Array(frameSamples).fill(mulawSilence);
    const speech = this.speech;
    const part = speech?.samples.subarray(speech.offset, speech.offset + frameSamples);
    if (this.noise) {
      const start = (this.chunk * frameSamples) % this.noise.length;
      const frame = this.noise.slice(start, start + frameSamples);
      part?.forEach((sample, index) => (frame[index] = Math.max(-32768, Math.min(32767, sample + (frame[index] as number)))));
      bytes.set(pcm16ToMulaw(frame));
    } else if (part) {
      bytes.set(pcm16ToMulaw(part));
    }
    if (speech && part) speech.offset += part.length;
    this.send({
      event: 'media',
      sequenceNumber: String(++this.sequenceNumber),
      streamSid: this.streamSid,
      media: { track: 'inbound', chunk: String(this.chunk + 1), timestamp: String(this.chunk * frameMs), payload: Buffer.from(bytes).toString('base64') },
    });
    this.chunk += 1;
    if (speech && speech.offset >= speech.samples.length) {
      speech.line.endedAtMs = performance.now();
      this.speech = undefined;
      speech.resolve(speech.line);
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    const arrivedAtMs = performance.now();
    if (isBinary) {
      this.badFrames.push(-1);
      return;
    }
    const message = { ...(JSON.parse(data.toString('utf8')) as Omit<ServerMessage, 'arrivedAtMs'>), arrivedAtMs };
    this.received.push(message);
    if (message.event === 'media') {
      const payload = new Uint8Array(Buffer.from(message.media?.payload ?? '', 'base64'));
      if (payload.length === 0 || payload.length % frameSamples !== 0 || message.streamSid !== this.streamSid) this.badFrames.push(this.mediaPayloads.length);
      this.mediaPayloads.push(payload);
      // The line plays frames back to back in real time, starting when one arrives to an empty buffer.
      this.playbackEndMs = Math.max(this.playbackEndMs, arrivedAtMs) + (payload.length / 8000) * 1000;
      this.lastMediaAtMs = arrivedAtMs;
      for (const listener of [...this.mediaListeners]) listener(arrivedAtMs);
    } else if (message.event === 'mark' && message.mark) {
      const name = message.mark.name;
      this.marksReceived.push(name);
      // Twilio returns a mark once everything sent before it has played.
      const timer = setTimeout(() => this.echoMark(name), Math.max(0, this.playbackEndMs - arrivedAtMs));
      this.pendingMarks.push({ name, timer });
    } else if (message.event === 'clear') {
      this.clearsReceived += 1;
      // Twilio drops its buffer and returns the marks still waiting in it at once.
      this.playbackEndMs = arrivedAtMs;
      for (const pending of this.pendingMarks.splice(0)) {
        clearTimeout(pending.timer);
        this.echoMark(pending.name);
      }
    }
  }

  private echoMark(name: string): void {
    const index = this.pendingMarks.findIndex((pending) => pending.name === name);
    if (index >= 0) this.pendingMarks.splice(index, 1);
    this.marksEchoed.push(name);
    this.send({ event: 'mark', sequenceNumber: String(++this.sequenceNumber), streamSid: this.streamSid, mark: { name } });
  }
}

function randomHex(length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(Math.random() * 16).toString(16);
  return text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
