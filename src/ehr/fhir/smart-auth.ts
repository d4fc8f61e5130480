// SMART Backend Services: a client assertion JWT (RS384 or ES384, with kid) exchanged for an access token by client_credentials, cached until shortly before it expires.
import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { FrontdeskError, isRetryableStatus } from '../../errors.ts';

export interface SmartAuthOptions {
  /** FHIR base URL; the token endpoint is read from `<base>/.well-known/smart-configuration` unless `tokenUrl` is given. */
  baseUrl: string;
  clientId: string;
  /** PKCS#8 (or PKCS#1 / SEC1) PEM of an RSA key or a P-384 EC key. */
  privateKeyPem: string;
  /** The `kid` the server knows the public key by; default the key's RFC 7638 thumbprint. */
  keyId?: string;
  tokenUrl?: string;
  /** Space-separated scopes. */
  scope: string;
  /** Per request, ms. */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Epoch ms for the token cache (tests); assertions are always stamped with the real time the server checks them against. */
  now?: () => number;
}

export interface SmartAuth {
  /** "Bearer …" for the next request, from the cache or a fresh token. */
  authorization(): Promise<string>;
  /** Forgets the cached token (after a 401). */
  invalidate(): void;
  /** The token endpoint in use, once known. */
  tokenUrl(): string | undefined;
}

/** A token is renewed this long before it expires, ms, so a request never carries one that lapses in flight. */
export const tokenRenewalMarginMs = 60_000;

interface SigningKey {
  key: KeyObject;
  algorithm: 'RS384' | 'ES384';
}

/** RSA keys sign RS384; EC keys must be P-384 and sign ES384 (the two algorithms SMART Backend Services requires servers to accept). */
export function signingKeyOf(pem: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new FrontdeskError('CONFIG_INVALID', 'FRONTDESK_FHIR_PRIVATE_KEY is not a PEM private key', { cause: error });
  }
  if (key.asymmetricKeyType === 'rsa') return { key, algorithm: 'RS384' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return { key, algorithm: 'ES384' };
  throw new FrontdeskError('CONFIG_INVALID', 'FRONTDESK_FHIR_PRIVATE_KEY must be an RSA key (RS384) or a P-384 EC key (ES384)');
}

export function createSmartAuth(options: SmartAuthOptions): SmartAuth {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const signing = signingKeyOf(options.privateKeyPem);
  let keyId: Promise<string> | undefined;
  let tokenUrl = options.tokenUrl;
  let cached: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const keyIdOf = () =>
    (keyId ??= options.keyId ? Promise.resolve(options.keyId) : exportJWK(createPublicKey(signing.key)).then((jwk) => calculateJwkThumbprint(jwk)));

  async function call(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'error' });
    } catch (error) {
      throw new FrontdeskError('EHR_UNAVAILABLE', `${what} could not be reached`, { cause: error, retryable: true });
    }
  }

  async function discoverTokenUrl(): Promise<string> {
    if (tokenUrl) return tokenUrl;
    const what = 'SMART discovery (.well-known/smart-configuration)';
    const response = await call(`${options.baseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`, { headers: { accept: 'application/json' } }, what);
    if (!response.ok) throw new FrontdeskError('EHR_UNAVAILABLE', `${what} answered HTTP ${response.status}; set FRONTDESK_FHIR_TOKEN_URL`, { retryable: isRetryableStatus(response.status) });
    const document = (await response.json().catch(() => undefined)) as { token_endpoint?: unknown } | undefined;
    if (typeof document?.token_endpoint !== 'string') throw new FrontdeskError('EHR_UNAVAILABLE', `${what} names no token_endpoint; set FRONTDESK_FHIR_TOKEN_URL`);
    tokenUrl = document.token_endpoint;
    return tokenUrl;
  }

  async function fetchToken(): Promise<string> {
    const url = await discoverTokenUrl();
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: signing.algorithm, kid: await keyIdOf(), typ: 'JWT' })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience(url)
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(Date.now() / 1000))
      // At most five minutes, as the SMART Backend Services profile asks.
      .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
      .sign(signing.key);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: options.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    const response = await call(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form }, 'the token endpoint');
    const body = (await response.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (!response.ok || typeof body?.access_token !== 'string') {
      // The OAuth error code ("invalid_client") says what to fix and carries no secret; the description may echo input, so it stays out.
      const code = typeof body?.error === 'string' ? ` (${body.error.replace(/[^\w.-]/g, '').slice(0, 40)})` : '';
      throw new FrontdeskError('EHR_UNAVAILABLE', `the token endpoint refused the client${code}, HTTP ${response.status}`, {
        retryable: isRetryableStatus(response.status),
      });
    }
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300) * 1000;
    cached = { value: `Bearer ${body.access_token}`, renewAt: now() + Math.max(lifetimeMs - tokenRenewalMarginMs, lifetimeMs / 2) };
    return cached.value;
  }

  return {
    async authorization() {
      if (cached && now() < cached.renewAt) return cached.value;
      // Concurrent requests share one token request.
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    tokenUrl: () => tokenUrl,
  };
}
