// Turns a vendor's raw PCM16 byte stream into frames, carrying a sample split across two network chunks.
import type { PcmFrame } from '../audio/types.ts';

/** Reads a web ReadableStream of bytes as an async iterable; cancelling the iteration cancels the stream. */
export async function* readBytes(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Yields one frame per chunk of little-endian PCM16; an odd trailing byte waits for the next chunk. */
export async function* pcmFramesFromBytes(chunks: AsyncIterable<Uint8Array>, sampleRate: number): AsyncGenerator<PcmFrame> {
  let carry: number | undefined;
  for await (const chunk of chunks) {
    const bytes = carry === undefined ? chunk : concat(carry, chunk);
    const usable = bytes.byteLength - (bytes.byteLength % 2);
    carry = usable < bytes.byteLength ? bytes[usable] : undefined;
    if (usable === 0) continue;
    // Copy into an aligned buffer: a network chunk may start at an odd offset, which Int16Array cannot view.
    const samples = new Int16Array(usable / 2);
    new Uint8Array(samples.buffer).set(bytes.subarray(0, usable));
    yield { samples, sampleRate };
  }
}

function concat(first: number, rest: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(rest.byteLength + 1);
  bytes[0] = first;
  bytes.set(rest, 1);
  return bytes;
}
