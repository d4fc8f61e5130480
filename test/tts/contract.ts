// The contract every TextToSpeech adapter runs: plausible audio for the text, streamed, cancellable within one chunk.
import { afterAll, describe, expect, it } from 'vitest';
import { frameDurationMs } from '../../src/audio/types.ts';
import type { TextToSpeech } from '../../src/tts/types.ts';

export interface TtsContractOptions {
  create: () => TextToSpeech | Promise<TextToSpeech>;
  timeoutMs?: number;
}

const longSentence =
  'I found three openings with Doctor Amara Okafor in cardiology next week: Tuesday at ten thirty in the morning, Wednesday at two fifteen in the afternoon, and Friday at nine; which one works best for you?';

export function runTtsContract(name: string, options: TtsContractOptions): void {
  describe(`${name} honours the TextToSpeech contract`, () => {
    let tts: TextToSpeech | undefined;
    const adapter = async () => (tts ??= await options.create());
    afterAll(async () => tts?.close?.());
    const timeout = options.timeoutMs ?? 20000;

    it('yields frames at its declared sample rate whose length fits the words spoken', async () => {
      const speech = await adapter();
      let durationMs = 0;
      let peak = 0;
      for await (const frame of speech.synthesize('Your appointment is confirmed for Tuesday at ten thirty.')) {
        expect(frame.sampleRate).toBe(speech.sampleRate);
        durationMs += frameDurationMs(frame);
        for (const sample of frame.samples) peak = Math.max(peak, Math.abs(sample));
      }
      // Nine words at a conversational 100–250 words per minute: roughly 2.2–5.4 s, with slack for pauses.
      expect(durationMs).toBeGreaterThan(1800);
      expect(durationMs).toBeLessThan(7000);
      expect(peak).toBeGreaterThan(1000);
    }, timeout);

    it('gives a longer reply proportionally more audio', async () => {
      const speech = await adapter();
      const measure = async (text: string) => {
        let durationMs = 0;
        for await (const frame of speech.synthesize(text)) durationMs += frameDurationMs(frame);
        return durationMs;
      };
      const short = await measure('Yes.');
      const long = await measure(longSentence);
      expect(short).toBeLessThan(1500);
      expect(long).toBeGreaterThan(short * 8);
    }, timeout);

    it('delivers the first chunk of a long sentence before the whole sentence is synthesized', async () => {
      const speech = await adapter();
      const started = performance.now();
      let firstChunkMs: number | undefined;
      let frames = 0;
      for await (const _frame of speech.synthesize(longSentence)) {
        firstChunkMs ??= performance.now() - started;
        frames += 1;
      }
      const totalMs = performance.now() - started;
      expect(frames).toBeGreaterThan(1);
      expect(firstChunkMs).toBeDefined();
      expect(firstChunkMs as number).toBeLessThan(totalMs);
    }, timeout);

    it('stops within one chunk when aborted mid-sentence (barge-in)', async () => {
      const speech = await adapter();
      const controller = new AbortController();
      let framesAfterAbort = 0;
      let frames = 0;
      for await (const _frame of speech.synthesize(longSentence, { abortSignal: controller.signal })) {
        frames += 1;
        if (controller.signal.aborted) framesAfterAbort += 1;
        if (frames === 2) controller.abort();
      }
      expect(frames).toBe(2);
      expect(framesAfterAbort).toBe(0);
    }, timeout);

    it('yields nothing when the signal is already aborted', async () => {
      const speech = await adapter();
      const controller = new AbortController();
      controller.abort();
      const frames = [];
      for await (const frame of speech.synthesize('Hello there.', { abortSignal: controller.signal })) frames.push(frame);
      expect(frames).toEqual([]);
    }, timeout);

    it('synthesizes two replies at once without mixing them up', async () => {
      const speech = await adapter();
      const measure = async (text: string) => {
        let durationMs = 0;
        for await (const frame of speech.synthesize(text)) durationMs += frameDurationMs(frame);
        return durationMs;
      };
      const [short, long] = await Promise.all([measure('Okay.'), measure(longSentence)]);
      expect(long).toBeGreaterThan((short as number) * 8);
    }, timeout);
  });
}
