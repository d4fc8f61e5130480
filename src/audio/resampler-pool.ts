// Converters kept for reuse across streams: creating a libsamplerate converter instantiates a WebAssembly module (~10–50 ms), too slow to do per caller turn.
import { createResampler, type Resampler, type ResamplerOptions } from './resampler.ts';

/** Idle converters kept per rate pair and quality; enough for the turns that end at the same moment on a busy server. */
const maxIdlePerKey = 32;

const idle = new Map<string, Resampler[]>();

/**
 * A converter for one stream, taken from the process's pool (or created when none is idle). Its `close()` gives it
 * back: it is reset then, so no audio of this stream is left in its filter for the next one.
 */
export async function acquireResampler(options: ResamplerOptions): Promise<Resampler> {
  // Equal rates need no converter: nothing to pool.
  if (options.inputSampleRate === options.outputSampleRate) return createResampler(options);
  const key = `${options.inputSampleRate}>${options.outputSampleRate}:${options.quality ?? 'medium'}`;
  const converter = idle.get(key)?.pop() ?? (await createResampler(options));
  let released = false;
  return {
    inputSampleRate: converter.inputSampleRate,
    outputSampleRate: converter.outputSampleRate,
    process: (samples) => (released ? new Int16Array(0) : converter.process(samples)),
    flush: () => (released ? new Int16Array(0) : converter.flush()),
    reset: () => {
      if (!released) converter.reset();
    },
    close() {
      if (released) return;
      released = true;
      const list = idle.get(key) ?? [];
      if (list.length >= maxIdlePerKey) {
        converter.close();
        return;
      }
      converter.reset();
      list.push(converter);
      idle.set(key, list);
    },
  };
}
