// OpenAI STT against a local /v1/audio/transcriptions server: the WAV and prompt sent, SSE deltas, error mapping.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiStt } from '../../src/stt/openai.ts';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server.ts';
import { collectEvents, speechFrames } from '../helpers/speech-frames.ts';
import { runSttContract } from './contract.ts';

let server: OpenAiServer;
beforeEach(async () => {
  server = await startOpenAiServer({ transcript: 'Cancel my appointment on Friday' });
});
afterEach(async () => {
  await server.close();
});

describe('OpenAI STT', () => {
  it('sends the buffered utterance as a 16-bit WAV with model, stream flag, key and a prompt from the expectation', async () => {
    const stt = createOpenAiStt({ apiKey: 'sk-test', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 8000, expectation: { slots: ['location'], vocabulary: { locations: ['Riverside Clinic'], providerNames: ['Li Chen'] } } });
    for (const frame of speechFrames(500, 8000)) stream.push(frame);
    expect(server.transcriptionRequests).toHaveLength(0);
    stream.end();
    await collectEvents(stream);

    const request = server.transcriptionRequests[0]!;
    expect(request.authorization).toBe('Bearer sk-test');
    expect(request.fields).toMatchObject({ model: 'gpt-4o-transcribe', stream: 'true' });
    expect(request.fields.prompt).toContain('Li Chen');
    expect(request.fields.prompt).toContain('Riverside Clinic');
    const wav = request.file!.bytes;
    expect(request.file!.name).toBe('utterance.wav');
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(500 * 8 * 2);
  });

  it('emits growing partials from transcript.text.delta and the final from transcript.text.done', async () => {
    const stt = createOpenAiStt({ apiKey: 'sk-test', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(300)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);
    expect(events).toEqual([
      { type: 'partial', text: 'Cancel' },
      { type: 'partial', text: 'Cancel my' },
      { type: 'partial', text: 'Cancel my appointment' },
      { type: 'partial', text: 'Cancel my appointment on' },
      { type: 'partial', text: 'Cancel my appointment on Friday' },
      // Five tokens at log probability −0.05 each: exp(−0.05).
      { type: 'final', text: 'Cancel my appointment on Friday', confidence: 0.951 },
    ]);
    expect(server.transcriptionRequests[0]?.fields['include[]']).toBe('logprobs');
  });

  it.each([
    [401, 'PROVIDER_REJECTED', false],
    [429, 'PROVIDER_FAILED', true],
    [500, 'PROVIDER_FAILED', true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (status, code, retryable) => {
    server.failure = { kind: 'status', status };
    const stt = createOpenAiStt({ apiKey: 'sk-test', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(100)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { code, retryable } });
    expect(server.transcriptionRequests).toHaveLength(1);
  });

  it('reports a server that stops answering as PROVIDER_TIMEOUT once the request limit passes', async () => {
    server.failure = { kind: 'stall' };
    const stt = createOpenAiStt({ apiKey: 'sk-test', baseUrl: server.url, timeoutMs: 300 });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(100)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'PROVIDER_TIMEOUT' } });
  });

  it('reports a stream dropped before transcript.text.done as a retryable error, after the partials it got', async () => {
    server.failure = { kind: 'drop', afterBytes: 2 };
    const stt = createOpenAiStt({ apiKey: 'sk-test', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(100)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);
    expect(events.map((event) => event.type)).toEqual(['partial', 'partial', 'error']);
    expect(events[2]).toMatchObject({ error: { code: 'PROVIDER_FAILED', retryable: true } });
  });
});

let contractServer: OpenAiServer;
beforeAll(async () => {
  contractServer = await startOpenAiServer({ transcript: 'tuesday at ten thirty' });
});
afterAll(async () => {
  await contractServer.close();
});

runSttContract('OpenAI STT (local /v1/audio/transcriptions server)', {
  create: () => createOpenAiStt({ apiKey: 'sk', baseUrl: contractServer.url }),
  sample: async () => ({ frames: speechFrames(1000), sampleRate: 16000, expectedWords: ['tuesday', 'ten', 'thirty'] }),
});
