// OpenAI TTS against a local /v1/audio/speech server: request shape, PCM across odd chunk boundaries, errors, barge-in.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiTts } from '../../src/tts/openai.ts';
import { openAiSpeechSampleRate, startOpenAiServer, type OpenAiServer } from '../helpers/openai-server.ts';
import { synthesizePcm } from '../helpers/provider-failure.ts';
import { concatenateSamples, readAllFrames } from '../helpers/tts-frames.ts';
import { runTtsContract } from './contract.ts';

let server: OpenAiServer;
beforeEach(async () => {
  server = await startOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

describe('OpenAI TTS', () => {
  it('asks for raw PCM with model, voice and key, and yields every sample intact across odd-sized chunks', async () => {
    const tts = createOpenAiTts({ apiKey: 'sk-test', baseUrl: server.url, voice: 'coral' });
    const frames = await readAllFrames(tts.synthesize('Your appointment is confirmed.'));
    expect(server.speechRequests[0]).toEqual({
      authorization: 'Bearer sk-test',
      body: { model: 'gpt-4o-mini-tts', voice: 'coral', input: 'Your appointment is confirmed.', response_format: 'pcm' },
    });
    expect(tts.sampleRate).toBe(24000);
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.every((frame) => frame.sampleRate === 24000)).toBe(true);
    const expected = synthesizePcm('Your appointment is confirmed.', openAiSpeechSampleRate);
    expect(Buffer.from(concatenateSamples(frames).buffer)).toEqual(expected);
  });

  it.each([
    [401, 'PROVIDER_REJECTED', false],
    [429, 'PROVIDER_FAILED', true],
    [500, 'PROVIDER_FAILED', true],
  ] as const)('throws %s for HTTP %i (retryable: %s)', async (status, code, retryable) => {
    server.failure = { kind: 'status', status };
    const tts = createOpenAiTts({ apiKey: 'sk-test', baseUrl: server.url });
    await expect(readAllFrames(tts.synthesize('Hello.'))).rejects.toMatchObject({ code, retryable });
  });

  it('throws a retryable error when the audio stream drops mid-sentence', async () => {
    server.failure = { kind: 'drop', afterBytes: 5000 };
    const tts = createOpenAiTts({ apiKey: 'sk-test', baseUrl: server.url });
    await expect(readAllFrames(tts.synthesize('A sentence long enough to be cut.'))).rejects.toMatchObject({ code: 'PROVIDER_FAILED', retryable: true });
  });

  it('stops the stream without an error when aborted (barge-in)', async () => {
    const tts = createOpenAiTts({ apiKey: 'sk-test', baseUrl: server.url });
    const controller = new AbortController();
    let samples = 0;
    for await (const frame of tts.synthesize('A long reply that the caller interrupts halfway through.', { abortSignal: controller.signal })) {
      samples += frame.samples.length;
      if (samples > 2000) controller.abort();
    }
    const full = synthesizePcm('A long reply that the caller interrupts halfway through.', 24000).length / 2;
    expect(samples).toBeLessThan(full / 4);
  });
});

let contractServer: OpenAiServer;
beforeAll(async () => {
  contractServer = await startOpenAiServer();
});
afterAll(async () => {
  await contractServer.close();
});

runTtsContract('OpenAI TTS (local /v1/audio/speech server)', {
  create: () => createOpenAiTts({ apiKey: 'sk', baseUrl: contractServer.url }),
});
