// Twilio request signatures: HMAC-SHA1 of the full URL plus the sorted POST parameters, base64, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

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
