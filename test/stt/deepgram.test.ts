// Deepgram STT against a local /v1/listen server: what the SDK sends, partial/final handling, error mapping.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isFrontdeskError } from '../../src/errors.ts';
import { createDeepgramStt } from '../../src/stt/deepgram.ts';
import { startDeepgramServer, type DeepgramServer } from '../helpers/deepgram-server.ts';
import { collectEvents, speechFrames } from '../helpers/speech-frames.ts';
import { runSttContract } from './contract.ts';

let server: DeepgramServer;
beforeEach(async () => {
  server = await startDeepgramServer({ transcript: "I'd like to see Doctor Okafor on Tuesday" });
});
afterEach(async () => {
  await server.close();
});

describe('Deepgram STT', () => {
  it('streams linear16 at the frame rate with the key, model and keyterms from the expectation', async () => {
    const stt = createDeepgramStt({ apiKey: 'dg-test-key', baseUrl: server.url, endpointingMs: 300, redact: ['pci', 'ssn'] });
    const stream = await stt.open({
      sampleRate: 8000,
      expectation: {
        slots: ['choice', 'yesNo'],
        options: [{ label: 'Dr. Amara Okafor', name: 'Amara Okafor' }],
        vocabulary: { locations: ['Riverside Clinic'], providerNames: ['Amara Okafor', 'Li Chen'] },
      },
    });
    for (const frame of speechFrames(400, 8000)) stream.push(frame);
    stream.end();
    await collectEvents(stream);

    const connection = server.connections[0]!;
    expect(connection.authorization).toBe('Token dg-test-key');
    expect(connection.query).toMatchObject({
      model: 'nova-3',
      language: 'en-US',
      encoding: 'linear16',
      sample_rate: '8000',
      channels: '1',
      interim_results: 'true',
      endpointing: '300',
      redact: ['pci', 'ssn'],
    });
    expect(connection.query.keyterm).toEqual(['Amara Okafor', 'Dr. Amara Okafor', 'Li Chen', 'Riverside Clinic', 'yes', 'no']);
    expect(connection.query.keywords).toBeUndefined();
    expect(connection.audioBytes).toBe(400 * 8 * 2);
    expect(connection.controlMessages).toEqual(['Finalize', 'CloseStream']);
  });

  it('sends keywords instead of keyterms to models older than nova-3', async () => {
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url, model: 'nova-2' });
    const stream = await stt.open({ sampleRate: 16000, expectation: { slots: ['yesNo'] } });
    stream.end();
    await collectEvents(stream);
    expect(server.connections[0]!.query.keywords).toEqual(['yes', 'no']);
    expect(server.connections[0]!.query.keyterm).toBeUndefined();
  });

  it('reports growing partials while audio flows and one final with the whole utterance after end()', async () => {
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(1200)) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream);

    const partials = events.filter((event) => event.type === 'partial').map((event) => (event as { text: string }).text);
    expect(partials.length).toBeGreaterThan(2);
    expect(partials[0]!.length).toBeLessThan(partials.at(-1)!.length);
    const finals = events.filter((event) => event.type === 'final');
    expect(finals).toEqual([{ type: 'final', text: "I'd like to see Doctor Okafor on Tuesday", confidence: 0.98 }]);
    expect(events.at(-1)?.type).toBe('final');
  });

  it('ends with an empty final when the caller said nothing', async () => {
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    stream.end();
    expect(await collectEvents(stream)).toEqual([{ type: 'final', text: '' }]);
  });

  it('rejects open with a non-retryable error when the key is refused (401)', async () => {
    server.failure = { kind: 'status', status: 401 };
    const stt = createDeepgramStt({ apiKey: 'bad', baseUrl: server.url });
    const error = await stt.open({ sampleRate: 16000 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "PROVIDER_REJECTED" });
    expect((error as { retryable: boolean }).retryable).toBe(false);
  });

  it.each([429, 500, 503])('rejects open with a retryable error on %i', async (status) => {
    server.failure = { kind: 'status', status };
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url });
    const error = await stt.open({ sampleRate: 16000 }).catch((caught: unknown) => caught);
    expect(isFrontdeskError(error, 'PROVIDER_FAILED')).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
  });

  it('turns a socket dropped mid-utterance into a retryable error event', async () => {
    server.failure = { kind: 'drop', afterBytes: 6400 };
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(600)) stream.push(frame);
    const events = await collectEvents(stream);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') throw new Error('expected an error event');
    expect(isFrontdeskError(last.error, 'PROVIDER_FAILED')).toBe(true);
    expect((last.error as unknown as { retryable: boolean }).retryable).toBe(true);
  });

  it('close() ends the iterator at once without a final', async () => {
    const stt = createDeepgramStt({ apiKey: 'k', baseUrl: server.url });
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(100)) stream.push(frame);
    stream.close();
    const events = await collectEvents(stream, 1000);
    expect(events.some((event) => event.type === 'final' || event.type === 'error')).toBe(false);
  });
});

let contractServer: DeepgramServer;
beforeAll(async () => {
  contractServer = await startDeepgramServer({ transcript: 'tuesday at ten thirty' });
});
afterAll(async () => {
  await contractServer.close();
});

runSttContract('Deepgram STT (local /v1/listen server)', {
  create: () => createDeepgramStt({ apiKey: 'k', baseUrl: contractServer.url }),
  sample: async () => ({ frames: speechFrames(1000), sampleRate: 16000, expectedWords: ['tuesday', 'ten', 'thirty'] }),
});
