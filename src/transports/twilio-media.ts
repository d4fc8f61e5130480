// Twilio Media Streams: the wire messages (validated with zod) and one stream's adapter onto a live call — μ-law in, μ-law out in whole 20 ms frames (up to 100 ms a message, paced in real time), marks after replies, clear on barge-in.
import { z } from 'zod';
import { concatSamples } from '../audio/frames.ts';
import { mulawToPcm16, pcm16ToMulaw } from '../audio/mulaw.ts';
import type { VoiceCallEvent } from '../dialog/voice-call.ts';
import { openLiveCall, type LiveCall, type LiveCallOptions } from './live-call.ts';

/** Twilio's media format on a phone call: G.711 μ-law, 8000 Hz, mono. */
export const twilioSampleRate = 8000;
/** Samples per 20 ms frame at 8000 Hz, what Twilio itself sends; outbound messages carry whole frames. */
export const twilioFrameSamples = 160;
const twilioFrameMs = 20;
/** Inbound messages longer than this (characters) are dropped unread; a 20 ms media message is ~300. */
export const maxTwilioMessageLength = 64 * 1024;

// Twilio sends sequence numbers, chunks and timestamps as decimal strings; numbers are accepted too.
const decimalPattern = /^\d+$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;
const counter = z.union([z.string().regex(decimalPattern), z.number().int().nonnegative()]);
const base64 = z.string().regex(base64Pattern, 'not base64');

const connectedSchema = z.object({ event: z.literal('connected'), protocol: z.string().optional(), version: z.string().optional() });

const startSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  start: z.object({
    streamSid: z.string().min(1),
    callSid: z.string().min(1),
    accountSid: z.string().optional(),
    tracks: z.array(z.string()).optional(),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
  }),
});

const mediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  media: z.object({
    track: z.string().default('inbound'),
    chunk: counter.optional(),
    timestamp: counter,
    payload: base64,
  }),
});

const markSchema = z.object({ event: z.literal('mark'), sequenceNumber: counter.optional(), streamSid: z.string().min(1), mark: z.object({ name: z.string() }) });

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  dtmf: z.object({ track: z.string().optional(), digit: z.string().regex(/^[0-9*#]$/) }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  stop: z.object({ callSid: z.string().optional(), accountSid: z.string().optional() }).optional(),
});

export const twilioMessageSchema = z.discriminatedUnion('event', [connectedSchema, startSchema, mediaSchema, markSchema, dtmfSchema, stopSchema]);

/** One inbound Media Streams message, validated. */
export type TwilioMessage = z.infer<typeof twilioMessageSchema>;
export type TwilioStart = z.infer<typeof startSchema>['start'];

/** The caller's number our TwiML passed as the stream's `from` parameter (from the signed webhook's `From`), if it is E.164. */
export function callerNumberOf(start: TwilioStart): string | undefined {
  const from = start.customParameters.from;
  return from !== undefined && /^\+[1-9]\d{6,14}$/.test(from) ? from : undefined;
}

const knownEvents = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/** Why an inbound message was not used; never carries the message itself (it may hold caller parameters). */
export type TwilioRejection = 'oversized' | 'not-json' | 'unknown-event' | 'invalid';

/** Parses one text message from Twilio; a rejection says why without echoing the content. */
export function parseTwilioMessage(text: string): { ok: true; message: TwilioMessage } | { ok: false; rejection: TwilioRejection; problem?: string } {
  if (text.length > maxTwilioMessageLength) return { ok: false, rejection: 'oversized' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, rejection: 'not-json' };
  }
  const event = typeof value === 'object' && value !== null ? (value as { event?: unknown }).event : undefined;
  if (typeof event !== 'string' || !knownEvents.has(event)) return { ok: false, rejection: 'unknown-event' };
  // 50 media messages a second per call: a well-formed one is checked by hand, zod only explains what is wrong.
  if (event === 'media' && isWellFormedMedia(value)) return { ok: true, message: value };
  const parsed = twilioMessageSchema.safeParse(value);
  if (!parsed.success) {
    // Paths only (e.g. "media.payload"), never values.
    const problem = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return { ok: false, rejection: 'invalid', problem };
  }
  return { ok: true, message: parsed.data };
}

function isCounter(value: unknown): boolean {
  return typeof value === 'string' ? decimalPattern.test(value) : Number.isInteger(value) && (value as number) >= 0;
}

/** The same checks as `mediaSchema` for the common case (track present); anything else goes through zod. */
function isWellFormedMedia(value: unknown): value is TwilioMessage & { event: 'media' } {
  const message = value as { streamSid?: unknown; sequenceNumber?: unknown; media?: unknown };
  if (typeof message.streamSid !== 'string' || message.streamSid.length === 0) return false;
  if (message.sequenceNumber !== undefined && !isCounter(message.sequenceNumber)) return false;
  const media = message.media as { track?: unknown; chunk?: unknown; timestamp?: unknown; payload?: unknown } | null | undefined;
  if (typeof media !== 'object' || media === null) return false;
  if (typeof media.track !== 'string') return false;
  if (media.chunk !== undefined && !isCounter(media.chunk)) return false;
  return isCounter(media.timestamp) && typeof media.payload === 'string' && base64Pattern.test(media.payload);
}

/** An outbound media message: `mulaw` is μ-law at 8000 Hz for the caller to hear. */
export function twilioMediaMessage(streamSid: string, mulaw: Uint8Array): string {
  return JSON.stringify({ event: 'media', streamSid, media: { payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString('base64') } });
}

/** A mark: Twilio sends it back (same name) once the audio sent before it has played, or at once when cleared. */
export function twilioMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

/** Clear: Twilio drops the audio it has buffered for the caller (barge-in). */
export function twilioClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', streamSid });
}

