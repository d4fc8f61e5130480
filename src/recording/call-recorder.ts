// The two-channel call recorder: caller left, agent right, on one timeline at one sample rate, finished as a stereo WAV.
import wavefile from 'wavefile';
import { FrontdeskError } from '../errors.ts';
import type { Resampler } from '../audio/resampler.ts';
import { acquireResampler } from '../audio/resampler-pool.ts';
import type { PcmFrame } from '../audio/types.ts';
import { TimelineChannel } from './timeline-channel.ts';

export interface CallRecorderOptions {
  /** Hz of the recording, e.g. 16000; every frame is at this rate, or at one of `inputSampleRates` (`openCallRecorder`). */
  sampleRate: number;
  /** Epoch ms of timeline position 0; defaults to `clock.now()` at creation. */
  startedAtMs?: number;
  /** Source of "now" for `agent` and `clearAgent` calls without a time. */
  clock?: { now(): Date };
  /**
   * ms a caller frame's `atMs` may run ahead of the end of the caller audio before the gap is recorded as silence.
   * Smaller leads are arrival jitter on a contiguous stream, so the frame is appended right after the previous one.
   */
  callerJitterToleranceMs?: number;
}

export interface CallRecorder {
  /** Hz of the WAV `finish` returns. */
  readonly sampleRate: number;
  /** The instant of timeline position 0 (the call's start). */
  readonly startedAt: Date;
  /**
   * Records caller audio. `atMs` (epoch ms) is when its first sample was heard; without it the frame follows the
   * previous caller frame (the first one at position 0). Caller audio is never overwritten or dropped: a frame that
   * claims an earlier time than the end of the caller audio is appended after it.
   */
  caller(frame: PcmFrame, atMs?: number): void;
  /**
   * Records agent audio handed to the transport at `atMs` (epoch ms, default now). Agent audio plays as a queue:
   * the frame starts at `atMs` or when the previously queued agent audio ends, whichever is later.
   */
  agent(frame: PcmFrame, atMs?: number): void;
  /** Barge-in: agent audio that had not played by `atMs` (epoch ms, default now) is removed from the recording. */
  clearAgent(atMs?: number): void;
  /** ms of timeline recorded so far (the longer channel). */
  readonly durationMs: number;
  /** The stereo PCM16 WAV, both channels padded with silence to the same length. Later frames are ignored; calling again returns the same bytes. */
  finish(): Uint8Array;
  /**
   * As `finish`, but interleaves one slice of the channels (~4 s of audio) per turn of the event loop: a long call's
   * WAV took 3–5 ms in one go, and calls ending together held every other call's audio that long each.
   */
  finishInSlices(): Promise<Uint8Array>;
}

/** Frames interleaved per step of `finishInSlices`. */
const sliceFrames = 65536;

const defaultCallerJitterToleranceMs = 60;
const wavHeaderBytes = 44;

// wavefile writes the canonical 44-byte RIFF/WAVE header; the samples are copied straight into the file buffer
// because wavefile's per-sample packing would block the event loop for seconds at the end of a long call.
function stereoWavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(2, sampleRate, '16', new Int16Array(0));
  const header = wav.toBuffer();
  if (header.length !== wavHeaderBytes) throw new FrontdeskError('AUDIO_INVALID', `unexpected WAV header of ${header.length} bytes`);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  view.setUint32(4, 36 + dataBytes, true);
  view.setUint32(40, dataBytes, true);
  return header;
}

export interface OpenCallRecorderOptions extends CallRecorderOptions {
  /** Hz of frames that may come besides `sampleRate` (a TTS at 24000, a browser at 48000); each is resampled to `sampleRate`. */
  inputSampleRates?: readonly number[];
}

function assertRecordingRate(sampleRate: number): void {
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) {
    throw new FrontdeskError('AUDIO_INVALID', `recording sample rate ${sampleRate} Hz`);
  }
}

/** A recorder whose frames all come at its own `sampleRate` (a live call records at the call's rate): nothing to convert. */
export function createCallRecorder(options: CallRecorderOptions): CallRecorder {
  assertRecordingRate(options.sampleRate);
  return recorderOn(options, new Map(), new Map());
}

