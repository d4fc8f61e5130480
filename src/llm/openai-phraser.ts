// Optional LLM phrasing: a warmer wording of each reply template, spoken only if it keeps every fact verbatim, else the template.
import OpenAI from 'openai';
import type { Logger } from '../log.ts';
import type { Phraser, PhrasingRequest } from './phraser.ts';
import { checkPhrasing, protectedPhrases } from './phrasing-guard.ts';

export interface OpenAiPhraserOptions {
  apiKey: string;
  /** Default "gpt-4o-mini". */
  model?: string;
  /** e.g. "http://127.0.0.1:8080/v1" for a local server or a proxy. */
  baseUrl?: string;
  /** Longest wait before the template is spoken as is, ms. Default 1200. */
  timeoutMs?: number;
  logger?: Logger;
  /** Rephrasings of fact-free templates ("What is your last name?") kept for reuse; default 200, 0 disables. */
  cacheSize?: number;
}

const instructions = [
  "You reword one thing a clinic's automated phone receptionist is about to say, so it sounds warm and natural when spoken aloud.",
  'Rules:',
  '- Keep the meaning exactly. Add no facts, offers, apologies for things not mentioned, or questions; drop nothing.',
  '- Keep every name, day, month, place, number word, time (for example "ten thirty AM") and spelled-out code (for example "K, 7, Q") exactly as written, in the same order.',
  '- If the text asks a question, your text must ask the same question; if it does not, yours must not.',
  '- At most two short sentences more than the original. Plain text only: no lists, quotes, markdown or emoji.',
  'Reply with the reworded text only.',
].join('\n');

/**
 * Creates the phraser. Each reply costs one chat completion, so set `timeoutMs` with the caller's pause in mind;
 * on a timeout, an error, an abort or a wording that fails `checkPhrasing`, the template is returned unchanged.
 */
export function createOpenAiPhraser(options: OpenAiPhraserOptions): Phraser {
  const model = options.model ?? 'gpt-4o-mini';
  const timeoutMs = options.timeoutMs ?? 1200;
  const cacheSize = options.cacheSize ?? 200;
  const client = new OpenAI({ apiKey: options.apiKey, maxRetries: 0, timeout: timeoutMs, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}) });
  // Only templates without facts are cached: they carry no PHI and recur in every call.
  const cache = new Map<string, string>();

  function keep(stateId: string, reason: string): void {
    options.logger?.debug({ phraser: `openai:${model}`, stateId, phrasingRejected: reason }, 'phrasing kept the template');
  }

  async function rephrase(request: PhrasingRequest): Promise<string> {
    const template = request.templateText;
    if (template.trim() === '' || request.abortSignal?.aborted) return template;
    const cacheable = cacheSize > 0 && protectedPhrases(template).length === 0;
    const cached = cacheable ? cache.get(template) : undefined;
    if (cached !== undefined) return cached;

    let candidate: string;
    try {
      const completion = await client.chat.completions.create(
        {
          model,
          temperature: 0.4,
          max_completion_tokens: Math.min(400, Math.ceil(template.length / 2) + 60),
          messages: [
            { role: 'system', content: `${instructions}\nThe call is at step "${request.stateId}".` },
            { role: 'user', content: template },
          ],
        },
        request.abortSignal ? { signal: request.abortSignal } : {},
      );
      const choice = completion.choices[0];
      if (!choice?.message.content || choice.finish_reason !== 'stop') {
        keep(request.stateId, 'no-answer');
        return template;
      }
      candidate = choice.message.content.trim().replace(/^["“](.*)["”]$/s, '$1').replace(/\s+/g, ' ');
    } catch (error) {
      keep(request.stateId, request.abortSignal?.aborted ? 'aborted' : error instanceof Error ? error.constructor.name : 'error');
      return template;
    }
    const verdict = checkPhrasing(template, candidate);
    if (!verdict.ok) {
      keep(request.stateId, verdict.reason);
      return template;
    }
    if (cacheable) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(template, candidate);
    }
    return candidate;
  }

  return { name: `openai:${model}`, rephrase };
}
