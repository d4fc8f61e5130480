// G.711 μ-law, the 8 kHz telephone encoding (Twilio Media Streams, SIP), to and from 16-bit PCM.
import alawmulaw from 'alawmulaw';

// The package is CommonJS with a UMD build: its named exports are only reachable through the default import under Node ESM.
const { mulaw } = alawmulaw;

// Both directions as lookup tables built once from alawmulaw's codec (256 and 65536 entries, 64 KB): a phone call
// converts 16,000 samples a second each way, and a table read is several times cheaper than the codec's arithmetic.
const decodeTable: Int16Array = mulaw.decode(Uint8Array.from({ length: 256 }, (_value, index) => index));
const encodeTable: Uint8Array = mulaw.encode(Int16Array.from({ length: 65536 }, (_value, index) => index - 32768));

/** Decodes μ-law bytes (one sample per byte) to 16-bit PCM; the sample rate is unchanged (8000 Hz on phone lines). */
export function mulawToPcm16(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length);
  for (let index = 0; index < bytes.length; index += 1) samples[index] = decodeTable[bytes[index] as number] as number;
  return samples;
}

/**
 * Encodes 16-bit PCM to μ-law bytes, one per sample. μ-law's step grows with loudness: the round trip is off by
 * at most 8 for samples under 128 in magnitude and by at most 4.3% of the magnitude above 256 (it clips at ±32124).
 */
export function pcm16ToMulaw(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) bytes[index] = encodeTable[(samples[index] as number) + 32768] as number;
  return bytes;
}