/**
 * A recorder that also takes frames at `inputSampleRates`: the audio resampler pool's converters (one per channel and
 * rate) are opened now, before any frame arrives, so each frame is placed on the timeline the moment it does; they go
 * back to the pool once the WAV is built.
 */
export async function openCallRecorder(options: OpenCallRecorderOptions): Promise<CallRecorder> {
  assertRecordingRate(options.sampleRate);
  const rates = [...new Set(options.inputSampleRates ?? [])].filter((rate) => rate !== options.sampleRate);
  const open = (inputSampleRate: number) => acquireResampler({ inputSampleRate, outputSampleRate: options.sampleRate });
  const caller = await Promise.all(rates.map(open));
  const agent = await Promise.all(rates.map(open));
  return recorderOn(options, new Map(rates.map((rate, index) => [rate, caller[index]!])), new Map(rates.map((rate, index) => [rate, agent[index]!])));
}

function recorderOn(options: CallRecorderOptions, callerConverters: ReadonlyMap<number, Resampler>, agentConverters: ReadonlyMap<number, Resampler>): CallRecorder {
  const { sampleRate } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const startedAtMs = options.startedAtMs ?? clock.now().getTime();
  const callerTolerance = Math.round(((options.callerJitterToleranceMs ?? defaultCallerJitterToleranceMs) * sampleRate) / 1000);
  const callerChannel = new TimelineChannel(sampleRate, callerConverters);
  const agentChannel = new TimelineChannel(sampleRate, agentConverters);
  /** The WAV being built (set by the first `finish` or `finishInSlices`: from then on frames are ignored), and once built. */
  let building: Generator<void, Uint8Array> | undefined;
  let wav: Uint8Array | undefined;

  /** Builds the WAV, pausing (yield) between slices. */
  function* build(): Generator<void, Uint8Array> {
    callerChannel.closeRun();
    agentChannel.closeRun();
    for (const converter of [...callerConverters.values(), ...agentConverters.values()]) converter.close();
    const frames = Math.max(callerChannel.track.length, agentChannel.track.length);
    const dataBytes = frames * 4;
    const file = new Uint8Array(wavHeaderBytes + dataBytes);
    file.set(stereoWavHeader(sampleRate, dataBytes));
    // WAV is little-endian, as is every platform Node runs on; 44 keeps the Int16 view aligned.
    const samples = new Int16Array(file.buffer, wavHeaderBytes, frames * 2);
    for (let from = 0; from < frames; from += sliceFrames) {
      if (from > 0) yield;
      const to = Math.min(frames, from + sliceFrames);
      callerChannel.track.copyInterleaved(samples, 0, 2, to, from);
      agentChannel.track.copyInterleaved(samples, 1, 2, to, from);
    }
    callerChannel.track.clear();
    agentChannel.track.clear();
    return file;
  }

  /** Moves the one build on by a slice; the WAV once it is complete. */
  function buildStep(): Uint8Array | undefined {
    if (wav) return wav;
    building ??= build();
    const step = building.next();
    if (step.done) wav = step.value;
    return wav;
  }

  function positionOf(atMs: number): number {
    return Math.max(0, Math.round(((atMs - startedAtMs) * sampleRate) / 1000));
  }

  return {
    sampleRate,
    startedAt: new Date(startedAtMs),

    caller(frame, atMs) {
      if (building) return;
      const end = callerChannel.end;
      const position = atMs === undefined ? end : positionOf(atMs);
      callerChannel.place(frame, position > end + callerTolerance ? position : end);
    },

    agent(frame, atMs) {
      if (building) return;
      const position = positionOf(atMs ?? clock.now().getTime());
      agentChannel.place(frame, Math.max(position, agentChannel.end));
    },

    clearAgent(atMs) {
      if (building) return;
      agentChannel.cut(positionOf(atMs ?? clock.now().getTime()));
    },

    get durationMs() {
      return (Math.max(callerChannel.end, agentChannel.end) * 1000) / sampleRate;
    },

    finish() {
      let file = buildStep();
      while (!file) file = buildStep();
      return file;
    },

    async finishInSlices() {
      let file = buildStep();
      while (!file) {
        await new Promise((resolve) => setImmediate(resolve));
        file = buildStep();
      }
      return file;
    },
  };
}
