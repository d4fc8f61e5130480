// A scripted raw PCM WebSocket caller: 20 ms PCM16 frames in real time (silence between lines), JSON events and binary agent audio collected.
import { WebSocket } from 'ws';

export type PcmClientEvent = { type: string } & Record<string, unknown>;

export class PcmTestClient {
  readonly events: PcmClientEvent[] = [];
  /** Agent audio frames as received (bytes). */
  readonly audioFrames: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private frames = 0;
  private startedAt = 0;
  private speech: { samples: Int16Array; offset: number; resolve: () => void } | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    url: string,
    private readonly sampleRate: number,
  ) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        clearTimeout(this.timer);
        resolve({ code, reason: reason.toString() });
        this.notify();
      });
    });
    this.socket.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      if (isBinary) this.audioFrames.push(bytes);
      else this.events.push(JSON.parse(bytes.toString('utf8')) as PcmClientEvent);
      this.notify();
    });
  }

  /** Opens the socket and streams silence in real time until told to speak. */
  async start(): Promise<void> {
    await this.opened;
    this.startedAt = performance.now();
    this.pump();
  }

  /** Speaks `samples` (PCM16 at the call's rate) in 20 ms frames; resolves when the last one is sent. */
  say(samples: Int16Array): Promise<void> {
    return new Promise((resolve) => (this.speech = { samples, offset: 0, resolve }));
  }

  send(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Resolves with the first event matching `predicate` (already received or still to come). */
  async waitForEvent(predicate: (event: PcmClientEvent) => boolean, timeoutMs = 20_000): Promise<PcmClientEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (performance.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${this.events.map((event) => event.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 50);
      });
    }
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private pump(): void {
    const due = this.startedAt + (this.frames + 1) * 20;
    this.timer = setTimeout(() => {
      this.sendFrame();
      this.pump();
    }, Math.max(0, due - performance.now()));
  }

  private sendFrame(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const size = this.sampleRate / 50;
    const frame = new Int16Array(size);
    const speech = this.speech;
    if (speech) {
      const part = speech.samples.subarray(speech.offset, speech.offset + size);
      frame.set(part);
      speech.offset += part.length;
      if (speech.offset >= speech.samples.length) {
        this.speech = undefined;
        speech.resolve();
      }
    }
    this.frames += 1;
    this.socket.send(Buffer.from(frame.buffer), { binary: true });
  }
}
