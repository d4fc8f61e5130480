// The agent's voice in one call: replies cut into sentences, synthesized in order, resampled to the line's rate, placed on the call's timeline, and stopped at once on barge-in.
import type { Resampler } from '../audio/resampler.ts';
import { acquireResampler } from '../audio/resampler-pool.ts';
import type { PcmFrame } from '../audio/types.ts';
import type { Logger } from '../log.ts';
import { splitSentences } from '../tts/sentences.ts';
import type { TextToSpeech } from '../tts/types.ts';

export interface AgentAudio {
  frame: PcmFrame;
  /** ms on the call timeline at which this frame starts playing. */
  atMs: number;
}

export interface Interruption {
  /** ms on the call timeline where playback was cut. */
  atMs: number;
  /** ms of the interrupted reply the caller heard before the cut. */
  heardMs: number;
  /** ms of that reply synthesized so far (what would have played). */
  spokenMs: number;
  /** The reply's sentences the caller heard to the end. */
  sentencesHeard: number;
  sentencesTotal: number;
}

export interface AgentVoiceOptions {
  tts: TextToSpeech;
  /** Hz of the audio the transport plays. */
  outputSampleRate: number;
  /** The call's clock, ms. */
  nowMs: () => number;
  onAudio: (audio: AgentAudio) => void;
  /** Synthesis of a sentence failed (after the provider chain's own fallbacks): the reply goes on with the next one. */
  onError?: (error: unknown) => void;
  logger: Logger;
}

interface Sentence {
  text: string;
  replyId: number;
  /** Timeline ms where it starts and ends playing, once synthesized. */
  startMs?: number;
  endMs?: number;
}

export interface AgentVoice {
  /** Queues a reply; its first sentence starts synthesizing as soon as the one before is done. */
  say(text: string): void;
  /** True while synthesis is under way or queued, or audio is still playing on the timeline. */
  isSpeaking(): boolean;
  /** Timeline ms where the queued audio ends playing. */
  playbackEndMs(): number;
  /** Cuts the reply now: aborts synthesis, drops the queue; returns what was heard, or null when nothing was playing. */
  interrupt(): Interruption | null;
  /** Resolves when everything queued has been synthesized (or dropped). */
  idle(): Promise<void>;
  close(): void;
}

export async function createAgentVoice(options: AgentVoiceOptions): Promise<AgentVoice> {
  const { outputSampleRate } = options;
  // At the line's rate when the TTS offers it (the speech cache keeps resampled sentences), so cached replies need no filter here.
  const tts = options.tts.atSampleRate?.(outputSampleRate) ?? options.tts;
  const newResampler = () => acquireResampler({ inputSampleRate: tts.sampleRate, outputSampleRate, quality: 'fastest' });
  // One filter for the whole call (flushing ends a libsamplerate stream); replaced after a barge-in so the cut tail does not leak (the old one is reset into the pool).
  let resampler: Promise<Resampler> = Promise.resolve(await newResampler());
  const queue: Sentence[] = [];
  const played: Sentence[] = [];
  let nextReplyId = 1;
  let playheadMs = 0;
  let abort: AbortController | null = null;
  let running: Promise<void> | null = null;
  let closed = false;

  const emit = (samples: Int16Array) => {
    if (samples.length === 0) return;
    const frame: PcmFrame = { samples, sampleRate: outputSampleRate };
    const atMs = Math.max(playheadMs, options.nowMs());
    playheadMs = atMs + (samples.length / outputSampleRate) * 1000;
    options.onAudio({ frame, atMs });
    return atMs;
  };

  async function speak(sentence: Sentence, signal: AbortSignal): Promise<void> {
    try {
      const filter = await resampler;
      for await (const frame of tts.synthesize(sentence.text, { abortSignal: signal })) {
        if (signal.aborted) return;
        const atMs = emit(filter.process(frame.samples));
        if (sentence.startMs === undefined && atMs !== undefined) sentence.startMs = atMs;
      }
      sentence.endMs = playheadMs;
    } catch (error) {
      if (signal.aborted) return;
      options.logger.warn({ err: error, tts: tts.name }, 'speech synthesis failed; skipping the sentence');
      options.onError?.(error);
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !closed) {
      const sentence = queue.shift()!;
      abort = new AbortController();
      played.push(sentence);
      await speak(sentence, abort.signal);
      abort = null;
    }
    running = null;
  }

  return {
    say(text) {
      if (closed) return;
      const replyId = nextReplyId++;
      for (const sentence of splitSentences(text)) queue.push({ text: sentence, replyId });
      running ??= drain();
    },
    isSpeaking: () => running !== null || playheadMs > options.nowMs(),
    playbackEndMs: () => playheadMs,
    interrupt() {
      const now = options.nowMs();
      const speaking = running !== null || playheadMs > now;
      if (!speaking) return null;
      const current = played.at(-1);
      const replyId = current?.replyId;
      const reply = played.filter((sentence) => sentence.replyId === replyId);
      const pending = queue.filter((sentence) => sentence.replyId === replyId);
      const startMs = reply.find((sentence) => sentence.startMs !== undefined)?.startMs ?? now;
      const interruption: Interruption = {
        atMs: now,
        heardMs: Math.max(0, Math.min(now, playheadMs) - startMs),
        spokenMs: Math.max(0, playheadMs - startMs),
        sentencesHeard: reply.filter((sentence) => sentence.endMs !== undefined && sentence.endMs <= now).length,
        sentencesTotal: reply.length + pending.length,
      };
      queue.length = 0;
      abort?.abort();
      // What was queued on the timeline after now will not play.
      playheadMs = Math.min(playheadMs, now);
      const old = resampler;
      resampler = newResampler();
      void old.then((filter) => filter.close());
      return interruption;
    },
    async idle() {
      while (running) await running;
    },
    close() {
      closed = true;
      queue.length = 0;
      abort?.abort();
      void resampler.then((filter) => filter.close());
    },
  };
}
