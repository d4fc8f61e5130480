// Synchronous streaming sample-rate conversion for the recorder: polyphase windowed-sinc, exact output positions.
// A stand-in until src/audio ships the shared resampler: libsamplerate's WebAssembly port only opens converters
// asynchronously, and the recorder must place each frame on its timeline the moment it arrives.

/** Streaming converter from one rate to another; output sample k sits at time k / outputRate of the stream. */
export interface RecordingResampler {
  /** Output samples made final by this input (each needs a few input samples after it, so output lags slightly). */
  process(samples: Int16Array): Int16Array;
  /** The remaining output, treating input after the end as silence; afterwards the stream holds exactly `outputLength(input count)` samples. */
  flush(): Int16Array;
}

// Zero crossings of the sinc on each side: 8 with a Blackman window gives about 70 dB of stop-band rejection.
const zeroCrossings = 8;
// The pass band stops short of the lower Nyquist frequency so the transition band stays outside it (no aliasing).
const passBandFraction = 0.92;

function greatestCommonDivisor(first: number, second: number): number {
  let a = first;
  let b = second;
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Samples a stream of `inputCount` samples at `inputRate` Hz becomes at `outputRate` Hz (rounded up). */
export function resampledLength(inputCount: number, inputRate: number, outputRate: number): number {
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  return Math.ceil((inputCount * up) / down);
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const angle = Math.PI * x;
  return Math.sin(angle) / angle;
}

function blackman(position: number): number {
  // position in [-1, 1]; 0 at the centre.
  const phase = Math.PI * (position + 1);
  return 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
}

/** Converts integer-rate PCM16 from `inputRate` to `outputRate` (Hz), keeping filter state across calls. */
export function createRecordingResampler(inputRate: number, outputRate: number): RecordingResampler {
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  // Cut-off in cycles per input sample, below the lower of the two Nyquist frequencies.
  const cutoff = 0.5 * Math.min(1, up / down) * passBandFraction;
  const halfWidth = zeroCrossings / (2 * cutoff);
  const reach = Math.ceil(halfWidth);
  const taps = 2 * reach;
  // One row of taps per phase (output position between two input samples, in steps of 1/up).
  const table = new Float64Array(up * taps);
  for (let phase = 0; phase < up; phase += 1) {
    const fraction = phase / up;
    let sum = 0;
    for (let tap = 0; tap < taps; tap += 1) {
      const distance = fraction + reach - 1 - tap;
      const weight = Math.abs(distance) >= halfWidth ? 0 : 2 * cutoff * sinc(2 * cutoff * distance) * blackman(distance / halfWidth);
      table[phase * taps + tap] = weight;
      sum += weight;
    }
    // Unity gain at DC for every phase, so silence stays silence and levels do not ripple.
    for (let tap = 0; tap < taps; tap += 1) table[phase * taps + tap] = (table[phase * taps + tap] as number) / sum;
  }

  let pending = new Float32Array(0);
  let pendingStart = 0;
  let inputCount = 0;
  let nextOutput = 0;

  function outputAt(outputIndex: number, available: number): number {
    const product = outputIndex * down;
    const base = Math.floor(product / up);
    const phase = product - base * up;
    const first = base - reach + 1;
    const row = phase * taps;
    let value = 0;
    for (let tap = 0; tap < taps; tap += 1) {
      const inputIndex = first + tap;
      if (inputIndex < 0 || inputIndex >= available) continue;
      value += (table[row + tap] as number) * (pending[inputIndex - pendingStart] as number);
    }
    return Math.max(-32768, Math.min(32767, Math.round(value)));
  }

  function produce(lastOutput: number): Int16Array {
    const count = Math.max(0, lastOutput - nextOutput);
    const output = new Int16Array(count);
    for (let index = 0; index < count; index += 1) output[index] = outputAt(nextOutput + index, inputCount);
    nextOutput += count;
    // Keep only the input the next output still reaches back to.
    const keepFrom = Math.max(pendingStart, Math.floor((nextOutput * down) / up) - reach + 1);
    if (keepFrom > pendingStart) {
      pending = pending.slice(keepFrom - pendingStart);
      pendingStart = keepFrom;
    }
    return output;
  }

  return {
    process(samples) {
      if (samples.length === 0) return new Int16Array(0);
      const joined = new Float32Array(pending.length + samples.length);
      joined.set(pending);
      joined.set(samples, pending.length);
      pending = joined;
      inputCount += samples.length;
      // Output k is final once input index floor(k·down/up) + reach exists.
      const lastReady = inputCount - 1 - reach;
      const finalCount = lastReady < 0 ? 0 : Math.floor(((lastReady + 1) * up - 1) / down) + 1;
      return produce(finalCount);
    },
    flush() {
      return produce(resampledLength(inputCount, inputRate, outputRate));
    },
  };
}
