// What the OpenAI SDK throws, as catalogue errors: shared by the OpenAI STT, TTS and extractor.
import { APIConnectionTimeoutError, APIError } from 'openai';
import { FrontdeskError, isRetryableStatus } from '../errors.ts';

/** Catalogue error for anything the OpenAI SDK throws; `what` names the call ("transcription", "speech" …). */
export function openAiError(error: unknown, what: string): FrontdeskError {
  if (error instanceof FrontdeskError) return error;
  // Checked first: the SDK's timeout is an APIError subclass without a status.
  if (error instanceof APIConnectionTimeoutError) return new FrontdeskError('PROVIDER_TIMEOUT', `openai ${what}`, { cause: error });
  if (error instanceof APIError && typeof error.status === 'number') {
    const retryable = isRetryableStatus(error.status);
    return new FrontdeskError(retryable ? 'PROVIDER_FAILED' : 'PROVIDER_REJECTED', `openai ${what} answered ${error.status}`, { cause: error, retryable });
  }
  return new FrontdeskError('PROVIDER_FAILED', `openai ${what} connection failed`, { cause: error });
}
