// The provider registry: configured names to factories, vendor modules loaded only when chosen, and fallback chains that work end to end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { FrontdeskError } from '../../src/errors.ts';
import { callerUtterance, framesOf } from '../stt/caller-audio.ts';
import { modelAnswer, startOpenAiChatServer, type OpenAiChatServer } from '../helpers/openai-chat-server.ts';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server.ts';
import { collectEvents } from '../helpers/speech-frames.ts';
import { readAllFrames } from '../helpers/tts-frames.ts';

// Each vendor module reports when it is first imported; the real module is used.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('../../src/stt/pocketsphinx.ts', async (importOriginal) => (loaded.add('stt/pocketsphinx'), importOriginal()));
vi.mock('../../src/stt/deepgram.ts', async (importOriginal) => (loaded.add('stt/deepgram'), importOriginal()));
vi.mock('../../src/stt/openai.ts', async (importOriginal) => (loaded.add('stt/openai'), importOriginal()));
vi.mock('../../src/tts/espeak.ts', async (importOriginal) => (loaded.add('tts/espeak'), importOriginal()));
vi.mock('../../src/tts/elevenlabs.ts', async (importOriginal) => (loaded.add('tts/elevenlabs'), importOriginal()));
vi.mock('../../src/tts/openai.ts', async (importOriginal) => (loaded.add('tts/openai'), importOriginal()));
vi.mock('../../src/llm/openai-extractor.ts', async (importOriginal) => (loaded.add('llm/openai-extractor'), importOriginal()));

function config(env: Record<string, string>) {
  return loadConfig({ FRONTDESK_RECORDINGS: 'none', ...env });
}

async function caught(promise: Promise<unknown>): Promise<FrontdeskError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(FrontdeskError);
  return error as FrontdeskError;
}

describe('registry loading', () => {
  it('loads no vendor module on import, and only the chosen ones when providers are created', async () => {
    const registry = await import('../../src/providers/registry.ts');
    expect([...loaded]).toEqual([]);

    const chosen = config({ FRONTDESK_STT: 'deepgram', DEEPGRAM_API_KEY: 'dg', FRONTDESK_STT_FALLBACK: 'none', FRONTDESK_TTS: 'elevenlabs', ELEVENLABS_API_KEY: 'el', FRONTDESK_TTS_FALLBACK: 'none' });
    const stt = await registry.createSpeechToText(chosen);
    const tts = await registry.createTextToSpeech(chosen);
    const extractor = await registry.createExtractor(chosen);
    const phraser = await registry.createPhraser(chosen);
    expect(stt.name).toBe('deepgram');
    expect(tts.name).toBe('elevenlabs');
    expect(extractor.name).toBe('rules');
    expect(phraser.name).toBe('template');
    expect([...loaded].sort()).toEqual(['stt/deepgram', 'tts/elevenlabs']);
  });
});

describe('registry names', () => {
  it('maps every configured name to its vendor', async () => {
    const { sttFactory, ttsFactory } = await import('../../src/providers/registry.ts');
    const all = config({ DEEPGRAM_API_KEY: 'dg', OPENAI_API_KEY: 'sk', ELEVENLABS_API_KEY: 'el' });
    const sttNames = { offline: 'pocketsphinx', deepgram: 'deepgram', openai: 'openai' };
    for (const [name, vendor] of Object.entries(sttNames)) expect((await sttFactory(name)(all, {})).name).toBe(vendor);
    const ttsNames = { offline: 'espeak', elevenlabs: 'elevenlabs', openai: 'openai' };
    for (const [name, vendor] of Object.entries(ttsNames)) expect((await ttsFactory(name)(all, {})).name).toBe(vendor);
  });

  it('refuses a name it does not know, listing the allowed ones', async () => {
    const { sttFactory, ttsFactory } = await import('../../src/providers/registry.ts');
    expect(() => sttFactory('whisper')).toThrow(expect.objectContaining({ code: 'CONFIG_UNKNOWN_PROVIDER', message: expect.stringContaining('allowed values: offline, deepgram, openai') }));
    expect(() => ttsFactory('polly')).toThrow(expect.objectContaining({ code: 'CONFIG_UNKNOWN_PROVIDER', message: expect.stringContaining('FRONTDESK_TTS') }));
    expect(() => sttFactory('toString')).toThrow(FrontdeskError);
  });

  it('names the missing key when a config reaches it without one', async () => {
    const { sttFactory } = await import('../../src/providers/registry.ts');
    const error = await caught(sttFactory('deepgram')(config({}), {}));
    expect(error.code).toBe('CONFIG_MISSING_KEY');
    expect(error.message).toContain('DEEPGRAM_API_KEY');
  });

  it('builds the chain in configured order', async () => {
    const { createSpeechToText, createTextToSpeech } = await import('../../src/providers/registry.ts');
    const chained = config({ FRONTDESK_STT: 'openai', FRONTDESK_STT_FALLBACK: 'deepgram,offline', FRONTDESK_TTS: 'openai', OPENAI_API_KEY: 'sk', DEEPGRAM_API_KEY: 'dg' });
    expect((await createSpeechToText(chained)).name).toBe('openai>deepgram>pocketsphinx');
    expect((await createTextToSpeech(chained)).name).toBe('openai>espeak');
  });
});

