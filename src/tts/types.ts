// Streaming text-to-speech: text in, PCM chunks out, cancellable.
import type { PcmFrame } from '../audio/types.ts';

export interface SynthesisOptions {
  /** Cancel synthesis at once (barge-in); the iterator ends without error. */
  abortSignal?: AbortSignal;
}

export interface TextToSpeech {
  /** e.g. "elevenlabs", "openai", "espeak". */
  readonly name: string;
  /** Sample rate of the frames this adapter yields, Hz. */
  readonly sampleRate: number;
  /** Synthesizes one sentence (or short reply), yielding audio as it is produced. */
  synthesize(text: string, options?: SynthesisOptions): AsyncIterable<PcmFrame>;
  /** The same voice delivered at `sampleRate` Hz, when the adapter can do better than the caller resampling each frame (e.g. a cache of resampled sentences). */
  atSampleRate?(sampleRate: number): TextToSpeech;
  close?(): Promise<void>;
}
