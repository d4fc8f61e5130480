// withTimeout: a stalled cloud provider turns into a retryable PROVIDER_TIMEOUT instead of dead air.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withTimeout } from '../../src/providers/with-timeout.ts';
import { createDeepgramStt } from '../../src/stt/deepgram.ts';
import { createOpenAiTts } from '../../src/tts/openai.ts';
import { startDeepgramServer, type DeepgramServer } from '../helpers/deepgram-server.ts';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server.ts';
import { collectEvents, speechFrames } from '../helpers/speech-frames.ts';
import { readAllFrames } from '../helpers/tts-frames.ts';

let deepgram: DeepgramServer;
let openai: OpenAiServer;
beforeEach(async () => {
  [deepgram, openai] = await Promise.all([startDeepgramServer(), startOpenAiServer()]);
});
afterEach(async () => {
  await Promise.all([deepgram.close(), openai.close()]);
});

describe('withTimeout', () => {
  it('ends a silent STT stream with a retryable PROVIDER_TIMEOUT after end()', async () => {
    deepgram.failure = { kind: 'stall', afterBytes: 0 };
    const stt = withTimeout(createDeepgramStt({ apiKey: 'k', baseUrl: deepgram.url }), { firstResultMs: 150, finalMs: 300 });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(300)) stream.push(frame);
    const startedAt = Date.now();
    stream.end();
    const events = await collectEvents(stream, 2000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'PROVIDER_TIMEOUT', retryable: true } });
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it('lets a healthy STT stream through untouched', async () => {
    const stt = withTimeout(createDeepgramStt({ apiKey: 'k', baseUrl: deepgram.url }), { finalMs: 2000 });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(1000)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);
    expect(events.at(-1)).toEqual({ type: 'final', text: "I'd like to book an appointment", confidence: 0.98 });
  });

  it('fails TTS that never starts, and TTS that stalls mid-sentence, with PROVIDER_TIMEOUT', async () => {
    const tts = withTimeout(createOpenAiTts({ apiKey: 'sk', baseUrl: openai.url }), { firstResultMs: 200, idleMs: 200 });
    openai.failure = { kind: 'stall', afterBytes: 0 };
    await expect(readAllFrames(tts.synthesize('Hello there.'))).rejects.toMatchObject({ code: 'PROVIDER_TIMEOUT', retryable: true });

    openai.failure = { kind: 'stall', afterBytes: 8000 };
    let samples = 0;
    const reading = (async () => {
      for await (const frame of tts.synthesize('Hello there, how can I help?')) samples += frame.samples.length;
    })();
    await expect(reading).rejects.toMatchObject({ code: 'PROVIDER_TIMEOUT' });
    expect(samples).toBeGreaterThan(0);
    // The server stops after the chunk that crosses 8000 bytes (chunks are 1001 bytes).
    expect(samples).toBeLessThanOrEqual(4004);
  });
});
