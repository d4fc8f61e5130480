// The raw PCM WebSocket: binary PCM16 LE mono frames both ways at the rate the client asked for, JSON text frames for events, keypad digits and hang-up.
import { z } from 'zod';
import type { VoiceCallEvent } from '../dialog/voice-call.ts';
import { channelEvent } from './text-channel.ts';
import { openLiveCall, type LiveCall, type LiveCallOptions } from './live-call.ts';

/** Rates a client may ask for with `?sampleRate=`, Hz. */
export const pcmSampleRates = [8000, 16000, 24000, 48000] as const;
export type PcmSampleRate = (typeof pcmSampleRates)[number];
export const defaultPcmSampleRate: PcmSampleRate = 16000;
/** Inbound frames (binary or text) longer than this, in bytes, are refused; 20 ms at 48 kHz is 1920 bytes. */
export const maxPcmMessageBytes = 64 * 1024;

/** The `sampleRate` query parameter: absent → 16000; anything but one of `pcmSampleRates` is refused with a reason. */
export function parsePcmSampleRate(value: unknown): { ok: true; sampleRate: PcmSampleRate } | { ok: false; reason: string } {
  if (value === undefined || value === '') return { ok: true, sampleRate: defaultPcmSampleRate };
  const text = Array.isArray(value) ? value[0] : value;
  const sampleRate = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const allowed = pcmSampleRates.find((rate) => rate === sampleRate);
  if (allowed === undefined) return { ok: false, reason: `sampleRate must be one of ${pcmSampleRates.join(', ')}` };
  return { ok: true, sampleRate: allowed };
}

const clientMessageSchema = z.union([
  z.object({ dtmf: z.string().regex(/^[0-9*#]{1,32}$/, 'dtmf must be keypad digits 0-9, * and #') }).strict(),
  z.object({ type: z.literal('hangup') }).strict(),
]);

/** Messages the server writes as JSON text frames. */
export type PcmServerMessage =
  | { type: 'audio-format'; sampleRate: number }
  | NonNullable<ReturnType<typeof channelEvent>>
  | { type: 'transcript'; text: string; final: boolean }
  | ({ type: 'latency' } & Extract<VoiceCallEvent, { type: 'latency' }>['latency'])
  | { type: 'clear' }
  | { type: 'turn-state'; value: string }
  | { type: 'error'; message: string };

/** The wire form of a VoiceCall event, or undefined for events the client does not get (caller audio; agent audio goes binary). */
export function pcmServerMessage(event: VoiceCallEvent): PcmServerMessage | undefined {
  switch (event.type) {
    case 'transcript':
      return { type: 'transcript', text: event.text, final: event.final };
    case 'latency':
      return { type: 'latency', ...event.latency };
    case 'barge-in':
      return { type: 'clear' };
    case 'turn-state':
      return { type: 'turn-state', value: event.value };
    case 'agent':
    case 'state':
    case 'tool':
    case 'slots':
    case 'end':
      return channelEvent(event, { slots: true });
    default:
      return undefined;
  }
}

export interface PcmStreamStats {
  framesReceived: number;
  framesSent: number;
  /** Client messages refused (odd-length or oversized binary, bad JSON, unknown shape); each got an error frame. */
  rejected: number;
}

export interface PcmWebSocketCallOptions extends Omit<LiveCallOptions, 'transport' | 'onEvent' | 'onFailure'> {
  sampleRate: PcmSampleRate;
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Every VoiceCall event after the adapter has handled it. */
  onEvent?(event: VoiceCallEvent): void;
  /** A client message was refused (the server counts it and logs the first per connection); without it the transport logs the first. */
  onRefused?(): void;
  /** ms after the agent's last audio is due to finish before the socket is closed at the end of the call. Default 500. */
  closeGraceMs?: number;
}

export interface PcmWebSocketCall {
  readonly call: LiveCall;
  /** Handles one socket message; never throws, never blocks. */
  receive(data: Buffer, isBinary: boolean, receivedAtMs?: number): void;
  /** The socket closed: the call hangs up (recording still stored). */
  socketClosed(): void;
  readonly stats: PcmStreamStats;
  /** Resolves when the socket has closed and the call settled (recording stored). */
  readonly done: Promise<void>;
}

/** Opens the call at once: writes the audio-format message, then the greeting follows as events and audio. */
export function createPcmWebSocketCall(options: PcmWebSocketCallOptions): PcmWebSocketCall {
  const { logger, sampleRate } = options;
  const stats: PcmStreamStats = { framesReceived: 0, framesSent: 0, rejected: 0 };
  let socketOpen = true;
  let resolveSocketClosed: () => void = () => {};
  const socketClosedPromise = new Promise<void>((resolve) => (resolveSocketClosed = resolve));

  const sendJson = (message: PcmServerMessage) => {
    if (socketOpen) options.sendText(JSON.stringify(message));
  };

  const refuse = (message: string) => {
    stats.rejected += 1;
    options.onRefused?.();
    if (stats.rejected === 1 && !options.onRefused) logger.warn({ sessionId: call.sessionId, problem: message }, 'pcm client message refused');
    sendJson({ type: 'error', message });
  };

  sendJson({ type: 'audio-format', sampleRate });
  const call: LiveCall = openLiveCall({
    ...options,
    transport: 'pcm',
    onEvent(event) {
      if (event.type === 'agent-audio') {
        const { samples } = event.frame;
        if (socketOpen) options.sendBinary(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
        stats.framesSent += 1;
      } else {
        const message = pcmServerMessage(event);
        if (message) sendJson(message);
      }
      options.onEvent?.(event);
    },
    onFailure: () => options.close(1011, 'call setup failed'),
  });

  void (async () => {
    await call.ended;
    if (!socketOpen) return;
    await call.idle();
    // The client plays what it got in real time: close once the goodbye has had time to play.
    const remainingMs = Math.max(0, call.agentPlaybackEndMs() - call.timelineMs());
    await Promise.race([socketClosedPromise, new Promise((resolve) => setTimeout(resolve, remainingMs + (options.closeGraceMs ?? 500)))]);
    if (socketOpen) options.close(1000, 'call ended');
  })();

  function receiveText(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return refuse('text frames must be JSON: {"dtmf":"1"} or {"type":"hangup"}');
    }
    const parsed = clientMessageSchema.safeParse(value);
    if (!parsed.success) return refuse('expected {"dtmf":"<digits>"} or {"type":"hangup"}');
    if ('dtmf' in parsed.data) call.pushDtmf(parsed.data.dtmf);
    else {
      logger.info({ sessionId: call.sessionId }, 'pcm client hung up');
      call.hangUp();
    }
  }

  return {
    call,
    receive(data, isBinary, receivedAtMs = performance.now()) {
      if (data.length > maxPcmMessageBytes) return refuse(`messages are limited to ${maxPcmMessageBytes} bytes`);
      if (!isBinary) return receiveText(data.toString('utf8'));
      if (data.length % 2 !== 0) return refuse('binary frames are PCM16: an even number of bytes');
      if (data.length === 0) return;
      stats.framesReceived += 1;
      // A copy: the socket's buffer may be pooled and need not be 2-byte aligned.
      const samples = new Int16Array(data.length / 2);
      Buffer.from(samples.buffer).set(data);
      call.pushCallerAudio(samples, receivedAtMs);
    },
    socketClosed() {
      if (!socketOpen) return;
      socketOpen = false;
      resolveSocketClosed();
      call.hangUp();
    },
    stats,
    get done() {
      return socketClosedPromise.then(() => call.settled);
    },
  };
}
