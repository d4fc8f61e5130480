// Audio as it moves through a call: PCM16 mono frames that carry their own sample rate.

/** A chunk of signed 16-bit little-endian mono PCM. */
export interface PcmFrame {
  samples: Int16Array;
  /** Hz: 8000, 16000, 22050, 24000, 44100 or 48000. */
  sampleRate: number;
}

export function frameDurationMs(frame: PcmFrame): number {
  return (frame.samples.length / frame.sampleRate) * 1000;
}

/** Voice activity on a stream's timeline: ms since the first sample fed to the detector. */
export type VadEvent =
  | {
      type: 'speech-start';
      /** ms since stream start where speech began (onset minus `speechPadMs`). */
      atMs: number;
      /** ms since stream start of the audio that confirmed it (onset plus `minSpeechMs`, window-rounded). */
      detectedAtMs: number;
    }
  | {
      type: 'speech-end';
      /** ms since stream start where speech ended (last speech window plus `speechPadMs`). */
      atMs: number;
      /** ms from the matching speech-start's `atMs` to this `atMs`. */
      durationMs: number;
      /** ms since stream start of the audio that confirmed it (after `endSilenceMs` of silence). */
      detectedAtMs: number;
    };

/** A caller's turn, as the call loop sees it: when to barge in, which audio goes to STT, when to answer. */
export type TurnEvent =
  | {
      type: 'turn.started';
      /** Increments from 1 per stream. */
      turnId: number;
      /** ms since stream start where the caller's speech began. */
      atMs: number;
      /** ms since stream start when the speech had lasted `turnStartSpeechMs`: the turn starts (over the agent, it may become a barge-in). */
      detectedAtMs: number;
    }
  | {
      type: 'turn.audio';
      turnId: number;
      /** ms since stream start of `frame`'s first sample. */
      atMs: number;
      /** The turn's audio at the detector's input sample rate; the first one carries the audio since `turn.started.atMs`. */
      frame: PcmFrame;
    }
  | {
      type: 'turn.ended';
      turnId: number;
      /** `silence`: the caller stopped for `endSilenceMs`; `complete-value`: the loop called `endTurnEarly()`. */
      reason: 'silence' | 'complete-value';
      /** ms since stream start where the turn ended: end of speech (silence) or the audio position at `endTurnEarly()`. */
      atMs: number;
      /** ms from `turn.started.atMs` to `atMs`. */
      durationMs: number;
    };
