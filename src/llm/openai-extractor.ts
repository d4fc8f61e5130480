// LLM extraction through the OpenAI chat completions API with strict structured outputs: slot values in, never actions.
import OpenAI, { APIConnectionTimeoutError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { FrontdeskError } from '../errors.ts';
import { openAiError } from '../providers/openai-error.ts';
import type { ExtractionInput, Extractor, Understanding } from '../understanding/types.ts';
import { callerMessage, extractionInstructions } from './extraction-prompt.ts';
import { extractionWireSchema, understandingFromModelOutput } from './extraction-schema.ts';

export interface OpenAiExtractorOptions {
  apiKey: string;
  /** Default "gpt-4o-mini": structured outputs, low latency. */
  model?: string;
  /** e.g. "http://127.0.0.1:8080/v1" for a local server or a proxy. */
  baseUrl?: string;
  /** Whole-request limit, ms. Default 1500: past that a caller notices the pause. */
  timeoutMs?: number;
}

/** Built once: the schema does not change between calls (the options and vocabulary travel in the prompt). */
const responseFormat = zodResponseFormat(extractionWireSchema, 'understanding');

/**
 * Creates the LLM extractor. Throws EXTRACTION_INVALID for unparsable or out-of-schema output (including a
 * refusal or a truncated answer), and PROVIDER_TIMEOUT / PROVIDER_FAILED / PROVIDER_REJECTED for transport
 * failures; `withExtractorFallback` turns all of these into a rule-based answer.
 */
export function createOpenAiExtractor(options: OpenAiExtractorOptions): Extractor {
  const model = options.model ?? 'gpt-4o-mini';
  // No SDK retries: within a turn the rules answer sooner than a backoff.
  const client = new OpenAI({ apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs ?? 1500, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}) });

  async function extract(input: ExtractionInput): Promise<Understanding> {
    input.abortSignal?.throwIfAborted();
    const userMessage = callerMessage(input);
    if (userMessage === '') return {};
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(
        {
          model,
          temperature: 0,
          max_completion_tokens: 300,
          response_format: responseFormat,
          messages: [
            { role: 'system', content: extractionInstructions(input.expectation, input.now) },
            { role: 'user', content: userMessage },
          ],
        },
        input.abortSignal ? { signal: input.abortSignal } : {},
      );
    } catch (error) {
      input.abortSignal?.throwIfAborted();
      // Checked by class: the SDK's timeout error keeps the generic name "Error".
      if (error instanceof APIConnectionTimeoutError) throw new FrontdeskError('PROVIDER_TIMEOUT', 'openai chat', { cause: error });
      throw openAiError(error, 'chat');
    }
    const choice = completion.choices[0];
    if (!choice) throw new FrontdeskError('EXTRACTION_INVALID', 'model returned no choice');
    if (choice.message.refusal) throw new FrontdeskError('EXTRACTION_INVALID', 'model refused');
    if (choice.message.tool_calls?.length) throw new FrontdeskError('EXTRACTION_INVALID', 'model attempted a tool call');
    if (choice.finish_reason === 'length') throw new FrontdeskError('EXTRACTION_INVALID', 'model output was cut off');
    const content = choice.message.content;
    if (!content) throw new FrontdeskError('EXTRACTION_INVALID', 'model returned no content');
    return understandingFromModelOutput(content, input.expectation);
  }

  return { name: `openai:${model}`, extract };
}
