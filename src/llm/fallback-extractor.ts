// An LLM extractor backed by the rules: any failure answers from the rules for that utterance, and rule-caught interrupts always win.
import { FrontdeskError, isFrontdeskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ExtractionInput, Extractor, Understanding } from '../understanding/types.ts';

/** Interrupts the rules catch deterministically; a model that misses "chest pain" must not hide them. */
export const safetyInterrupts = ['emergency', 'humanRequested', 'clinicalQuestion'] as const;

export type FallbackReason = 'timeout' | 'failed' | 'rejected' | 'invalid';

export interface ExtractorFallbackOptions {
  /** Longest wait for the primary before the fallback's answer is used, ms. Default 1500. */
  timeoutMs?: number;
  logger?: Logger;
  /** Observes each fallback (metrics); receives no utterance text. */
  onFallback?: (event: { primary: string; fallback: string; reason: FallbackReason; code?: string }) => void;
}

function reasonOf(error: unknown): FallbackReason {
  if (isFrontdeskError(error, 'PROVIDER_TIMEOUT')) return 'timeout';
  if (isFrontdeskError(error, 'EXTRACTION_INVALID')) return 'invalid';
  if (isFrontdeskError(error, 'PROVIDER_REJECTED')) return 'rejected';
  return 'failed';
}

/**
 * Wraps `primary` (the LLM) with `fallback` (the rules). Per utterance:
 * - keypad-only input goes straight to the fallback: digits are exact and need no model round trip;
 * - the fallback runs alongside the primary (it is cheap and deterministic); if it finds an emergency the answer
 *   is returned at once without waiting for the model;
 * - a primary timeout, transport error, 4xx/5xx or invalid output returns the fallback's answer;
 * - otherwise the primary's answer is returned with the fallback's safety interrupts OR-ed in.
 * The caller's abort signal is honoured and never turned into a fallback.
 */
export function withExtractorFallback(primary: Extractor, fallback: Extractor, options: ExtractorFallbackOptions = {}): Extractor {
  const timeoutMs = options.timeoutMs ?? 1500;

  function report(error: unknown, elapsedMs: number) {
    const reason = reasonOf(error);
    const code = isFrontdeskError(error) ? error.code : undefined;
    // Codes, names and timings only: the error message could echo what the caller said.
    // ("fallbackReason", not "reason": the logger redacts "reason" as a visit reason.)
    options.logger?.warn({ extractor: primary.name, fallback: fallback.name, fallbackReason: reason, code, elapsedMs }, 'extractor fell back');
    options.onFallback?.({ primary: primary.name, fallback: fallback.name, reason, ...(code ? { code } : {}) });
  }

  async function extract(input: ExtractionInput): Promise<Understanding> {
    input.abortSignal?.throwIfAborted();
    if (!input.text?.trim()) return fallback.extract(input);

    const started = performance.now();
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(input.abortSignal?.reason);
    input.abortSignal?.addEventListener('abort', forwardAbort, { once: true });
    const ruled = fallback.extract(input).then(
      (understanding) => ({ understanding }),
      (error: unknown) => ({ error }),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      const primaryAnswer = primary.extract({ ...input, abortSignal: controller.signal }).then(
        (understanding) => ({ source: 'primary' as const, understanding }),
        (error: unknown) => ({ source: 'primary' as const, error }),
      );
      const expired = new Promise<{ source: 'timer' }>((resolve) => {
        timer = setTimeout(() => resolve({ source: 'timer' }), timeoutMs);
      });
      const emergency = ruled.then((rules) => ('understanding' in rules && rules.understanding.emergency ? { source: 'emergency' as const, understanding: rules.understanding } : new Promise<never>(() => {})));

      const first = await Promise.race([primaryAnswer, expired, emergency]);
      input.abortSignal?.throwIfAborted();
      if (first.source === 'emergency') {
        controller.abort();
        return first.understanding;
      }
      const failure =
        first.source === 'timer' ? new FrontdeskError('PROVIDER_TIMEOUT', `${primary.name} extraction after ${timeoutMs} ms`) : 'error' in first ? first.error : undefined;
      const rules = await ruled;
      if (failure !== undefined || !('understanding' in first)) {
        controller.abort();
        report(failure, Math.round(performance.now() - started));
        if ('error' in rules) throw rules.error;
        return rules.understanding;
      }
      if ('error' in rules) return first.understanding;
      const merged: Understanding = { ...first.understanding };
      for (const flag of safetyInterrupts) if (rules.understanding[flag]) merged[flag] = true;
      return merged;
    } finally {
      clearTimeout(timer);
      input.abortSignal?.removeEventListener('abort', forwardAbort);
    }
  }

  return { name: `${primary.name}>${fallback.name}`, extract };
}
