// Twilio's voice webhooks: POST /twilio/voice answers TwiML that streams the call to /twilio/media; POST /twilio/after-stream, the <Connect> action, transfers a handed-off call to staff or hangs up.
import formBody from '@fastify/formbody';
import type { FrontdeskRoutePlugin } from '../types.ts';
import { mustTurnAway } from '../call-registry.ts';
import { handoffCallsOf } from '../server-handoff-calls.ts';
import { twilioPublicOrigin, twilioSignatureCheck, webSocketOrigin } from '../twilio-signature.ts';

/** Where Twilio Media Streams connect; the voice loop serves it. */
export const twilioMediaPath = '/twilio/media';
/** Where Twilio goes once the media stream has ended (the <Connect> action). */
export const twilioAfterStreamPath = '/twilio/after-stream';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * The TwiML that connects the call to a bidirectional Media Stream at `streamUrl`; with `actionUrl`, Twilio requests it
 * when the stream ends and runs the TwiML it answers (without one, the call ends with the stream).
 */
export function connectStreamTwiml(streamUrl: string, actionUrl?: string, parameters: Record<string, string> = {}): string {
  const action = actionUrl === undefined ? '' : ` action="${escapeXml(actionUrl)}"`;
  const inner = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  const stream = inner ? `<Stream url="${escapeXml(streamUrl)}">${inner}</Stream>` : `<Stream url="${escapeXml(streamUrl)}"/>`;
  return `${xmlDeclaration}<Response><Connect${action}>${stream}</Connect></Response>\n`;
}

/** The TwiML that transfers the call to `phoneNumber` (E.164). */
export function dialTwiml(phoneNumber: string): string {
  return `${xmlDeclaration}<Response><Dial><Number>${escapeXml(phoneNumber)}</Number></Dial></Response>\n`;
}

/** What a caller hears when every line is busy (FRONTDESK_MAX_CALLS), spoken by Twilio: with a hand-off number they are put through to staff. */
export const busyLines = {
  transfer: 'Thank you for calling. All of our lines are busy right now, so I am transferring you to a member of our staff.',
  callBack: 'Thank you for calling. All of our lines are busy right now. Please call again in a few minutes.',
} as const;

/** The TwiML for a call that finds every line busy: a short line, then the transfer to `phoneNumber` or the hang-up. */
export function busyTwiml(phoneNumber: string | undefined): string {
  const then = phoneNumber ? `<Dial><Number>${escapeXml(phoneNumber)}</Number></Dial>` : '<Hangup/>';
  return `${xmlDeclaration}<Response><Say>${escapeXml(phoneNumber ? busyLines.transfer : busyLines.callBack)}</Say>${then}</Response>\n`;
}

/** The TwiML that ends the call. */
export function hangupTwiml(): string {
  return `${xmlDeclaration}<Response><Hangup/></Response>\n`;
}

export const twilioVoiceRoute: FrontdeskRoutePlugin = async (app, context) => {
  await app.register(formBody);
  const { authToken, handoffNumber } = context.config.twilio;
  const { publicUrl } = context.config.server;
  const handoffs = handoffCallsOf(context);
  const signed = (route: string) => (authToken ? { preValidation: twilioSignatureCheck({ authToken, publicUrl, request: 'webhook', route }) } : {});
  if (!handoffNumber) context.logger.warn('FRONTDESK_HANDOFF_NUMBER is unset: a Twilio call handed off to staff will be hung up, not transferred');

  app.post('/twilio/voice', signed('/twilio/voice'), async (request, reply) => {
    const origin = twilioPublicOrigin(request, publicUrl);
    if (!origin) return reply.code(400).send({ error: 'missing or malformed Host header; set FRONTDESK_PUBLIC_URL' });
    if (mustTurnAway(context, 'twilio')) return reply.type('text/xml; charset=utf-8').send(busyTwiml(handoffNumber));
    // The caller's number goes to the stream as a parameter, for the verification throttle (never logged).
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const from: Record<string, string> = typeof body.From === 'string' && /^\+[1-9]\d{6,14}$/.test(body.From) ? { from: body.From } : {};
    const twiml = connectStreamTwiml(`${webSocketOrigin(origin)}${twilioMediaPath}`, `${origin}${twilioAfterStreamPath}`, from);
    return reply.type('text/xml; charset=utf-8').send(twiml);
  });

  app.post(twilioAfterStreamPath, signed(twilioAfterStreamPath), async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const callSid = typeof body.CallSid === 'string' ? body.CallSid : undefined;
    const handedOff = callSid !== undefined && (await handoffs.isHandoff(callSid));
    // Ids only: the form also carries the caller's number.
    request.log.info({ callSid, handedOff, transfer: handedOff && handoffNumber !== undefined }, 'Twilio stream ended');
    return reply.type('text/xml; charset=utf-8').send(handedOff && handoffNumber ? dialTwiml(handoffNumber) : hangupTwiml());
  });
};
