// WAV files to and from 16-bit PCM channels: any rate, 8/16/24/32-bit integer, 32/64-bit float, μ-law or A-law.
import alawmulaw from 'alawmulaw';
import wavefile from 'wavefile';
import { FrontdeskError } from '../errors.ts';

// Both packages are CommonJS (UMD): named exports are only reachable through the default import under Node ESM.
const { WaveFile } = wavefile;
const { alaw, mulaw } = alawmulaw;

export interface DecodedWav {
  /** Hz, as stored in the file. */
  sampleRate: number;
  /** One 16-bit buffer per channel (left first), all the same length. */
  channels: Int16Array[];
}

/** Decodes a WAV file; throws AUDIO_INVALID for anything that is not a readable WAV. */
export function readWav(bytes: Uint8Array): DecodedWav {
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (error) {
    throw new FrontdeskError('AUDIO_INVALID', 'not a readable WAV file', { cause: error });
  }
  const format = wav.fmt as { sampleRate: number; numChannels: number };
  const bitDepth = wav.bitDepth;
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const rawChannels = format.numChannels === 1 && !Array.isArray(raw) ? [raw as Float64Array] : (raw as Float64Array[]);
  const convert = converterFor(bitDepth);
  if (!convert || format.numChannels < 1 || format.sampleRate < 1) {
    throw new FrontdeskError('AUDIO_INVALID', `unsupported WAV encoding: ${format.numChannels} channel(s), bit depth ${bitDepth}`);
  }
  return { sampleRate: format.sampleRate, channels: rawChannels.map(convert) };
}

/** Encodes 16-bit PCM channels (or one mono buffer) as a canonical 44-byte-header WAV file at `sampleRate` Hz. */
export function encodeWav(channels: Int16Array | readonly Int16Array[], sampleRate: number): Uint8Array {
  const list = channels instanceof Int16Array ? [channels] : [...channels];
  const length = list[0]?.length ?? 0;
  if (list.length === 0 || list.some((channel) => channel.length !== length)) {
    throw new FrontdeskError('AUDIO_INVALID', 'WAV channels must be at least one and all the same length');
  }
  const wav = new WaveFile();
  wav.fromScratch(list.length, sampleRate, '16', list.length === 1 ? (list[0] as Int16Array) : list);
  return wav.toBuffer();
}

/** Averages channels into one (e.g. stereo to mono), rounding to the nearest sample value. */
export function downmixToMono(channels: readonly Int16Array[]): Int16Array {
  const first = channels[0];
  if (!first) throw new FrontdeskError('AUDIO_INVALID', 'no channel to downmix');
  if (channels.length === 1) return first.slice();
  const result = new Int16Array(first.length);
  for (let index = 0; index < first.length; index += 1) {
    let sum = 0;
    for (const channel of channels) sum += channel[index] ?? 0;
    result[index] = Math.round(sum / channels.length);
  }
  return result;
}

/** Maps wavefile's raw sample values for one bit-depth code to 16-bit PCM. */
function converterFor(bitDepth: string): ((raw: Float64Array) => Int16Array) | null {
  if (bitDepth === '8m') return (raw) => mulaw.decode(Uint8Array.from(raw));
  if (bitDepth === '8a') return (raw) => alaw.decode(Uint8Array.from(raw));
  if (bitDepth === '32f' || bitDepth === '64') return (raw) => mapSamples(raw, (value) => value * 32768);
  // 8-bit WAV is unsigned with 128 as zero; wider integer depths are signed.
  if (bitDepth === '8') return (raw) => mapSamples(raw, (value) => (value - 128) * 256);
  const bits = Number(bitDepth);
  if (!Number.isInteger(bits) || bits < 9 || bits > 32) return null;
  const scale = 2 ** (16 - bits);
  return (raw) => mapSamples(raw, (value) => value * scale);
}

function mapSamples(raw: Float64Array, toPcm16: (value: number) => number): Int16Array {
  const result = new Int16Array(raw.length);
  for (let index = 0; index < raw.length; index += 1) {
    result[index] = Math.max(-32768, Math.min(32767, Math.round(toPcm16(raw[index] as number))));
  }
  return result;
}
