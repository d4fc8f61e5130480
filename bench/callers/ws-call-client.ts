// A /ws/call peer: streams the caller in real time as 20 ms PCM16 frames over line noise, plays the agent's binary audio on a simulated speaker, keeps the JSON events.
import { WebSocket } from 'ws';

/** One JSON event the server sent (agent, state, tool, slots, end, transcript, latency, clear, …), with its arrival time (performance.now() ms). */
export interface WsCallEvent {
  type: string;
  text?: string;
  final?: boolean;
  name?: string;
  ok?: boolean;
  reason?: string;
  arrivedAtMs: number;
}

const frameMs = 20;

export class WsCallClient {
  readonly events: WsCallEvent[] = [];
  /** Agent audio frames with their arrival times. */
  readonly agentFrames: Array<{ samples: Int16Array; arrivedAtMs: number }> = [];
  /** performance.now() ms when the simulated speaker finishes what it has been sent. */
  playbackEndMs = 0;
  lastMediaAtMs = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private readonly frameSamples: number;
  private readonly noise: Int16Array;
  private chunk = 0;
  private pumpStartedAt = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private speech: { samples: Int16Array; offset: number; startedAtMs: number; resolve: (line: { startedAtMs: number; endedAtMs: number }) => void } | undefined;
  private readonly lineQueue: Array<{ samples: Int16Array; resolve: (line: { startedAtMs: number; endedAtMs: number }) => void }> = [];

  /** `lineNoise`: peak amplitude (PCM16) of the uniform noise under everything sent; `random` makes it reproducible. */
  constructor(url: string, private readonly sampleRate: number, lineNoise: number, random: () => number) {
    this.frameSamples = (sampleRate * frameMs) / 1000;
    this.noise = Int16Array.from({ length: sampleRate }, () => Math.round((random() * 2 - 1) * lineNoise));
    this.socket = new WebSocket(`${url}?sampleRate=${sampleRate}`);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        clearTimeout(this.pumpTimer);
        resolve({ code, reason: reason.toString() });
      });
    });
    this.socket.on('message', (data: Buffer, isBinary) => this.onMessage(data, isBinary));
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Opens the socket and starts streaming the line's noise, one frame per 20 ms of wall time. */
  async start(): Promise<void> {
    await this.opened;
    this.pumpStartedAt = performance.now();
    this.pump();
  }

  /** Queues a line (PCM16 at the call's rate) after any line before it; resolves when its last frame is sent. */
  say(samples: Int16Array): Promise<{ startedAtMs: number; endedAtMs: number }> {
    return new Promise((resolve) => this.lineQueue.push({ samples, resolve }));
  }

  /** Sends a keypad press. */
  pressDigit(digit: string): void {
    if (this.isOpen) this.socket.send(JSON.stringify({ dtmf: digit }));
  }

  async hangUp(): Promise<void> {
    clearTimeout(this.pumpTimer);
    if (this.isOpen) {
      this.socket.send(JSON.stringify({ type: 'hangup' }));
      this.socket.close(1000);
    }
    await this.closed;
  }

  terminate(): void {
    clearTimeout(this.pumpTimer);
    this.socket.terminate();
  }

  /** Scheduled against the start so timer drift does not accumulate. */
  private pump(): void {
    const due = this.pumpStartedAt + (this.chunk + 1) * frameMs;
    this.pumpTimer = setTimeout(() => {
      this.sendFrame();
      this.pump();
    }, Math.max(0, due - performance.now()));
  }

  private sendFrame(): void {
    if (!this.speech && this.lineQueue.length > 0) {
      const next = this.lineQueue.shift()!;
      this.speech = { ...next, offset: 0, startedAtMs: performance.now() };
    }
    const start = (this.chunk * this.frameSamples) % this.noise.length;
    const frame = this.noise.slice(start, start + this.frameSamples);
    const speech = this.speech;
    if (speech) {
      const part = speech.samples.subarray(speech.offset, speech.offset + this.frameSamples);
      part.forEach((sample, index) => (frame[index] = Math.max(-32768, Math.min(32767, sample + frame[index]!))));
      speech.offset += part.length;
    }
    if (this.isOpen) this.socket.send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), { binary: true });
    this.chunk += 1;
    if (speech && speech.offset >= speech.samples.length) {
      this.speech = undefined;
      speech.resolve({ startedAtMs: speech.startedAtMs, endedAtMs: performance.now() });
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    const arrivedAtMs = performance.now();
    if (!isBinary) {
      this.events.push({ ...(JSON.parse(data.toString('utf8')) as Omit<WsCallEvent, 'arrivedAtMs'>), arrivedAtMs });
      // The agent was interrupted: what the speaker still had queued is dropped.
      if (this.events.at(-1)?.type === 'clear') this.playbackEndMs = arrivedAtMs;
      return;
    }
    const samples = new Int16Array(data.length / 2);
    Buffer.from(samples.buffer).set(data);
    this.agentFrames.push({ samples, arrivedAtMs });
    this.playbackEndMs = Math.max(this.playbackEndMs, arrivedAtMs) + (samples.length / this.sampleRate) * 1000;
    this.lastMediaAtMs = arrivedAtMs;
  }
}
