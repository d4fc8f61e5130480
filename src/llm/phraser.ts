// The Phraser type (turning a reply template into what is spoken) and the phraser that speaks templates as written.

export interface PhrasingRequest {
  /** What the reply template says, already formatted for the ear. */
  templateText: string;
  /** The call state the reply belongs to (e.g. "askDate"): tone only, never PHI. */
  stateId: string;
  /** Barge-in or hang-up: stop waiting and return the template. */
  abortSignal?: AbortSignal;
}

export interface Phraser {
  readonly name: string;
  /** Never rejects: on any failure the template text itself is returned. */
  rephrase(request: PhrasingRequest): Promise<string>;
}

/** Speaks every template exactly as written (no LLM configured). */
export function createTemplatePhraser(): Phraser {
  return { name: 'template', rephrase: async (request) => request.templateText };
}
