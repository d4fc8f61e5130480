// POST /twilio/voice: the webhook Twilio calls for an incoming call; answers TwiML that streams the call's audio to /twilio/media.
import formBody from '@fastify/formbody';
import type { FastifyRequest } from 'fastify';
import type { FrontdeskRoutePlugin } from '../app.ts';
import { isValidTwilioSignature, type TwilioParams } from '../twilio-signature.ts';

/** Where Twilio Media Streams connect; the voice loop serves it. */
export const twilioMediaPath = '/twilio/media';

const hostPattern = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The origin Twilio used to reach us: FRONTDESK_PUBLIC_URL when set, else the Host header and X-Forwarded-Proto. */
function publicOrigin(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl;
  const host = request.headers.host;
  if (!host || !hostPattern.test(host)) return undefined;
  const forwarded = request.headers['x-forwarded-proto'];
  const protocol = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return `${protocol === 'https' ? 'https' : request.protocol}://${host}`;
}

/** The TwiML that connects the call to a bidirectional Media Stream at `streamUrl`. */
export function connectStreamTwiml(streamUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Connect><Stream url="${escapeXml(streamUrl)}"/></Connect></Response>\n`;
}

export const twilioVoiceRoute: FrontdeskRoutePlugin = async (app, context) => {
  await app.register(formBody);

  app.post('/twilio/voice', async (request, reply) => {
    const origin = publicOrigin(request, context.config.server.publicUrl);
    if (!origin) return reply.code(400).send({ error: 'missing or malformed Host header; set FRONTDESK_PUBLIC_URL' });
    const authToken = context.config.twilio.authToken;
    if (authToken) {
      const signature = request.headers['x-twilio-signature'];
      const params = (request.body && typeof request.body === 'object' ? request.body : {}) as TwilioParams;
      // Twilio signs the URL exactly as it requested it, query string included.
      if (!isValidTwilioSignature(authToken, `${origin}${request.url}`, params, Array.isArray(signature) ? signature[0] : signature)) {
        request.log.warn({ route: '/twilio/voice' }, 'Twilio signature did not match');
        return reply.code(403).send({ error: 'invalid Twilio signature' });
      }
    }
    const streamUrl = `${origin.replace(/^http/, 'ws')}${twilioMediaPath}`;
    return reply.type('text/xml; charset=utf-8').send(connectStreamTwiml(streamUrl));
  });
};
