// One Twilio Media Streams stream's adapter onto a live call — μ-law in, μ-law out in whole 20 ms frames (up to 100 ms a message, paced in real time), marks after replies, clear on barge-in; its messages are in twilio-messages.ts.
import { concatSamples } from '../audio/frames.ts';
import { mulawToPcm16, pcm16ToMulaw } from '../audio/mulaw.ts';
import type { VoiceCallEvent } from '../dialog/voice-call.ts';
import { openLiveCall, type LiveCall, type LiveCallOptions } from './live-call.ts';
import {
  callerNumberOf,
  maxTwilioMessageLength,
  parseTwilioMessage,
  twilioClearMessage,
  twilioFrameMs,
  twilioFrameSamples,
  twilioMarkMessage,
  twilioMediaMessage,
  twilioSampleRate,
  type TwilioMessage,
  type TwilioRejection,
  type TwilioStart,
} from './twilio-messages.ts';

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