/** Counters of one stream's wire traffic, for logs and tests. */
export interface TwilioStreamStats {
  messages: number;
  mediaReceived: number;
  mediaSent: number;
  marksSent: number;
  /** Marks Twilio sent back: audio up to them has played (or was cleared). */
  marksPlayed: number;
  clearsSent: number;
  dtmf: number;
  /** Unused messages by reason. */
  rejected: Record<TwilioRejection | 'binary' | 'before-start' | 'repeated-start' | 'outbound-track', number>;
}

export interface TwilioMediaStreamOptions extends Omit<LiveCallOptions, 'sampleRate' | 'transport' | 'onEvent' | 'onFailure'> {
  /** Sends one text message on the socket. */
  send(message: string): void;
  /** Closes the socket from our side (call over, setup failed, unsupported format). */
  close(code: number, reason: string): void;
  /** Called once `start` has opened the call (register it, observe its session). */
  onCallStarted?(call: LiveCall, start: TwilioStart): void;
  /** Every VoiceCall event after the adapter has handled it (tests, metrics). */
  onEvent?(event: VoiceCallEvent): void;
  /** A message was not usable (the server counts it and logs the first per connection); without it the transport logs the first of each kind. */
  onRejected?(reason: keyof TwilioStreamStats['rejected']): void;
  /** ms after the agent's last audio is due to finish before the socket is closed even if Twilio never sends the last mark back. Default 2000. */
  closeGraceMs?: number;
  /** How far ahead of real time agent audio is sent, ms; Twilio plays it from its own buffer. Default 400. */
  sendLeadMs?: number;
  /** Most agent audio in one outbound media message, ms (whole 20 ms frames). Default 100: five times fewer messages and socket writes than a frame each. */
  sendChunkMs?: number;
}

export interface TwilioMediaStream {
  /** Handles one socket message (text as Buffer or string; binary frames are rejected). Never throws, never blocks. */
  receive(data: Buffer | string, isBinary?: boolean, receivedAtMs?: number): void;
  /** The socket closed (either side): an open call hangs up; the recording is still stored. */
  socketClosed(): void;
  readonly stats: TwilioStreamStats;
  /** The call, once `start` has arrived. */
  readonly call: LiveCall | undefined;
  /** Resolves when the stream is over: socket closed and, if a call started, the call settled (recording stored). */
  readonly done: Promise<void>;
}

/** The mark sent after the goodbye; the socket closes when it comes back. */
const finalMarkName = 'call-end';

