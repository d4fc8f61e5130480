// The OpenAI extractor through the real SDK against a local chat completions server: the request it sends and what it accepts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrontdeskError } from '../../src/errors.ts';
import { createOpenAiExtractor } from '../../src/llm/openai-extractor.ts';
import type { Expectation, ExtractionInput } from '../../src/understanding/types.ts';
import { modelAnswer, startOpenAiChatServer, type OpenAiChatServer } from '../helpers/openai-chat-server.ts';

let server: OpenAiChatServer;
beforeEach(async () => {
  server = await startOpenAiChatServer();
});
afterEach(async () => {
  await server.close();
});

const now = '2026-11-25T10:15';
const vocabulary = { locations: ['Downtown', 'Riverside'], providerNames: ['Dr. Amara Okafor', 'Dr. Lee Chen'] };
const slotExpectation: Expectation = {
  slots: ['choice', 'time'],
  options: [
    { label: 'ten thirty AM', date: '2026-12-01', time: '10:30' },
    { label: 'two PM', date: '2026-12-01', time: '14:00' },
  ],
  vocabulary,
};

function extractor(options: { timeoutMs?: number; model?: string } = {}) {
  return createOpenAiExtractor({ apiKey: 'sk-local-test', baseUrl: server.url, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<FrontdeskError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FrontdeskError);
  return error as FrontdeskError;
}

describe('createOpenAiExtractor request', () => {
  it('asks the configured model for strict JSON-schema output with the expectation, the options and the date in the system prompt', async () => {
    server.reply = { kind: 'content', content: modelAnswer({ choice: 1 }) };
    await extractor({ model: 'gpt-4o-mini' }).extract({ text: 'the two o clock one please', expectation: slotExpectation, now });

    expect(server.requests).toHaveLength(1);
    const { body, authorization } = server.requests[0]!;
    expect(authorization).toBe('Bearer sk-local-test');
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.temperature).toBe(0);
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.response_format?.json_schema?.strict).toBe(true);
    const schema = body.response_format!.json_schema!.schema as { required: string[]; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['intent', 'lastName', 'dateOfBirth', 'phone', 'choice', 'emergency', 'humanRequested']));
    // Never a tool call: no tools are offered at all.
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();

    const [system, user] = body.messages!;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('Wednesday 2026-11-25, 10:15');
    expect(system?.content).toContain('choice (which of the offered options they pick); time (the time of the appointment)');
    expect(system?.content).toContain('0: "ten thirty AM" (date 2026-12-01, time 10:30)');
    expect(system?.content).toContain('1: "two PM" (date 2026-12-01, time 14:00)');
    expect(system?.content).toContain('0-based');
    expect(system?.content).toContain('Downtown; Riverside');
    expect(system?.content).toContain('Extract only');
    expect(system?.content).toMatch(/never decide what happens next/);
    expect(system?.content).toMatch(/not sure/);
    // It is never asked to pick a state, a transition, a tool, or what to say.
    expect(system?.content).not.toMatch(/transition|next state|tool|function|respond with a reply|what to say/i);
    expect(user).toEqual({ role: 'user', content: 'Caller said: "the two o clock one please"' });
  });

  it('sends keypad digits along with the words, and sends nothing for an empty turn', async () => {
    server.reply = { kind: 'content', content: modelAnswer({}) };
    await extractor().extract({ text: 'it is', dtmf: '2', expectation: slotExpectation, now });
    expect(server.requests[0]?.body.messages?.[1]?.content).toBe('Caller said: "it is"\nKeypad digits pressed: 2');
    expect(await extractor().extract({ text: '  ', expectation: slotExpectation, now })).toEqual({});
    expect(server.requests).toHaveLength(1);
  });
});

