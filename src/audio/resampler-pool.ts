// Converters kept for reuse across streams: creating a libsamplerate converter instantiates a WebAssembly module (~10–50 ms), too slow to do per caller turn.
import { isMainThread } from 'node:worker_threads';
import { createResampler, type Resampler, type ResamplerOptions } from './resampler.ts';

/** Idle converters kept per rate pair and quality; enough for the turns that end at the same moment on a busy server. */
const maxIdlePerKey = 32;

const idle = new Map<string, Resampler[]>();
/** The latest converter instantiation; the next waits for it and for a turn of the event loop. */
let instantiating: Promise<unknown> = Promise.resolve();

/**
 * A converter from the idle list, or a new one. On the main thread new ones are made one per turn of the event loop: instantiating is
 * synchronous work, and fifty streams starting together (a burst of calls each saying a sentence not yet cached) would
 * otherwise stall every call's audio for a second. A converter given back while one waits is taken instead.
 */
function idleOrNew(key: string, options: ResamplerOptions): Promise<Resampler> {
  const ready = idle.get(key)?.pop();
  if (ready) return Promise.resolve(ready);
  // Still one at a time (each compiles its module: many at once would take seconds and a gigabyte), but a worker
  // thread (speech recognition) carries no call's audio and a busy turn of its loop can last seconds: there they do not
  // wait for a turn.
  const made = instantiating
    .then(() => (isMainThread ? new Promise((resolve) => setImmediate(resolve)) : undefined))
    .then(() => idle.get(key)?.pop() ?? createResampler(options));
  instantiating = made.catch(() => {});
  return made;
}

/**
 * A converter for one stream, taken from the process's pool (or created when none is idle). Its `close()` gives it
 * back: it is reset then, so no audio of this stream is left in its filter for the next one.
 */
export async function acquireResampler(options: ResamplerOptions): Promise<Resampler> {
  // Equal rates need no converter: nothing to pool.
  if (options.inputSampleRate === options.outputSampleRate) return createResampler(options);
  const key = `${options.inputSampleRate}>${options.outputSampleRate}:${options.quality ?? 'medium'}`;
  const converter = await idleOrNew(key, options);
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
