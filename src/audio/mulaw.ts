// G.711 μ-law, the 8 kHz telephone encoding (Twilio Media Streams, SIP), to and from 16-bit PCM.
import alawmulaw from 'alawmulaw';

// The package is CommonJS with a UMD build: its named exports are only reachable through the default import under Node ESM.
const { mulaw } = alawmulaw;

/** Decodes μ-law bytes (one sample per byte) to 16-bit PCM; the sample rate is unchanged (8000 Hz on phone lines). */
export function mulawToPcm16(bytes: Uint8Array): Int16Array {
  return mulaw.decode(bytes);
}

/**
 * Encodes 16-bit PCM to μ-law bytes, one per sample. μ-law's step grows with loudness: the round trip is off by
 * at most 8 for samples under 128 in magnitude and by at most 4.3% of the magnitude above 256 (it clips at ±32124).
 */
export function pcm16ToMulaw(samples: Int16Array): Uint8Array {
  return mulaw.encode(samples);
}
