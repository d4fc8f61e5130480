// Streaming speech-to-text: one interface every vendor adapter implements.
import type { PcmFrame } from '../audio/types.ts';
import type { Expectation } from '../understanding/types.ts';

export type TranscriptEvent =
  | { type: 'partial'; text: string }
  | { type: 'final'; text: string; /** 0–1, when the engine reports one */ confidence?: number }
  | { type: 'error'; error: Error };

export interface SttStreamOptions {
  /** Sample rate of the frames that will be pushed, Hz. */
  sampleRate: number;
  /** What the current state expects: adapters turn it into keyterms or a grammar. */
  expectation?: Expectation;
  abortSignal?: AbortSignal;
}

/** One utterance's worth of recognition: push frames, then `end()`; events arrive on the iterator. */
export interface SttStream extends AsyncIterable<TranscriptEvent> {
  push(frame: PcmFrame): void;
  /** No more audio: the adapter flushes and emits its final transcript, then the iterator ends. */
  end(): void;
  /** Stop now and release resources; the iterator ends. */
  close(): void;
}

export interface SpeechToText {
  /** e.g. "deepgram", "openai", "pocketsphinx". */
  readonly name: string;
  open(options: SttStreamOptions): Promise<SttStream>;
  close?(): Promise<void>;
}
