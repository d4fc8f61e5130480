// The error catalogue: every error a caller of frontdesk code can act on has a code and says whether a retry may help.

export const errorCodes = {
  CONFIG_INVALID: { retryable: false, message: 'Invalid configuration' },
  CONFIG_UNKNOWN_PROVIDER: { retryable: false, message: 'Unknown provider name' },
  CONFIG_MISSING_KEY: { retryable: false, message: 'Missing API key' },
  EHR_UNAVAILABLE: { retryable: true, message: 'The EHR could not be reached' },
  EHR_NOT_VERIFIED: { retryable: false, message: 'PHI call refused: the session holds no verification for this patient' },
  EHR_SLOT_TAKEN: { retryable: false, message: 'That slot was just booked by someone else' },
  EHR_NOT_FOUND: { retryable: false, message: 'No such record for this patient' },
  EHR_INVALID_REQUEST: { retryable: false, message: 'Invalid EHR request' },
  PROVIDER_TIMEOUT: { retryable: true, message: 'The provider did not answer in time' },
  PROVIDER_FAILED: { retryable: true, message: 'The provider failed' },
  PROVIDER_REJECTED: { retryable: false, message: 'The provider rejected the request' },
  EXTRACTION_INVALID: { retryable: true, message: 'The extractor returned output that does not match the schema' },
  AUDIO_INVALID: { retryable: false, message: 'Invalid audio' },
  WIRE_INVALID: { retryable: false, message: 'Malformed message' },
  RECORDING_STORE_FAILED: { retryable: true, message: 'Storing the recording failed' },
  AUDIT_TAMPERED: { retryable: false, message: 'The audit trail does not verify' },
  CALL_LOG_UNREADABLE: { retryable: false, message: 'The call log cannot be read' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class FrontdeskError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, detail?: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    const base = errorCodes[code].message;
    super(detail ? `${base}: ${detail}` : base, { cause: options.cause });
    this.name = 'FrontdeskError';
    this.code = code;
    this.retryable = options.retryable ?? errorCodes[code].retryable;
  }
}

export function isFrontdeskError(error: unknown, code?: ErrorCode): error is FrontdeskError {
  return error instanceof FrontdeskError && (code === undefined || error.code === code);
}

/** HTTP status → retryable, as providers mean it: 4xx are final except 408 and 429. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