describe('registry chains at work', () => {
  let audio: OpenAiServer;
  let chat: OpenAiChatServer;
  beforeEach(async () => {
    [audio, chat] = await Promise.all([startOpenAiServer(), startOpenAiChatServer()]);
  });
  afterEach(async () => {
    await Promise.all([audio.close(), chat.close()]);
  });

  it('speaks with espeak-ng when OpenAI TTS answers 500', async () => {
    const { createTextToSpeech } = await import('../../src/providers/registry.ts');
    audio.failure = { kind: 'status', status: 500 };
    const tts = await createTextToSpeech(config({ FRONTDESK_TTS: 'openai', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: audio.url }));
    const frames = await readAllFrames(tts.synthesize('Your appointment is confirmed.'));
    expect(audio.speechRequests).toHaveLength(1);
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.every((frame) => frame.sampleRate === 22050)).toBe(true);
  });

  it('hears the caller with PocketSphinx when OpenAI STT answers 500', async () => {
    const { createSpeechToText } = await import('../../src/providers/registry.ts');
    audio.failure = { kind: 'status', status: 500 };
    const stt = await createSpeechToText(config({ FRONTDESK_STT: 'openai', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: audio.url }));
    const stream = await stt.open({ sampleRate: 16000, expectation: { slots: ['yesNo'] } });
    for (const frame of framesOf(await callerUtterance('yes please', { sampleRate: 16000 }))) stream.push(frame);
    stream.end();
    const events = await collectEvents(stream, 10_000);
    expect(audio.transcriptionRequests).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'final', text: 'yes please' });
  });

  it('extracts with the LLM, and with the rules when the LLM answers 500', async () => {
    const { createExtractor } = await import('../../src/providers/registry.ts');
    const extractor = await createExtractor(config({ FRONTDESK_LLM: 'openai', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: chat.url, FRONTDESK_LLM_TIMEOUT_MS: '800' }));
    expect(extractor.name).toBe('openai:gpt-4o-mini>rules');
    const turn = { text: 'my last name is Whitfield', expectation: { slots: ['lastName' as const] }, now: '2026-11-25T10:15' };
    chat.reply = { kind: 'content', content: modelAnswer({ lastName: 'WHITFIELD-JONES' }) };
    expect(await extractor.extract(turn)).toEqual({ lastName: 'WHITFIELD-JONES' });
    chat.reply = { kind: 'status', status: 500 };
    expect(await extractor.extract(turn)).toEqual({ lastName: 'WHITFIELD' });
    expect(chat.requests).toHaveLength(2);
  });

  it('phrases with the LLM only when phrasing is switched on', async () => {
    const { createPhraser } = await import('../../src/providers/registry.ts');
    chat.reply = { kind: 'content', content: 'Could you tell me your last name, please?' };
    const off = await createPhraser(config({ FRONTDESK_LLM: 'openai', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: chat.url }));
    expect(await off.rephrase({ templateText: 'What is your last name?', stateId: 'askLastName' })).toBe('What is your last name?');
    const on = await createPhraser(config({ FRONTDESK_LLM: 'openai', FRONTDESK_LLM_PHRASING: 'on', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: chat.url }));
    expect(await on.rephrase({ templateText: 'What is your last name?', stateId: 'askLastName' })).toBe('Could you tell me your last name, please?');
    expect(chat.requests).toHaveLength(1);
  });
});
