// Twilio request signatures: HMAC-SHA1 of the full URL plus the sorted POST parameters, base64, compared in constant time; and the route hook that refuses unsigned requests.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** POST parameters as a form parser gives them; a repeated name carries several values. */
export type TwilioParams = Record<string, string | string[] | undefined>;

/** The X-Twilio-Signature Twilio sends for `url` (as Twilio requested it, query included) and its form parameters. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams = {}): string {
  // Twilio appends each parameter as name + value, names sorted; a repeated name's values are sorted too.
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = value === undefined ? [] : Array.isArray(value) ? [...value].sort() : [value];
    for (const each of values) data += name + each;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** True when `signature` is the one Twilio would send for this request. */
export function isValidTwilioSignature(authToken: string, url: string, params: TwilioParams, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const hostPattern = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The http(s) origin Twilio used to reach us: FRONTDESK_PUBLIC_URL when set, else the Host header and X-Forwarded-Proto; undefined for a malformed Host. */
export function twilioPublicOrigin(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl;
  const host = request.headers.host;
  if (!host || !hostPattern.test(host)) return undefined;
  const forwarded = request.headers['x-forwarded-proto'];
  const protocol = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return `${protocol === 'https' ? 'https' : request.protocol}://${host}`;
}

/** The same origin as a WebSocket URL: https → wss, http → ws. */
export function webSocketOrigin(origin: string): string {
  return origin.replace(/^http/, 'ws');
}

export interface TwilioSignatureCheckOptions {
  authToken: string;
  /** FRONTDESK_PUBLIC_URL, when set. */
  publicUrl: string | undefined;
  /**
   * "webhook": a form POST, signed over its https URL and its parameters. "media-stream": the GET that upgrades to a
   * Media Stream, which Twilio signs over the wss:// URL (scheme, host, path, query) with no parameters.
   */
  request: 'webhook' | 'media-stream';
  /** The route pattern for the warning (never the URL: a query could carry PHI). */
  route: string;
}

/**
 * A preValidation hook (the form body is parsed by then; a WebSocket upgrade is still a plain HTTP request) that answers
 * 403 to a request whose X-Twilio-Signature does not match, and 400 when the origin cannot be known.
 */
export function twilioSignatureCheck(options: TwilioSignatureCheckOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const origin = twilioPublicOrigin(request, options.publicUrl);
    if (!origin) {
      request.log.warn({ route: options.route }, 'Twilio request without a usable Host header; set FRONTDESK_PUBLIC_URL');
      await reply.code(400).send({ error: 'missing or malformed Host header; set FRONTDESK_PUBLIC_URL' });
      return;
    }
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    const isMediaStream = options.request === 'media-stream';
    const url = `${isMediaStream ? webSocketOrigin(origin) : origin}${request.url}`;
    const params = !isMediaStream && request.body && typeof request.body === 'object' ? (request.body as TwilioParams) : {};
    if (isValidTwilioSignature(options.authToken, url, params, signature)) return;
    request.log.warn({ route: options.route, signaturePresent: Boolean(signature) }, 'Twilio signature did not match');
    await reply.code(403).send({ error: 'invalid Twilio signature' });
  };
}