describe('createOpenAiExtractor output', () => {
  it('returns the validated values with nulls and false interrupts dropped, names upper-cased and phones normalised', async () => {
    server.reply = {
      kind: 'content',
      content: modelAnswer({ lastName: 'Okafor-Smith', dateOfBirth: { year: 1985, month: 3, day: null }, phone: '+1 (555) 010-1234', emergency: false, repeatRequested: false }),
    };
    const understanding = await extractor().extract({ text: 'Okafor-Smith, March 1985, 555 010 1234', expectation: { slots: ['lastName', 'dateOfBirth', 'phone'] }, now });
    expect(understanding).toEqual({ lastName: 'OKAFOR-SMITH', dateOfBirth: { year: 1985, month: 3 }, phone: '+15550101234' });
  });

  it('accepts a choice among the offered options and a location spelled differently, returned as the clinic spells it', async () => {
    server.reply = { kind: 'content', content: modelAnswer({ choice: 1, time: '14:00', location: 'riverside' }) };
    expect(await extractor().extract({ text: 'two pm at riverside', expectation: slotExpectation, now })).toEqual({ choice: 1, time: '14:00', location: 'Riverside' });
  });

  it.each([
    ['text that is not JSON', { kind: 'content' as const, content: 'Sure! The caller wants 2pm.' }],
    ['a missing field', { kind: 'content' as const, content: JSON.stringify({ choice: 1 }) }],
    ['an extra field', { kind: 'content' as const, content: modelAnswer({ nextState: 'booking' }) }],
    ['a phone that is not E.164', { kind: 'content' as const, content: modelAnswer({ phone: '555-0101' }) }],
    ['a date that is not YYYY-MM-DD', { kind: 'content' as const, content: modelAnswer({ date: 'next Tuesday' }) }],
    ['a choice beyond the options offered', { kind: 'content' as const, content: modelAnswer({ choice: 2 }) }],
    ['a location the clinic does not have', { kind: 'content' as const, content: modelAnswer({ location: 'Uptown' }) }],
    ['a refusal', { kind: 'refusal' as const, refusal: "I'm sorry, I can't help with that." }],
    ['an answer cut off by the token limit', { kind: 'content' as const, content: '{"intent":"book","lastName":', finishReason: 'length' as const }],
  ])('refuses %s with EXTRACTION_INVALID', async (_, reply) => {
    server.reply = reply;
    const error = await rejection(extractor().extract({ text: 'two pm at uptown', expectation: slotExpectation, now }));
    expect(error.code).toBe('EXTRACTION_INVALID');
    expect(error.retryable).toBe(true);
    // The detail names fields, never the caller's values.
    expect(error.message).not.toMatch(/555-0101|Uptown|next Tuesday/);
  });
});

describe('createOpenAiExtractor failures', () => {
  it('maps 5xx to a retryable PROVIDER_FAILED and 4xx to PROVIDER_REJECTED', async () => {
    server.reply = { kind: 'status', status: 500 };
    const failed = await rejection(extractor().extract({ text: 'hello', expectation: { slots: ['intent'] }, now }));
    expect(failed).toMatchObject({ code: 'PROVIDER_FAILED', retryable: true });
    server.reply = { kind: 'status', status: 401 };
    const rejected = await rejection(extractor().extract({ text: 'hello', expectation: { slots: ['intent'] }, now }));
    expect(rejected).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    // One request each: no SDK retries inside a live turn.
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a stalled server after its timeout with PROVIDER_TIMEOUT', async () => {
    server.reply = { kind: 'stall' };
    const started = performance.now();
    const error = await rejection(extractor({ timeoutMs: 300 }).extract({ text: 'hello', expectation: { slots: ['intent'] }, now }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('PROVIDER_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1000);
  });

  it('stops at once when the caller aborts, with the abort rather than a provider error', async () => {
    server.reply = { kind: 'stall' };
    const controller = new AbortController();
    const input: ExtractionInput = { text: 'hello', expectation: { slots: ['intent'] }, now, abortSignal: controller.signal };
    const pending = extractor({ timeoutMs: 5000 }).extract(input);
    setTimeout(() => controller.abort(new Error('caller hung up')), 50);
    const started = performance.now();
    await expect(pending).rejects.toThrow('caller hung up');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
