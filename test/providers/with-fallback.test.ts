// Fallback chains: a provider that drops or stalls mid-utterance is replaced, and the caller still gets the transcript or the rest of the sentence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unspokenRemainder, withSttFallback, withTtsFallback, type FallbackOptions } from '../../src/providers/with-fallback.ts';
import { withTimeout } from '../../src/providers/with-timeout.ts';
import { createDeepgramStt } from '../../src/stt/deepgram.ts';
import { createOpenAiStt } from '../../src/stt/openai.ts';
import { createElevenLabsTts } from '../../src/tts/elevenlabs.ts';
import { createOpenAiTts } from '../../src/tts/openai.ts';
import { startDeepgramServer, type DeepgramServer } from '../helpers/deepgram-server.ts';
import { startElevenLabsServer, type ElevenLabsServer } from '../helpers/elevenlabs-server.ts';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server.ts';
import { collectEvents, speechFrames } from '../helpers/speech-frames.ts';
import { readAllFrames } from '../helpers/tts-frames.ts';

let deepgram: DeepgramServer;
let openai: OpenAiServer;
let elevenlabs: ElevenLabsServer;
beforeEach(async () => {
  [deepgram, openai, elevenlabs] = await Promise.all([
    startDeepgramServer({ transcript: 'Tuesday at ten thirty' }),
    startOpenAiServer({ transcript: 'Tuesday at ten thirty' }),
    startElevenLabsServer(),
  ]);
});
afterEach(async () => {
  await Promise.all([deepgram.close(), openai.close(), elevenlabs.close()]);
});

function sttChain() {
  const switches: string[] = [];
  const stt = withSttFallback(
    [
      withTimeout(createDeepgramStt({ apiKey: 'dg', baseUrl: deepgram.url }), { firstResultMs: 300, finalMs: 600 }),
      withTimeout(createOpenAiStt({ apiKey: 'sk', baseUrl: openai.url }), { finalMs: 3000 }),
    ],
    { onSwitch: ({ from, to, error }) => switches.push(`${from}>${to}:${(error as { code?: string }).code}`) },
  );
  return { stt, switches };
}

describe('withSttFallback', () => {
  it('hands the whole utterance to the fallback when the primary socket drops mid-utterance', async () => {
    deepgram.failure = { kind: 'drop', afterBytes: 6400 };
    const { stt, switches } = sttChain();
    const stream = await stt.open({ sampleRate: 16000 });
    const frames = speechFrames(800);
    for (const frame of frames) {
      stream.push(frame);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    stream.end();
    const events = await collectEvents(stream);

    expect(events.at(-1)).toEqual({ type: 'final', text: 'Tuesday at ten thirty', confidence: expect.any(Number) });
    expect(events.some((event) => event.type === 'error')).toBe(false);
    expect(switches).toEqual(['deepgram>openai:PROVIDER_FAILED']);
    // The fallback heard everything the caller said, including what the primary had already taken.
    expect(openai.transcriptionRequests[0]!.file!.bytes.length).toBe(44 + 800 * 16 * 2);
  });

  it('moves on when the primary stalls, and starts the next utterance on the fallback', async () => {
    deepgram.failure = { kind: 'stall', afterBytes: 0 };
    const { stt, switches } = sttChain();
    const first = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(400)) first.push(frame);
    first.end();
    expect((await collectEvents(first)).at(-1)).toEqual({ type: 'final', text: 'Tuesday at ten thirty', confidence: expect.any(Number) });
    expect(switches).toEqual(['deepgram>openai:PROVIDER_TIMEOUT']);

    const second = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(200)) second.push(frame);
    second.end();
    expect((await collectEvents(second)).at(-1)).toMatchObject({ type: 'final' });
    expect(deepgram.connections).toHaveLength(1);
    expect(openai.transcriptionRequests).toHaveLength(2);
  });

  it('opens the fallback when the primary refuses the key, and reports the last error when every provider fails', async () => {
    deepgram.failure = { kind: 'status', status: 401 };
    const { stt } = sttChain();
    const stream = await stt.open({ sampleRate: 16000 });
    for (const frame of speechFrames(200)) stream.push(frame);
    stream.end();
    expect((await collectEvents(stream)).at(-1)).toMatchObject({ type: 'final', text: 'Tuesday at ten thirty' });

    openai.failure = { kind: 'status', status: 500 };
    const failing = await stt.open({ sampleRate: 16000 });
    failing.push(speechFrames(20)[0]!);
    failing.end();
    expect(await collectEvents(failing)).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'PROVIDER_FAILED', retryable: true }) }]);
  });
});

