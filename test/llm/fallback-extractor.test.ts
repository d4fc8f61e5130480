// The LLM extractor with the rules behind it: every LLM failure answers from the rules within the timeout, and rule-caught emergencies always win.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withExtractorFallback, type FallbackReason } from '../../src/llm/fallback-extractor.ts';
import { createOpenAiExtractor } from '../../src/llm/openai-extractor.ts';
import { createLogger } from '../../src/log.ts';
import { createRuleExtractor, extractWithRules } from '../../src/understanding/rule-extractor.ts';
import type { ExtractionInput } from '../../src/understanding/types.ts';
import { modelAnswer, startOpenAiChatServer, type OpenAiChatServer } from '../helpers/openai-chat-server.ts';

let server: OpenAiChatServer;
beforeEach(async () => {
  server = await startOpenAiChatServer();
});
afterEach(async () => {
  await server.close();
});

const now = '2026-11-25T10:15';

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

function setup(options: { timeoutMs?: number; llmTimeoutMs?: number } = {}) {
  const { logger, lines } = capturedLogger();
  const reasons: FallbackReason[] = [];
  const llm = createOpenAiExtractor({ apiKey: 'sk-local-test', baseUrl: server.url, timeoutMs: options.llmTimeoutMs ?? 5000 });
  const extractor = withExtractorFallback(llm, createRuleExtractor(), {
    timeoutMs: options.timeoutMs ?? 1500,
    logger,
    onFallback: (event) => reasons.push(event.reason),
  });
  return { extractor, lines, reasons };
}

const lastNameTurn: ExtractionInput = { text: 'my last name is Whitfield', expectation: { slots: ['lastName'] }, now };

describe('withExtractorFallback', () => {
  it("returns the LLM's answer when it is valid", async () => {
    const { extractor, reasons } = setup();
    // Something the rules cannot read, so the answer visibly comes from the model.
    server.reply = { kind: 'content', content: modelAnswer({ specialty: 'cardiology', intent: 'book' }) };
    const input: ExtractionInput = { text: 'I want to get my ticker looked at', expectation: { slots: ['intent', 'specialty'] }, now };
    expect(extractWithRules(input).specialty).toBeUndefined();
    expect(await extractor.extract(input)).toEqual({ specialty: 'cardiology', intent: 'book' });
    expect(reasons).toEqual([]);
  });

  it('answers from the rules when the LLM output is invalid, and logs the reason without what was said', async () => {
    const { extractor, lines, reasons } = setup();
    server.reply = { kind: 'content', content: '{"lastName": "WHITFIELD"' };
    expect(await extractor.extract(lastNameTurn)).toEqual(extractWithRules(lastNameTurn));
    expect(extractWithRules(lastNameTurn).lastName).toBe('WHITFIELD');
    expect(reasons).toEqual(['invalid']);
    const log = lines.join('');
    expect(log).toContain('extractor fell back');
    expect(log).toContain('"fallbackReason":"invalid"');
    expect(log.toLowerCase()).not.toContain('whitfield');
  });

  it('answers from the rules on a 500', async () => {
    const { extractor, reasons, lines } = setup();
    server.reply = { kind: 'status', status: 500 };
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD' });
    expect(reasons).toEqual(['failed']);
    expect(lines.join('')).toContain('"code":"PROVIDER_FAILED"');
  });

  it('answers from the rules on a 4xx and on a dropped connection', async () => {
    const { extractor, reasons } = setup();
    server.reply = { kind: 'status', status: 429 };
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD' });
    server.reply = { kind: 'status', status: 400 };
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD' });
    server.reply = { kind: 'drop' };
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD' });
    expect(reasons).toEqual(['failed', 'rejected', 'failed']);
  });

  it('answers from the rules within the timeout when the LLM stalls', async () => {
    const { extractor, reasons } = setup({ timeoutMs: 400 });
    server.reply = { kind: 'stall' };
    const started = performance.now();
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(700);
    expect(reasons).toEqual(['timeout']);
  });

  it('keeps answering on later turns after a fallback: each utterance tries the LLM again', async () => {
    const { extractor, reasons } = setup({ timeoutMs: 300 });
    server.reply = { kind: 'stall' };
    await extractor.extract(lastNameTurn);
    server.reply = { kind: 'content', content: modelAnswer({ lastName: 'WHITFIELD-JONES' }) };
    expect(await extractor.extract(lastNameTurn)).toEqual({ lastName: 'WHITFIELD-JONES' });
    expect(server.requests).toHaveLength(2);
    expect(reasons).toEqual(['timeout']);
  });

  it('lets an emergency the rules caught win over an LLM that missed it', async () => {
    const { extractor } = setup();
    server.reply = { kind: 'content', content: modelAnswer({ intent: 'book', emergency: false }), delayMs: 50 };
    const input: ExtractionInput = { text: "I'd like to book an appointment, I've got chest pain right now", expectation: { slots: ['intent'] }, now };
    const understanding = await extractor.extract(input);
    expect(understanding.emergency).toBe(true);
  });

  it('does not wait for the model once the rules hear an emergency', async () => {
    const { extractor } = setup({ timeoutMs: 3000 });
    server.reply = { kind: 'content', content: modelAnswer({}), delayMs: 2000 };
    const started = performance.now();
    const understanding = await extractor.extract({ text: "my husband is not breathing", expectation: { slots: ['intent'] }, now });
    expect(understanding.emergency).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('ORs in a request for a person the rules heard', async () => {
    const { extractor } = setup();
    server.reply = { kind: 'content', content: modelAnswer({ intent: 'cancel' }) };
    expect(await extractor.extract({ text: 'I want to cancel, actually let me talk to a real person', expectation: { slots: ['intent'] }, now })).toEqual({ intent: 'cancel', humanRequested: true });
  });

  it('reads keypad-only turns with the rules and sends nothing to the model', async () => {
    const { extractor } = setup();
    expect(await extractor.extract({ dtmf: '01151985', expectation: { slots: ['dateOfBirth'] }, now })).toEqual({ dateOfBirth: { year: 1985, month: 1, day: 15 } });
    expect(server.requests).toHaveLength(0);
  });

  it('passes the caller abort through instead of falling back', async () => {
    const { extractor, reasons } = setup({ timeoutMs: 3000 });
    server.reply = { kind: 'stall' };
    const controller = new AbortController();
    const pending = extractor.extract({ ...lastNameTurn, abortSignal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller hung up')), 50);
    await expect(pending).rejects.toThrow('caller hung up');
    expect(reasons).toEqual([]);
  });
});
