// μ-law: the round trip stays within μ-law’s step for every 16-bit value and keeps a voice-band tone clean.
import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/audio/mulaw.ts';
import { decibels, rms, sine } from './signal.ts';

describe('μ-law', () => {
  it('round-trips every 16-bit value within μ-law’s step: at most 8 off below 128 and 4.3% above 256', () => {
    const every = new Int16Array(65536);
    for (let index = 0; index < every.length; index += 1) every[index] = index - 32768;
    const decoded = mulawToPcm16(pcm16ToMulaw(every));
    let worstQuiet = 0;
    let worstRelative = 0;
    for (let index = 0; index < every.length; index += 1) {
      const value = every[index] as number;
      const error = Math.abs((decoded[index] as number) - value);
      if (Math.abs(value) < 128) worstQuiet = Math.max(worstQuiet, error);
      if (Math.abs(value) >= 256 && Math.abs(value) <= 32124) worstRelative = Math.max(worstRelative, error / Math.abs(value));
    }
    expect(worstQuiet).toBeLessThanOrEqual(8);
    expect(worstRelative).toBeLessThanOrEqual(0.043);
  });

  it('encodes and decodes every value exactly as the G.711 codec in alawmulaw does', () => {
    const every = Int16Array.from({ length: 65536 }, (_value, index) => index - 32768);
    expect(pcm16ToMulaw(every)).toEqual(alawmulaw.mulaw.encode(every));
    const bytes = Uint8Array.from({ length: 256 }, (_value, index) => index);
    expect(mulawToPcm16(bytes)).toEqual(alawmulaw.mulaw.decode(bytes));
  });

  it('encodes one byte per sample and silence as 0xFF, which decodes back to 0', () => {
    const encoded = pcm16ToMulaw(new Int16Array(160));
    expect(encoded).toHaveLength(160);
    expect([...new Set(encoded)]).toEqual([0xff]);
    expect([...mulawToPcm16(new Uint8Array([0xff, 0x7f]))]).toEqual([0, 0]);
  });

  it('keeps a −10 dBFS voice-band tone’s level within 0.1 dB and its error 35 dB below it', () => {
    const tone = sine(1004, { sampleRate: 8000, durationMs: 500, amplitude: 32767 * 10 ** (-10 / 20) });
    const decoded = mulawToPcm16(pcm16ToMulaw(tone));
    const error = decoded.map((value, index) => value - (tone[index] as number));
    expect(Math.abs(decibels(rms(decoded), rms(tone)))).toBeLessThan(0.1);
    expect(decibels(rms(tone), rms(error))).toBeGreaterThan(35);
  });
});