describe('withTtsFallback', () => {
  const sentence = 'Your appointment with Doctor Okafor is on Tuesday at ten thirty in the morning.';

  function ttsChain(options: FallbackOptions = {}) {
    return withTtsFallback(
      [
        withTimeout(createOpenAiTts({ apiKey: 'sk', baseUrl: openai.url }), { firstResultMs: 500, idleMs: 300 }),
        createElevenLabsTts({ apiKey: 'xi', voiceId: 'voice-1', baseUrl: elevenlabs.url }),
      ],
      options,
    );
  }

  it("goes back to the primary after a retryable failure (a 503) once it has sat out, never after a refused key (a 401)", async () => {
    const sentencesOnPrimary = async (status: number) => {
      openai.speechRequests.length = 0;
      let nowMs = 0;
      const tts = ttsChain({ recoverAfterMs: 30_000, now: () => nowMs });
      openai.failure = { kind: 'status', status };
      await readAllFrames(tts.synthesize('Anything else?'));
      openai.failure = undefined;
      nowMs = 10_000;
      await readAllFrames(tts.synthesize('Anything else?'));
      nowMs = 31_000;
      await readAllFrames(tts.synthesize('Anything else?'));
      return openai.speechRequests.length;
    };
    // 503: the failed sentence, then nothing while it sits out, then the primary again.
    expect(await sentencesOnPrimary(503)).toBe(2);
    // 401 (PROVIDER_REJECTED, not retryable): only the failed sentence; the chain stays on the fallback.
    expect(await sentencesOnPrimary(401)).toBe(1);
    expect(elevenlabs.requests).toHaveLength(3 + 2);
  });

  it('re-synthesizes only the unheard rest of the sentence with the next provider when the stream drops', async () => {
    openai.failure = { kind: 'drop', afterBytes: 48000 };
    const frames = await readAllFrames(ttsChain().synthesize(sentence));

    const fromPrimary = frames.filter((frame) => frame.sampleRate === 24000);
    const fromFallback = frames.filter((frame) => frame.sampleRate === 16000);
    expect(fromPrimary.length).toBeGreaterThan(0);
    expect(fromFallback.length).toBeGreaterThan(0);
    expect(frames.indexOf(fromFallback[0]!)).toBe(fromPrimary.length);
    const remainder = elevenlabs.requests[0]!.body.text!;
    expect(sentence.endsWith(remainder)).toBe(true);
    // One second of audio was heard, so the first words are not said twice, and the rest starts on a word.
    expect(remainder.length).toBeLessThan(sentence.length);
    expect(sentence[sentence.length - remainder.length - 1]).toBe(' ');
  });

  it('switches when the primary stalls mid-sentence and stays on the fallback for the next sentence', async () => {
    openai.failure = { kind: 'stall', afterBytes: 24000 };
    const tts = ttsChain();
    const frames = await readAllFrames(tts.synthesize(sentence));
    expect(frames.at(-1)!.sampleRate).toBe(16000);
    await readAllFrames(tts.synthesize('Anything else?'));
    expect(openai.speechRequests).toHaveLength(1);
    expect(elevenlabs.requests.map((request) => request.body.text)).toHaveLength(2);
    expect(elevenlabs.requests[1]!.body.text).toBe('Anything else?');
  });

  it('stops at once on barge-in without trying the fallback', async () => {
    const tts = ttsChain();
    const controller = new AbortController();
    let samples = 0;
    for await (const frame of tts.synthesize(sentence, { abortSignal: controller.signal })) {
      samples += frame.samples.length;
      if (samples > 3000) controller.abort();
    }
    expect(samples).toBeLessThan(10000);
    expect(elevenlabs.requests).toHaveLength(0);
  });
});

describe('unspokenRemainder', () => {
  it('keeps the whole text when nothing was heard and repeats the word in progress otherwise', () => {
    expect(unspokenRemainder('See you on Tuesday.', 0)).toBe('See you on Tuesday.');
    // 400 ms at 14 characters a second is 5 characters, "See y": "you" was cut, so it is said again.
    expect(unspokenRemainder('See you on Tuesday.', 400)).toBe('you on Tuesday.');
    // 500 ms is 7 characters, exactly "See you": resume at the next word.
    expect(unspokenRemainder('See you on Tuesday.', 500)).toBe('on Tuesday.');
    expect(unspokenRemainder('See you on Tuesday.', 10_000)).toBe('');
  });
});
