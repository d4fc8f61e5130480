// Measurements on test signals: sine generation, level, frequency by zero crossings, power at one frequency (Goertzel).

/** `durationMs` of a sine at `frequency` Hz with peak `amplitude` (16-bit scale). */
export function sine(frequency: number, options: { sampleRate: number; durationMs: number; amplitude: number }): Int16Array {
  const length = Math.round((options.durationMs / 1000) * options.sampleRate);
  const result = new Int16Array(length);
  for (let index = 0; index < length; index += 1) result[index] = Math.round(options.amplitude * Math.sin((2 * Math.PI * frequency * index) / options.sampleRate));
  return result;
}

/** Root mean square, 16-bit scale. */
export function rms(samples: ArrayLike<number>): number {
  let energy = 0;
  for (let index = 0; index < samples.length; index += 1) energy += (samples[index] as number) ** 2;
  return Math.sqrt(energy / Math.max(1, samples.length));
}

/** dB of `measured` relative to `reference`. */
export function decibels(measured: number, reference: number): number {
  return 20 * Math.log10(measured / reference);
}

/** Hz estimated from rising zero crossings between the first and the last one. */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  const crossings: number[] = [];
  for (let index = 1; index < samples.length; index += 1) {
    const before = samples[index - 1] as number;
    const after = samples[index] as number;
    // Interpolate where the signal crosses zero between the two samples.
    if (before < 0 && after >= 0) crossings.push(index - 1 + -before / (after - before));
  }
  const first = crossings[0] as number;
  const last = crossings[crossings.length - 1] as number;
  return ((crossings.length - 1) * sampleRate) / (last - first);
}

/** Amplitude (16-bit scale, as a sine's peak) of the component at `frequency` Hz, by the Goertzel algorithm. */
export function goertzelAmplitude(samples: Int16Array, frequency: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let index = 0; index < samples.length; index += 1) {
    const current = (samples[index] as number) + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / samples.length;
}

/** The middle of a buffer, leaving out `marginMs` at both ends where filters start and stop. */
export function middle(samples: Int16Array, sampleRate: number, marginMs = 50): Int16Array {
  const margin = Math.round((marginMs / 1000) * sampleRate);
  return samples.subarray(margin, samples.length - margin);
}
