// One side of a call on the recording timeline: contiguous runs of frames, each resampled to the timeline rate and placed at its start.
import { FrontdeskError } from '../errors.ts';
import type { Resampler } from '../audio/resampler.ts';
import type { PcmFrame } from '../audio/types.ts';
import { SampleTrack } from './sample-track.ts';

/** Timeline samples a run of `inputCount` samples at `inputRate` Hz covers at `outputRate` Hz: what the shared resampler's flush completes it to. */
export function resampledLength(inputCount: number, inputRate: number, outputRate: number): number {
  return Math.round((inputCount * outputRate) / inputRate);
}

/** A run of frames at one input rate that follow each other without a gap. */
interface Run {
  /** Timeline sample where the run starts. */
  start: number;
  inputRate: number;
  inputCount: number;
  /** Output samples written so far (the resampler holds back a few). */
  written: number;
  resampler: Resampler | undefined;
}

export class TimelineChannel {
  readonly track = new SampleTrack();
  private run: Run | undefined;
  private closedEnd = 0;

  /**
   * `converters`: one open converter to `sampleRate` per other input rate this channel may get, opened before any frame
   * arrives (libsamplerate's converters open asynchronously; a frame is placed the moment it comes). Each run flushes its
   * converter and resets it for the next.
   */
  constructor(
    private readonly sampleRate: number,
    private readonly converters: ReadonlyMap<number, Resampler> = new Map(),
  ) {}

  /** Timeline sample just after this channel's last placed audio (including audio the resampler still holds). */
  get end(): number {
    const run = this.run;
    if (!run) return this.closedEnd;
    return run.start + resampledLength(run.inputCount, run.inputRate, this.sampleRate);
  }

  /** Places `frame` at timeline sample `position`; continues the current run when `position` is its end and the rate is unchanged. */
  place(frame: PcmFrame, position: number): void {
    if (!Number.isInteger(frame.sampleRate) || frame.sampleRate <= 0) {
      throw new FrontdeskError('AUDIO_INVALID', `sample rate ${frame.sampleRate} Hz`);
    }
    if (frame.samples.length === 0) return;
    let run = this.run;
    if (!run || run.inputRate !== frame.sampleRate || position !== this.end) {
      const resampler = frame.sampleRate === this.sampleRate ? undefined : this.converters.get(frame.sampleRate);
      if (frame.sampleRate !== this.sampleRate && !resampler) {
        const converted = [...this.converters.keys()];
        throw new FrontdeskError('AUDIO_INVALID', `a ${frame.sampleRate} Hz frame in a ${this.sampleRate} Hz recording opened to convert ${converted.length ? `${converted.join(', ')} Hz` : 'no other rate'}`);
      }
      this.closeRun();
      run = { start: position, inputRate: frame.sampleRate, inputCount: 0, written: 0, resampler };
      this.run = run;
    }
    run.inputCount += frame.samples.length;
    this.writeOutput(run, run.resampler ? run.resampler.process(frame.samples) : frame.samples);
  }

  /** Cuts everything from timeline sample `position` on (audio that had not played yet). */
  cut(position: number): void {
    if (this.end <= position) return;
    this.closeRun();
    this.track.truncate(position);
    this.closedEnd = Math.max(0, position);
  }

  /** Writes out what the resampler still holds and ends the run. */
  closeRun(): void {
    const run = this.run;
    if (!run) return;
    if (run.resampler) {
      this.writeOutput(run, run.resampler.flush());
      // Ready for the channel's next run at this rate, as a fresh converter.
      run.resampler.reset();
    }
    this.closedEnd = run.start + run.written;
    this.run = undefined;
  }

  private writeOutput(run: Run, samples: Int16Array): void {
    if (samples.length === 0) return;
    this.track.write(run.start + run.written, samples);
    run.written += samples.length;
  }
}
