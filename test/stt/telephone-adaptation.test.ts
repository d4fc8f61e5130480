// `npm run adapt:telephone` reads the en-us model's mixture weights from its 8-bit `sendump` for sphinxtrain's bw.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mixtureWeightsFromSendump } from '../../bench/telephone-adaptation.ts';

describe('telephone adaptation: the mixture weights bw reads', () => {
  it("writes Debian's en-us sendump as an s3 file of 5126 senones × 3 features × 128 weights, each senone's weights a distribution", () => {
    const file = mixtureWeightsFromSendump(readFileSync('/usr/share/pocketsphinx/model/en-us/en-us/sendump'));
    const header = 's3\nversion 1.0\nendhdr\n';
    expect(file.subarray(0, header.length).toString('latin1')).toBe(header);
    const dimensions = [0, 1, 2, 3, 4].map((index) => file.readUInt32LE(header.length + index * 4));
    expect(dimensions).toEqual([0x11223344, 5126, 3, 128, 5126 * 3 * 128]);
    const start = header.length + 20;
    const weights = new Float32Array(file.buffer.slice(file.byteOffset + start, file.byteOffset + file.length));
    expect(weights.length).toBe(5126 * 3 * 128);
    // Quantised to 8 bits, a senone's 128 weights for one feature still sum to about 1.
    for (const senone of [0, 1000, 5125]) {
      for (let feature = 0; feature < 3; feature += 1) {
        const offset = (senone * 3 + feature) * 128;
        const sum = weights.subarray(offset, offset + 128).reduce((total, weight) => total + weight, 0);
        expect(sum).toBeGreaterThan(0.9);
        expect(sum).toBeLessThan(1.1);
      }
    }
  });
});
