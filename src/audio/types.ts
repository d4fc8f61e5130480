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
