// LLM phrasing: a rewording is spoken only when every number, date, time, name and code survives verbatim; otherwise the template is.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiPhraser } from '../../src/llm/openai-phraser.ts';
import { createTemplatePhraser } from '../../src/llm/phraser.ts';
import { checkPhrasing, protectedPhrases } from '../../src/llm/phrasing-guard.ts';
import { startOpenAiChatServer, type OpenAiChatServer } from '../helpers/openai-chat-server.ts';

const booked = "You're booked for Tuesday, December first at ten thirty AM with Dr. Amara Okafor at Riverside. Your confirmation code is K, 7, Q, 2, X, Z.";
const offered = 'On Tuesday, December first I have ten thirty AM, eleven AM, or two PM. Which time would you like?';

describe('protectedPhrases', () => {
  it('finds the spoken facts of a booking confirmation in order', () => {
    expect(protectedPhrases(booked)).toEqual(['Tuesday', 'December', 'first', 'ten thirty AM', 'Dr', 'Amara', 'Okafor', 'Riverside', 'K, 7, Q, 2, X, Z']);
  });

  it('splits spoken numbers at commas, so each offered time is its own fact', () => {
    expect(protectedPhrases(offered)).toEqual(['Tuesday', 'December', 'first', 'ten thirty AM', 'eleven AM', 'two PM']);
  });

  it('keeps digits and years, and ignores grammar capitals and a pronoun "one"', () => {
    expect(protectedPhrases('I have 2 upcoming appointments. Which one would you like to cancel? Okay, I can do nineteen eighty-five.')).toEqual(['2', 'nineteen eighty-five']);
  });
});

describe('checkPhrasing', () => {
  it('accepts a warmer wording that keeps every fact in order', () => {
    expect(checkPhrasing(booked, "All set! You're booked for Tuesday, December first at ten thirty AM with Dr. Amara Okafor at Riverside. Your confirmation code is K, 7, Q, 2, X, Z.")).toEqual({ ok: true });
    expect(checkPhrasing(offered, 'For Tuesday, December first, I can offer ten thirty AM, eleven AM, or two PM. What time works best for you?')).toEqual({ ok: true });
    expect(checkPhrasing('What is your last name?', 'Could you tell me your last name, please?')).toEqual({ ok: true });
  });

  it.each([
    ['a code character dropped', booked.replace('K, 7, Q, 2, X, Z', 'K, 7, Q, 2, X'), 'missing'],
    ['a code read as a word', booked.replace('K, 7, Q, 2, X, Z', 'K7Q2XZ'), 'missing'],
    ['the time changed', booked.replace('ten thirty AM', 'ten AM'), 'missing'],
    ['the time as digits', booked.replace('ten thirty AM', '10:30 AM'), 'missing'],
    ['the doctor renamed', booked.replace('Dr. Amara Okafor', 'Doctor Okafor'), 'missing'],
    ['the options reordered', 'On Tuesday, December first I have two PM, ten thirty AM, or eleven AM. Which time would you like?', 'missing'],
    ['an option invented', 'On Tuesday, December first I have ten thirty AM, eleven AM, two PM, or three PM. Which time would you like?', 'added'],
    ['a day invented', offered.replace('Which time', 'Or Friday, which time'), 'added'],
    ['the question dropped', 'On Tuesday, December first I have ten thirty AM, eleven AM, or two PM.', 'question'],
    ['markdown', '**On Tuesday, December first** I have ten thirty AM, eleven AM, or two PM. Which time would you like?', 'formatting'],
  ])('refuses %s', (_, candidate, reason) => {
    const template = candidate.includes('booked') || candidate.includes('code') ? booked : offered;
    expect(checkPhrasing(template, candidate)).toEqual({ ok: false, reason });
  });
});

describe('createOpenAiPhraser', () => {
  let server: OpenAiChatServer;
  beforeEach(async () => {
    server = await startOpenAiChatServer();
  });
  afterEach(async () => {
    await server.close();
  });

  function phraser(timeoutMs = 1500) {
    return createOpenAiPhraser({ apiKey: 'sk-local-test', model: 'gpt-4o-mini', baseUrl: server.url, timeoutMs });
  }

  it('speaks a rewording that keeps the facts, having sent only the template and the state', async () => {
    const reworded = "Wonderful, you're all set for Tuesday, December first at ten thirty AM with Dr. Amara Okafor at Riverside. Your confirmation code is K, 7, Q, 2, X, Z.";
    server.reply = { kind: 'content', content: `"${reworded}"` };
    expect(await phraser().rephrase({ templateText: booked, stateId: 'bookingConfirmed' })).toBe(reworded);
    const { body } = server.requests[0]!;
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.messages?.[1]).toEqual({ role: 'user', content: booked });
    expect(body.messages?.[0]?.content).toContain('exactly as written, in the same order');
    expect(body.messages?.[0]?.content).toContain('"bookingConfirmed"');
    expect(body.tools).toBeUndefined();
  });

  it('speaks the template when the rewording changed a time or a code character', async () => {
    server.reply = { kind: 'content', content: booked.replace('ten thirty AM', 'ten AM') };
    expect(await phraser().rephrase({ templateText: booked, stateId: 'bookingConfirmed' })).toBe(booked);
    server.reply = { kind: 'content', content: booked.replace('Q, 2', 'Q, Z') };
    expect(await phraser().rephrase({ templateText: booked, stateId: 'bookingConfirmed' })).toBe(booked);
  });

  it('speaks the template on a 500 and on a dropped connection', async () => {
    server.reply = { kind: 'status', status: 500 };
    expect(await phraser().rephrase({ templateText: offered, stateId: 'offerSlots' })).toBe(offered);
    server.reply = { kind: 'drop' };
    expect(await phraser().rephrase({ templateText: offered, stateId: 'offerSlots' })).toBe(offered);
  });

  it('speaks the template within the timeout when the model stalls', async () => {
    server.reply = { kind: 'stall' };
    const started = performance.now();
    expect(await phraser(300).rephrase({ templateText: offered, stateId: 'offerSlots' })).toBe(offered);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(900);
  });

  it('speaks the template at once on barge-in', async () => {
    server.reply = { kind: 'stall' };
    const controller = new AbortController();
    const pending = phraser(5000).rephrase({ templateText: offered, stateId: 'offerSlots', abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    expect(await pending).toBe(offered);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('reuses the rewording of a fact-free prompt, but asks again for replies that carry facts', async () => {
    server.reply = { kind: 'content', content: 'Could you tell me your last name, please?' };
    const instance = phraser();
    for (let turn = 0; turn < 3; turn += 1) {
      expect(await instance.rephrase({ templateText: 'What is your last name?', stateId: 'askLastName' })).toBe('Could you tell me your last name, please?');
    }
    expect(server.requests).toHaveLength(1);
    server.reply = { kind: 'content', content: offered };
    await instance.rephrase({ templateText: offered, stateId: 'offerSlots' });
    await instance.rephrase({ templateText: offered, stateId: 'offerSlots' });
    expect(server.requests).toHaveLength(3);
  });
});

describe('createTemplatePhraser', () => {
  it('speaks templates as written', async () => {
    expect(await createTemplatePhraser().rephrase({ templateText: booked, stateId: 'bookingConfirmed' })).toBe(booked);
  });
});
