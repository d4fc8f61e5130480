// One channel of a recording held in fixed-size PCM16 chunks: writes at any position, silence where nothing was written.

/** 2^15 samples: about 2 s at 16 kHz, 64 KiB per chunk. */
const chunkSamples = 32768;

export class SampleTrack {
  private readonly chunks: Array<Int16Array | undefined> = [];
  /** Samples from position 0 to the end of the last write (gaps read as silence). */
  length = 0;

  /** Writes `samples` starting at sample `position`, overwriting what was there. */
  write(position: number, samples: Int16Array): void {
    let written = 0;
    while (written < samples.length) {
      const at = position + written;
      const chunkIndex = Math.floor(at / chunkSamples);
      const offset = at - chunkIndex * chunkSamples;
      const count = Math.min(chunkSamples - offset, samples.length - written);
      let chunk = this.chunks[chunkIndex];
      if (!chunk) {
        chunk = new Int16Array(chunkSamples);
        this.chunks[chunkIndex] = chunk;
      }
      chunk.set(samples.subarray(written, written + count), offset);
      written += count;
    }
    this.length = Math.max(this.length, position + samples.length);
  }

  /** Drops everything from sample `position` on. */
  truncate(position: number): void {
    if (position >= this.length) return;
    const keep = Math.max(0, position);
    const chunkIndex = Math.floor(keep / chunkSamples);
    this.chunks[chunkIndex]?.fill(0, keep - chunkIndex * chunkSamples);
    this.chunks.length = Math.min(this.chunks.length, chunkIndex + 1);
    this.length = keep;
  }

  /** Copies samples [from, count) into `target` at `offset + from * stride`, `offset + (from + 1) * stride`, … (silence past the end). */
  copyInterleaved(target: Int16Array, offset: number, stride: number, count: number, from = 0): void {
    for (let chunkIndex = Math.floor(from / chunkSamples); chunkIndex * chunkSamples < count; chunkIndex += 1) {
      const chunk = this.chunks[chunkIndex];
      if (!chunk) continue;
      const start = Math.max(from, chunkIndex * chunkSamples);
      const end = Math.min(count, this.length, (chunkIndex + 1) * chunkSamples);
      const chunkStart = chunkIndex * chunkSamples;
      let targetIndex = offset + start * stride;
      for (let index = start; index < end; index += 1) {
        target[targetIndex] = chunk[index - chunkStart] as number;
        targetIndex += stride;
      }
    }
  }

  /** Releases the chunks. */
  clear(): void {
    this.chunks.length = 0;
    this.length = 0;
  }
}
