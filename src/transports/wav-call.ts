// A call played from a WAV file: the file is the caller, the agent's audio is placed on the same timeline and written as a WAV; faster than real time unless asked.
import { toFrames } from '../audio/frames.ts';
import { createResampler } from '../audio/resampler.ts';
import type { PcmFrame } from '../audio/types.ts';
import { downmixToMono, encodeWav, readWav } from '../audio/wav.ts';
import type { Clock } from '../clock.ts';
import type { CallSession } from '../dialog/session.ts';
import { createVoiceCall, type VoiceCallEvent, type VoiceCallOptions } from '../dialog/voice-call.ts';
import { FrontdeskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { SpeechToText } from '../stt/types.ts';
import type { TextToSpeech } from '../tts/types.ts';

export interface WavCallOptions {
  session: CallSession;
  stt: SpeechToText;
  tts: TextToSpeech;
  clock: Clock;
  logger: Logger;
  /** The caller: a WAV file's bytes, any common rate and encoding; stereo is mixed down. */
  callerWav: Uint8Array;
  /**
   * `turn-taking` (default): the caller waits for the agent to finish before going on with the file, as a person on the
   * phone would; the file's pauses become the caller's pauses after each reply. `timeline`: the file plays on its own
   * clock and speech over the agent barges in.
   */
  pacing?: 'turn-taking' | 'timeline';
  /** Pace the file in wall-clock real time (20 ms frames every 20 ms) instead of as fast as the engine goes. */
  realtime?: boolean;
  /** Hz of the agent audio written. Default 16000. */
  agentSampleRate?: number;
  voice?: Partial<Pick<VoiceCallOptions, 'turns' | 'slotAwareEndpointing' | 'endpointingStableMs' | 'noInputMs'>>;
  onEvent?: (event: VoiceCallEvent) => void;
}

export interface WavCallResult {
  endReason: string;
  /** The agent's channel, mono, at `agentSampleRate`, on the call timeline (silence where the agent did not speak). */
  agentWav: Uint8Array;
  /** Caller (left) and agent (right) on one timeline at `agentSampleRate`. */
  stereoWav: Uint8Array;
  durationMs: number;
}

const frameMs = 20;
/** Silence appended after the file so the last turn's silence window can pass, ms. */
const trailingSilenceMs = 1500;

/** Places frames at timeline positions into one growing track. */
function timelineTrack(sampleRate: number) {
  const chunks: Array<{ at: number; samples: Int16Array }> = [];
  let length = 0;
  return {
    place(samples: Int16Array, atMs: number) {
      const at = Math.max(0, Math.round((atMs / 1000) * sampleRate));
      chunks.push({ at, samples });
      length = Math.max(length, at + samples.length);
    },
    /** Drops audio after `atMs` (barge-in cut it). */
    cut(atMs: number) {
      const at = Math.round((atMs / 1000) * sampleRate);
      for (const chunk of chunks) if (chunk.at + chunk.samples.length > at) chunk.samples = chunk.samples.subarray(0, Math.max(0, at - chunk.at));
      length = Math.min(length, Math.max(at, 0));
      length = Math.max(length, ...chunks.map((chunk) => chunk.at + chunk.samples.length));
    },
    render(total: number): Int16Array {
      const out = new Int16Array(Math.max(total, length));
      for (const chunk of chunks) out.set(chunk.samples.subarray(0, Math.max(0, out.length - chunk.at)), chunk.at);
      return out;
    },
    get length() {
      return length;
    },
  };
}

export async function runWavCall(options: WavCallOptions): Promise<WavCallResult> {
  let decoded;
  try {
    decoded = readWav(options.callerWav);
  } catch (error) {
    throw new FrontdeskError('AUDIO_INVALID', `the caller file is not a readable WAV: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const callerRate = decoded.sampleRate;
  const samples = downmixToMono(decoded.channels);
  const agentRate = options.agentSampleRate ?? 16000;
  const pacing = options.pacing ?? 'turn-taking';

  // The timeline: audio position plus the time spent waiting for the agent (turn-taking) and the engine (faster than real time).
  let audioMs = 0;
  let waitedMs = 0;
  let waitStartedAt: number | null = null;
  const wallStart = performance.now();
  const nowMs = options.realtime
    ? () => performance.now() - wallStart
    : () => audioMs + waitedMs + (waitStartedAt === null ? 0 : performance.now() - waitStartedAt);

  const call = await createVoiceCall({
    session: options.session,
    stt: options.stt,
    tts: options.tts,
    clock: options.clock,
    logger: options.logger,
    callerSampleRate: callerRate,
    agentSampleRate: agentRate,
    nowMs,
    ...options.voice,
  });

  const agentTrack = timelineTrack(agentRate);
  const callerTrack = timelineTrack(agentRate);
  const callerResampler = await createResampler({ inputSampleRate: callerRate, outputSampleRate: agentRate, quality: 'fastest' });
  call.subscribe((event) => {
    if (event.type === 'agent-audio') agentTrack.place(event.frame.samples, event.atMs);
    else if (event.type === 'caller-audio') callerTrack.place(callerResampler.process(event.frame.samples), event.atMs);
    else if (event.type === 'barge-in') agentTrack.cut(event.interruption.atMs);
    options.onEvent?.(event);
  });

  /** Waits for the engine (and, turn-taking, for the agent to finish talking), moving the timeline by the time it took. */
  async function waitForAgent(): Promise<void> {
    if (options.realtime) return;
    if (call.isBusy()) {
      waitStartedAt = performance.now();
      await call.idle();
      waitedMs += performance.now() - waitStartedAt;
      waitStartedAt = null;
    }
    if (pacing === 'turn-taking') {
      const end = call.agentPlaybackEndMs();
      if (end > nowMs()) waitedMs += end - nowMs();
    }
  }

  await call.start();
  await waitForAgent();
  const withTail = new Int16Array(samples.length + Math.round((trailingSilenceMs / 1000) * callerRate));
  withTail.set(samples);
  const frames: PcmFrame[] = toFrames(withTail, callerRate, frameMs);
  for (const frame of frames) {
    if (call.session.isEnded()) break;
    audioMs += frameMs;
    if (options.realtime) {
      const due = wallStart + audioMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await call.pushCallerAudio(frame);
    // Faster than real time, recognition runs on its own thread: while the caller talks, go at a tenth of real time
    // (ten times what the offline recogniser needs), so partial transcripts arrive when they would on a live line.
    if (!options.realtime && call.isListening()) await new Promise((resolve) => setTimeout(resolve, frameMs / 10));
    // Between the caller's utterances, the engine answers and (turn-taking) the caller listens.
    if (!options.realtime && call.isBusy()) await waitForAgent();
  }
  await call.finish();
  await waitForAgent();
  const endReason = await call.ended;
  const total = Math.max(agentTrack.length, callerTrack.length);
  const agent = agentTrack.render(total);
  const caller = callerTrack.render(total);
  callerResampler.close();
  return {
    endReason,
    agentWav: encodeWav(agent, agentRate),
    stereoWav: encodeWav([caller, agent], agentRate),
    durationMs: (total / agentRate) * 1000,
  };
}
