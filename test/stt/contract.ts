// The contract every SpeechToText adapter runs: stream lifecycle (partials, then exactly one final), end after close, abort.
import { afterAll, describe, expect, it } from 'vitest';
import type { PcmFrame } from '../../src/audio/types.ts';
import type { SpeechToText, SttStream, TranscriptEvent } from '../../src/stt/types.ts';
import type { Expectation } from '../../src/understanding/types.ts';

export interface SttContractSample {
  frames: PcmFrame[];
  sampleRate: number;
  expectation?: Expectation;
  /** Words the final transcript must contain (lower case). */
  expectedWords: string[];
}

export interface SttContractOptions {
  create: () => SpeechToText | Promise<SpeechToText>;
  /** A short utterance the adapter recognises. */
  sample: () => Promise<SttContractSample>;
  /** ms allowed for a whole utterance to be recognised; default 20 000. */
  timeoutMs?: number;
}

async function collect(stream: SttStream): Promise<TranscriptEvent[]> {
  const events: TranscriptEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const realTime = (frame: PcmFrame) => new Promise((resolve) => setTimeout(resolve, (frame.samples.length / frame.sampleRate) * 200));

export function runSttContract(name: string, options: SttContractOptions): void {
  describe(`${name} honours the SpeechToText contract`, () => {
    let stt: SpeechToText | undefined;
    const adapter = async () => (stt ??= await options.create());
    afterAll(async () => stt?.close?.());
    const timeout = options.timeoutMs ?? 20000;

    it('streams partial hypotheses while audio arrives, then exactly one final that holds the words, then ends', async () => {
      const sample = await options.sample();
      const stream = await (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation });
      const events = collect(stream);
      // Paced at 5× real time so the adapter has the chance to report partials before end().
      for (const frame of sample.frames) {
        stream.push(frame);
        await realTime(frame);
      }
      stream.end();
      const received = await events;
      const finals = received.filter((event) => event.type === 'final');
      expect(received.filter((event) => event.type === 'error')).toEqual([]);
      expect(finals).toHaveLength(1);
      expect(received.at(-1)?.type).toBe('final');
      expect(received.slice(0, -1).every((event) => event.type === 'partial')).toBe(true);
      expect(received.filter((event) => event.type === 'partial').length).toBeGreaterThan(0);
      const text = finals[0]?.type === 'final' ? finals[0].text : '';
      for (const word of sample.expectedWords) expect(text.split(' ')).toContain(word);
      // Every adapter reports how sure it is, 0–1, so a doubtful answer can be confirmed rather than acted on.
      const confidence = finals[0]?.type === 'final' ? finals[0].confidence : undefined;
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }, timeout);

    it('gives one final for a stream ended without audio, and ignores a second end()', async () => {
      const sample = await options.sample();
      const stream = await (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation });
      const events = collect(stream);
      stream.end();
      stream.end();
      const received = await events;
      expect(received.filter((event) => event.type === 'final')).toHaveLength(1);
    }, timeout);

    it('ends the iterator without a final when closed, and accepts push/end after close without throwing', async () => {
      const sample = await options.sample();
      const stream = await (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation });
      const events = collect(stream);
      for (const frame of sample.frames.slice(0, Math.ceil(sample.frames.length / 2))) stream.push(frame);
      stream.close();
      expect(() => stream.push(sample.frames[0] as PcmFrame)).not.toThrow();
      expect(() => stream.end()).not.toThrow();
      const received = await events;
      expect(received.filter((event) => event.type === 'final')).toEqual([]);
      expect(received.filter((event) => event.type === 'error')).toEqual([]);
    }, timeout);

    it('stops at once when the abort signal fires mid-utterance', async () => {
      const sample = await options.sample();
      const controller = new AbortController();
      const stream = await (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation, abortSignal: controller.signal });
      const events = collect(stream);
      for (const frame of sample.frames.slice(0, 10)) stream.push(frame);
      controller.abort();
      const startedWaiting = performance.now();
      const received = await events;
      expect(performance.now() - startedWaiting).toBeLessThan(1000);
      expect(received.filter((event) => event.type === 'final')).toEqual([]);
    }, timeout);

    it('opens nothing that outlives an already-aborted signal', async () => {
      const sample = await options.sample();
      const controller = new AbortController();
      controller.abort();
      const stream = await (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation, abortSignal: controller.signal });
      stream.push(sample.frames[0] as PcmFrame);
      stream.end();
      expect(await collect(stream)).toEqual([]);
    }, timeout);

    it('recognises two utterances in parallel streams independently', async () => {
      const sample = await options.sample();
      const streams = await Promise.all([0, 1].map(async () => (await adapter()).open({ sampleRate: sample.sampleRate, expectation: sample.expectation })));
      const results = streams.map(collect);
      for (const frame of sample.frames) for (const stream of streams) stream.push(frame);
      for (const stream of streams) stream.end();
      for (const received of await Promise.all(results)) {
        const final = received.find((event) => event.type === 'final');
        for (const word of sample.expectedWords) expect(final?.type === 'final' ? final.text.split(' ') : []).toContain(word);
      }
    }, timeout);
  });
}
