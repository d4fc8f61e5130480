// ElevenLabs TTS against a local streaming endpoint: voice, model, output format, key, PCM integrity, errors, barge-in.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElevenLabsTts } from '../../src/tts/elevenlabs.ts';
import { startElevenLabsServer, type ElevenLabsServer } from '../helpers/elevenlabs-server.ts';
import { synthesizePcm } from '../helpers/provider-failure.ts';
import { concatenateSamples, readAllFrames } from '../helpers/tts-frames.ts';
import { runTtsContract } from './contract.ts';

let server: ElevenLabsServer;
beforeEach(async () => {
  server = await startElevenLabsServer();
});
afterEach(async () => {
  await server.close();
});

describe('ElevenLabs TTS', () => {
  it.each(['pcm_16000', 'pcm_22050', 'pcm_24000'] as const)('streams %s PCM with the voice, model and xi-api-key', async (outputFormat) => {
    const tts = createElevenLabsTts({ apiKey: 'xi-test', voiceId: 'voice-123', outputFormat, baseUrl: server.url });
    const sampleRate = Number(outputFormat.slice(4));
    const frames = await readAllFrames(tts.synthesize('See you on Tuesday.'));
    const request = server.requests[0]!;
    expect(request).toMatchObject({ apiKey: 'xi-test', voiceId: 'voice-123', query: { output_format: outputFormat } });
    expect(request.body).toMatchObject({ text: 'See you on Tuesday.', model_id: 'eleven_flash_v2_5' });
    expect(tts.sampleRate).toBe(sampleRate);
    expect(frames.every((frame) => frame.sampleRate === sampleRate)).toBe(true);
    expect(Buffer.from(concatenateSamples(frames).buffer)).toEqual(synthesizePcm('See you on Tuesday.', sampleRate));
  });

  it.each([
    [401, 'PROVIDER_REJECTED', false],
    [429, 'PROVIDER_FAILED', true],
    [500, 'PROVIDER_FAILED', true],
  ] as const)('throws %s for HTTP %i (retryable: %s)', async (status, code, retryable) => {
    server.failure = { kind: 'status', status };
    const tts = createElevenLabsTts({ apiKey: 'xi-test', voiceId: 'v', baseUrl: server.url });
    await expect(readAllFrames(tts.synthesize('Hello.'))).rejects.toMatchObject({ code, retryable });
  });

  it('throws a retryable error when the stream drops mid-sentence', async () => {
    server.failure = { kind: 'drop', afterBytes: 4000 };
    const tts = createElevenLabsTts({ apiKey: 'xi-test', voiceId: 'v', baseUrl: server.url });
    await expect(readAllFrames(tts.synthesize('A sentence long enough to be cut.'))).rejects.toMatchObject({ retryable: true });
  });

  it('stops without an error when aborted (barge-in)', async () => {
    const tts = createElevenLabsTts({ apiKey: 'xi-test', voiceId: 'v', baseUrl: server.url });
    const controller = new AbortController();
    let samples = 0;
    for await (const frame of tts.synthesize('A long reply that the caller interrupts halfway through.', { abortSignal: controller.signal })) {
      samples += frame.samples.length;
      if (samples > 1500) controller.abort();
    }
    expect(samples).toBeLessThan(synthesizePcm('A long reply that the caller interrupts halfway through.', 16000).length / 8);
  });
});

let contractServer: ElevenLabsServer;
beforeAll(async () => {
  contractServer = await startElevenLabsServer();
});
afterAll(async () => {
  await contractServer.close();
});

runTtsContract('ElevenLabs TTS (local streaming server)', {
  create: () => createElevenLabsTts({ apiKey: 'xi', voiceId: 'voice-1', baseUrl: contractServer.url }),
});