export function createTwilioMediaStream(options: TwilioMediaStreamOptions): TwilioMediaStream {
  const { logger } = options;
  const stats: TwilioStreamStats = {
    messages: 0,
    mediaReceived: 0,
    mediaSent: 0,
    marksSent: 0,
    marksPlayed: 0,
    clearsSent: 0,
    dtmf: 0,
    rejected: { oversized: 0, 'not-json': 0, 'unknown-event': 0, invalid: 0, binary: 0, 'before-start': 0, 'repeated-start': 0, 'outbound-track': 0 },
  };
  let call: LiveCall | undefined;
  let streamSid: string | undefined;
  let socketOpen = true;
  let replies = 0;
  let markWaiting = false;
  /** Prompt keys of the replies since the last mark. */
  let promptKeys: string[] = [];
  let outbound = new Int16Array(twilioFrameSamples);
  let outboundLength = 0;
  let resolveSocketClosed: () => void = () => {};
  const socketClosedPromise = new Promise<void>((resolve) => (resolveSocketClosed = resolve));
  let finalMarkPlayed: () => void = () => {};
  const finalMark = new Promise<void>((resolve) => (finalMarkPlayed = resolve));

  const reject = (reason: keyof TwilioStreamStats['rejected'], problem?: string) => {
    stats.rejected[reason] += 1;
    options.onRejected?.(reason);
    // First of each kind at warn, then debug: a misbehaving peer must not flood the log (with `onRejected`, the server logs).
    const level = stats.rejected[reason] === 1 && !options.onRejected ? 'warn' : 'debug';
    logger[level]({ sessionId: call?.sessionId, streamSid, reason, ...(problem ? { problem } : {}), count: stats.rejected[reason] }, 'twilio message ignored');
  };

  const send = (message: string) => {
    if (socketOpen) options.send(message);
  };

  // Agent audio leaves in real time, at most `leadMs` ahead of what the caller has heard: Twilio would buffer a whole
  // reply sent at once, but a cached reply produced in a millisecond would then be encoded and written in one burst that
  // holds up every other call's frames; paced, the work is spread over the reply's own duration. Frames queued together
  // leave together, up to `chunkFrames` per message: each message is a JSON encoding and a socket write.
  const leadMs = options.sendLeadMs ?? 400;
  const chunkFrames = Math.max(1, Math.floor((options.sendChunkMs ?? 100) / twilioFrameMs));
  const outboundQueue: Array<{ samples: Int16Array } | { mark: string }> = [];
  /** performance.now() ms at which the audio sent so far will have played out on the line. */
  let playedOutAtMs = 0;
  let pumpTimer: NodeJS.Timeout | undefined;
  let pumpScheduled = false;

  function pump(): void {
    clearTimeout(pumpTimer);
    pumpTimer = undefined;
    pumpScheduled = false;
    if (!streamSid) return;
    const now = performance.now();
    while (outboundQueue.length > 0) {
      const next = outboundQueue[0]!;
      if ('mark' in next) {
        send(twilioMarkMessage(streamSid, next.mark));
        stats.marksSent += 1;
        outboundQueue.shift();
        continue;
      }
      const roomMs = leadMs - (Math.max(playedOutAtMs, now) - now);
      if (roomMs <= 0) break;
      const frames: Int16Array[] = [];
      for (let head = outboundQueue[0]; head && 'samples' in head && frames.length < chunkFrames; head = outboundQueue[0]) {
        if (frames.length > 0 && (frames.length + 1) * twilioFrameMs > roomMs) break;
        frames.push(head.samples);
        outboundQueue.shift();
      }
      send(twilioMediaMessage(streamSid, pcm16ToMulaw(frames.length === 1 ? frames[0]! : concatSamples(frames))));
      stats.mediaSent += 1;
      playedOutAtMs = Math.max(playedOutAtMs, now) + frames.length * twilioFrameMs;
    }
    if (outboundQueue.length > 0) {
      pumpScheduled = true;
      pumpTimer = setTimeout(pump, Math.max(10, playedOutAtMs - now - leadMs + chunkFrames * twilioFrameMs));
    }
  }

  /** Queued audio goes out at the end of this turn of the event loop, with whatever else the turn queues. */
  function enqueue(item: { samples: Int16Array } | { mark: string }): void {
    outboundQueue.push(item);
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(pump);
  }

  /** Queues agent audio in complete 20 ms frames. */
  function playAgentAudio(samples: Int16Array): void {
    let offset = 0;
    while (offset < samples.length) {
      const count = Math.min(twilioFrameSamples - outboundLength, samples.length - offset);
      outbound.set(samples.subarray(offset, offset + count), outboundLength);
      outboundLength += count;
      offset += count;
      if (outboundLength === twilioFrameSamples) {
        enqueue({ samples: outbound });
        outbound = new Int16Array(twilioFrameSamples);
        outboundLength = 0;
      }
    }
  }

  /** Queues the reply's last partial frame, padded with silence, so every frame is 20 ms. */
  function flushAgentAudio(): void {
    if (outboundLength === 0) return;
    enqueue({ samples: outbound });
    outbound = new Int16Array(twilioFrameSamples);
    outboundLength = 0;
  }

  /** Barge-in: audio not yet sent is dropped, Twilio drops what it buffered; marks still go out, in order, so none is lost. */
  function clearAgentAudio(): void {
    outboundLength = 0;
    for (let index = outboundQueue.length - 1; index >= 0; index -= 1) if ('samples' in outboundQueue[index]!) outboundQueue.splice(index, 1);
    playedOutAtMs = 0;
    if (!streamSid) return;
    send(twilioClearMessage(streamSid));
    stats.clearsSent += 1;
    pump();
  }

  function sendMark(name: string): void {
    if (!streamSid) return;
    flushAgentAudio();
    enqueue({ mark: name });
  }

  /** A mark goes out once the reply (and any reply queued behind it) has been fully synthesized and sent. */
  function markAfterReply(liveCall: LiveCall, key: string): void {
    replies += 1;
    promptKeys.push(key);
    if (markWaiting) return;
    markWaiting = true;
    void liveCall.idle().then(() => {
      markWaiting = false;
      // The mark names the prompts it follows ("reply-3:askPhone"): prompt keys, never words, so Twilio's debugger and a
      // test caller can tell which question was played without any of what was said.
      const name = `reply-${replies}:${promptKeys.join('+')}`;
      promptKeys = [];
      if (!liveCall.session.isEnded()) sendMark(name);
    });
  }

  function handleEvent(liveCall: LiveCall, event: VoiceCallEvent): void {
    if (event.type === 'agent-audio') playAgentAudio(event.frame.samples);
    else if (event.type === 'agent') markAfterReply(liveCall, event.key);
    else if (event.type === 'barge-in' && streamSid) clearAgentAudio();
    options.onEvent?.(event);
  }

  /** Our side ended the call: let the goodbye play out (the final mark comes back), then close the socket. */
  async function closeAfterGoodbye(liveCall: LiveCall): Promise<void> {
    await liveCall.ended;
    if (!socketOpen) return;
    await liveCall.idle();
    if (!socketOpen) return;
    sendMark(finalMarkName);
    const remainingMs = Math.max(0, liveCall.agentPlaybackEndMs() - liveCall.timelineMs());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finalMark, socketClosedPromise, new Promise<void>((resolve) => (timer = setTimeout(resolve, remainingMs + (options.closeGraceMs ?? 2000))))]);
    clearTimeout(timer);
    if (socketOpen) options.close(1000, 'call ended');
  }

  function start(message: Extract<TwilioMessage, { event: 'start' }>): void {
    const { mediaFormat } = message.start;
    if (mediaFormat.encoding !== 'audio/x-mulaw' || mediaFormat.sampleRate !== twilioSampleRate || mediaFormat.channels !== 1) {
      logger.warn({ streamSid: message.streamSid, encoding: mediaFormat.encoding, sampleRate: mediaFormat.sampleRate, channels: mediaFormat.channels }, 'unsupported Twilio media format');
      options.close(1003, 'unsupported media format: audio/x-mulaw 8000 Hz mono only');
      return;
    }
    streamSid = message.streamSid;
    const liveCall: LiveCall = openLiveCall({
      ...options,
      sampleRate: twilioSampleRate,
      transport: 'twilio',
      ...(callerNumberOf(message.start) ? { callerNumber: callerNumberOf(message.start) } : {}),
      onEvent: (event) => handleEvent(liveCall, event),
      onFailure: () => options.close(1011, 'call setup failed'),
    });
    call = liveCall;
    // Ids only: customParameters may carry the caller's number.
    logger.info({ sessionId: liveCall.sessionId, streamSid, callSid: message.start.callSid }, 'twilio stream started');
    options.onCallStarted?.(liveCall, message.start);
    void closeAfterGoodbye(liveCall);
  }

  function handle(message: TwilioMessage, receivedAtMs: number): void {
    switch (message.event) {
      case 'connected':
        return;
      case 'start':
        if (call) return reject('repeated-start');
        return start(message);
      case 'media': {
        if (!call) return reject('before-start');
        if (message.media.track !== 'inbound' && message.media.track !== 'inbound_track') return reject('outbound-track');
        stats.mediaReceived += 1;
        const bytes = Buffer.from(message.media.payload, 'base64');
        if (bytes.length > 0) call.pushCallerAudio(mulawToPcm16(bytes), receivedAtMs);
        return;
      }
      case 'mark':
        stats.marksPlayed += 1;
        if (message.mark.name === finalMarkName) finalMarkPlayed();
        return;
      case 'dtmf':
        if (!call) return reject('before-start');
        stats.dtmf += 1;
        call.pushDtmf(message.dtmf.digit);
        return;
      case 'stop':
        // The caller hung up (or the call was redirected): nobody is left to hear an answer to a half-finished turn.
        logger.info({ sessionId: call?.sessionId, streamSid }, 'twilio stream stopped');
        call?.hangUp();
        return;
    }
  }

  return {
    receive(data, isBinary = false, receivedAtMs = performance.now()) {
      stats.messages += 1;
      if (isBinary) return reject('binary');
      if (data.length > maxTwilioMessageLength) return reject('oversized');
      const parsed = parseTwilioMessage(typeof data === 'string' ? data : data.toString('utf8'));
      if (!parsed.ok) return reject(parsed.rejection, parsed.problem);
      handle(parsed.message, receivedAtMs);
    },
    socketClosed() {
      if (!socketOpen) return;
      socketOpen = false;
      clearTimeout(pumpTimer);
      outboundQueue.length = 0;
      resolveSocketClosed();
      call?.hangUp();
    },
    stats,
    get call() {
      return call;
    },
    get done() {
      return socketClosedPromise.then(() => call?.settled);
    },
  };
}
