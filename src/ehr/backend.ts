// What the call runtime opens as an EHR: the `Ehr` calls plus vocabulary for the extractor and recogniser, and a self-diagnosis for `ehr check`.
import type { EhrVocabulary } from './sqlite-ehr.ts';
import type { Ehr } from './types.ts';

/** What `ehr check` can say about a backend beyond the calls of the `Ehr` interface. */
export interface EhrDiagnosis {
  backend: string;
  /** A file path or base URL. */
  endpoint: string;
  /** How requests are authenticated, in words. */
  authentication: string;
  /** Whether a token could be had; absent when the backend needs none. */
  authenticated?: boolean;
  /** Searches the server refused; the backend went on without them. */
  refusedSearches: string[];
}

/** An `Ehr` as the call runtime opens it: plus the names it offers the extractor and the recogniser. */
export interface EhrBackend extends Ehr {
  listVocabulary(): Promise<EhrVocabulary>;
  /** Last names for the offline recogniser's grammar; in-process only, never logged. */
  listPatientLastNames(): Promise<string[]>;
  diagnose?(): Promise<EhrDiagnosis>;
}
