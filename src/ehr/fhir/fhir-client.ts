// FHIR R4 REST over Node's fetch: read, search (following `next` links), conditional create, versioned update, delete; every failure an EHR error from the catalogue.
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { FrontdeskError, isRetryableStatus } from '../../errors.ts';

/** An HTTP answer the adapter may act on (404 gone, 409/412 conflict); still an EHR_UNAVAILABLE to everyone else. */
export class FhirStatusError extends FrontdeskError {
  readonly status: number;
  constructor(status: number, what: string) {
    // Method and resource type only: a search URL holds what the caller said (a last name, a birth date).
    super('EHR_UNAVAILABLE', `${what} answered HTTP ${status}`, { retryable: isRetryableStatus(status) });
    this.status = status;
  }
}

export function hasStatus(error: unknown, ...statuses: number[]): error is FhirStatusError {
  return error instanceof FhirStatusError && statuses.includes(error.status);
}

export interface FhirClientOptions {
  /** Base URL, e.g. https://ehr.example.org/fhir/R4 (no trailing slash needed). */
  baseUrl: string;
  /** Per request, ms. */
  timeoutMs: number;
  /** The Authorization header value for a request, or undefined for none (an open server). */
  authorization?: () => Promise<string | undefined>;
  /** Called after a 401 so the next authorization() fetches a fresh token. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  /** Pages followed at most per search. Default 20. */
  maxPages?: number;
}

export type SearchParameters = Array<[name: string, value: string]>;

export interface Versioned<T> {
  resource: T & { id: string };
  /** The version to send back in If-Match, from ETag or meta.versionId. */
  version: string | undefined;
}

export interface FhirClient {
  read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<Versioned<T>>;
  search<T extends Resource>(resourceType: T['resourceType'], parameters: SearchParameters): Promise<Array<T & { id: string }>>;
  /** POST with If-None-Exist: an existing match is returned instead of a second resource (`created` false). */
  createOnce<T extends Resource>(resource: T, ifNoneExist: string): Promise<Versioned<T> & { created: boolean }>;
  /** PUT with If-Match on `version`: 412 when someone changed it first. */
  update<T extends Resource & { id: string }>(resource: T, version: string | undefined): Promise<Versioned<T>>;
  delete(resourceType: string, id: string): Promise<void>;
}

const fhirJson = 'application/fhir+json';

function versionOf(etag: string | null, resource: Resource | undefined): string | undefined {
  const fromEtag = etag ? /^(?:W\/)?"?([^"]+)"?$/.exec(etag)?.[1] : undefined;
  return fromEtag ?? resource?.meta?.versionId;
}

export function createFhirClient(options: FhirClientOptions): FhirClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const maxPages = options.maxPages ?? 20;

  async function send(
    method: string,
    url: string,
    what: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
    retried = false,
  ): Promise<{ status: number; body: unknown; etag: string | null }> {
    const headers: Record<string, string> = { accept: fhirJson, ...init.headers };
    if (init.body !== undefined) headers['content-type'] = fhirJson;
    const authorization = await options.authorization?.();
    if (authorization) headers.authorization = authorization;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new FrontdeskError('EHR_UNAVAILABLE', `${what} ${timedOut ? `timed out after ${options.timeoutMs} ms` : 'could not reach the server'}`, {
        cause: error,
        retryable: true,
      });
    }
    const text = await response.text().catch(() => '');
    if (response.status === 401 && authorization && !retried) {
      // A token revoked or expired early: fetch a new one once.
      options.onUnauthorized?.();
      return send(method, url, what, init, true);
    }
    if (!response.ok) throw new FhirStatusError(response.status, what);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (error) {
      throw new FrontdeskError('EHR_UNAVAILABLE', `${what} answered with something other than JSON`, { cause: error });
    }
    return { status: response.status, body, etag: response.headers.get('etag') };
  }

  function expectResource<T extends Resource>(body: unknown, resourceType: string, what: string): T & { id: string } {
    const resource = body as (T & { id?: string }) | undefined;
    if (!resource || resource.resourceType !== resourceType || !resource.id) {
      throw new FrontdeskError('EHR_UNAVAILABLE', `${what} answered with ${(resource as OperationOutcome | undefined)?.resourceType ?? 'nothing'}, not a ${resourceType}`);
    }
    return resource as T & { id: string };
  }

  return {
    async read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<Versioned<T>> {
      const what = `FHIR read ${resourceType}`;
      const answer = await send('GET', `${base}/${resourceType}/${encodeURIComponent(id)}`, what);
      const resource = expectResource<T>(answer.body, resourceType, what);
      return { resource, version: versionOf(answer.etag, resource) };
    },

    async search(resourceType, parameters) {
      const what = `FHIR search ${resourceType}`;
      const query = new URLSearchParams(parameters).toString();
      let url: string | undefined = `${base}/${resourceType}${query ? `?${query}` : ''}`;
      const found: Array<Resource & { id: string }> = [];
      for (let page = 0; url && page < maxPages; page += 1) {
        const answer = await send('GET', url, what);
        const bundle = answer.body as Bundle | undefined;
        if (bundle?.resourceType !== 'Bundle') throw new FrontdeskError('EHR_UNAVAILABLE', `${what} answered with something other than a Bundle`);
        for (const entry of bundle.entry ?? []) {
          // Included resources and OperationOutcomes (search mode "include"/"outcome") are not matches.
          if (entry.resource?.resourceType === resourceType && entry.resource.id && entry.search?.mode !== 'include') {
            found.push(entry.resource as Resource & { id: string });
          }
        }
        url = bundle.link?.find((link) => link.relation === 'next')?.url;
      }
      return found as never;
    },

    async createOnce(resource, ifNoneExist) {
      const what = `FHIR create ${resource.resourceType}`;
      const answer = await send('POST', `${base}/${resource.resourceType}`, what, { body: resource, headers: { 'if-none-exist': ifNoneExist } });
      const created = expectResource(answer.body, resource.resourceType, what);
      return { resource: created as never, version: versionOf(answer.etag, created), created: answer.status === 201 };
    },

    async update(resource, version) {
      const what = `FHIR update ${resource.resourceType}`;
      const answer = await send('PUT', `${base}/${resource.resourceType}/${encodeURIComponent(resource.id)}`, what, {
        body: resource,
        headers: version ? { 'if-match': `W/"${version}"` } : {},
      });
      const updated = expectResource(answer.body ?? resource, resource.resourceType, what);
      return { resource: updated as never, version: versionOf(answer.etag, updated) };
    },

    async delete(resourceType, id) {
      await send('DELETE', `${base}/${resourceType}/${encodeURIComponent(id)}`, `FHIR delete ${resourceType}`);
    },
  };
}
