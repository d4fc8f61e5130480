// Twilio Media Streams wire messages: the inbound schema (zod, with a hand-checked fast path for media), the outbound messages, and the format's constants.
import { z } from 'zod';

/** Twilio's media format on a phone call: G.711 μ-law, 8000 Hz, mono. */
export const twilioSampleRate = 8000;
/** Samples per 20 ms frame at 8000 Hz, what Twilio itself sends; outbound messages carry whole frames. */
export const twilioFrameSamples = 160;
/** Milliseconds per Twilio frame. */
export const twilioFrameMs = 20;
/** Inbound messages longer than this (characters) are dropped unread; a 20 ms media message is ~300. */
export const maxTwilioMessageLength = 64 * 1024;

// Twilio sends sequence numbers, chunks and timestamps as decimal strings; numbers are accepted too.
const decimalPattern = /^\d+$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;
const counter = z.union([z.string().regex(decimalPattern), z.number().int().nonnegative()]);
const base64 = z.string().regex(base64Pattern, 'not base64');

const connectedSchema = z.object({ event: z.literal('connected'), protocol: z.string().optional(), version: z.string().optional() });

const startSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  start: z.object({
    streamSid: z.string().min(1),
    callSid: z.string().min(1),
    accountSid: z.string().optional(),
    tracks: z.array(z.string()).optional(),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
  }),
});

const mediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  media: z.object({
    track: z.string().default('inbound'),
    chunk: counter.optional(),
    timestamp: counter,
    payload: base64,
  }),
});

const markSchema = z.object({ event: z.literal('mark'), sequenceNumber: counter.optional(), streamSid: z.string().min(1), mark: z.object({ name: z.string() }) });

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  dtmf: z.object({ track: z.string().optional(), digit: z.string().regex(/^[0-9*#]$/) }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: counter.optional(),
  streamSid: z.string().min(1),
  stop: z.object({ callSid: z.string().optional(), accountSid: z.string().optional() }).optional(),
});

export const twilioMessageSchema = z.discriminatedUnion('event', [connectedSchema, startSchema, mediaSchema, markSchema, dtmfSchema, stopSchema]);

/** One inbound Media Streams message, validated. */
export type TwilioMessage = z.infer<typeof twilioMessageSchema>;
export type TwilioStart = z.infer<typeof startSchema>['start'];

/** The caller's number our TwiML passed as the stream's `from` parameter (from the signed webhook's `From`), if it is E.164. */
export function callerNumberOf(start: TwilioStart): string | undefined {
  const from = start.customParameters.from;
  return from !== undefined && /^\+[1-9]\d{6,14}$/.test(from) ? from : undefined;
}

const knownEvents = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/** Why an inbound message was not used; never carries the message itself (it may hold caller parameters). */
export type TwilioRejection = 'oversized' | 'not-json' | 'unknown-event' | 'invalid';

/** Parses one text message from Twilio; a rejection says why without echoing the content. */
export function parseTwilioMessage(text: string): { ok: true; message: TwilioMessage } | { ok: false; rejection: TwilioRejection; problem?: string } {
  if (text.length > maxTwilioMessageLength) return { ok: false, rejection: 'oversized' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, rejection: 'not-json' };
  }
  const event = typeof value === 'object' && value !== null ? (value as { event?: unknown }).event : undefined;
  if (typeof event !== 'string' || !knownEvents.has(event)) return { ok: false, rejection: 'unknown-event' };
  // 50 media messages a second per call: a well-formed one is checked by hand, zod only explains what is wrong.
  if (event === 'media' && isWellFormedMedia(value)) return { ok: true, message: value };
  const parsed = twilioMessageSchema.safeParse(value);
  if (!parsed.success) {
    // Paths only (e.g. "media.payload"), never values.
    const problem = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return { ok: false, rejection: 'invalid', problem };
  }
  return { ok: true, message: parsed.data };
}

function isCounter(value: unknown): boolean {
  return typeof value === 'string' ? decimalPattern.test(value) : Number.isInteger(value) && (value as number) >= 0;
}

/** The same checks as `mediaSchema` for the common case (track present); anything else goes through zod. */
function isWellFormedMedia(value: unknown): value is TwilioMessage & { event: 'media' } {
  const message = value as { streamSid?: unknown; sequenceNumber?: unknown; media?: unknown };
  if (typeof message.streamSid !== 'string' || message.streamSid.length === 0) return false;
  if (message.sequenceNumber !== undefined && !isCounter(message.sequenceNumber)) return false;
  const media = message.media as { track?: unknown; chunk?: unknown; timestamp?: unknown; payload?: unknown } | null | undefined;
  if (typeof media !== 'object' || media === null) return false;
  if (typeof media.track !== 'string') return false;
  if (media.chunk !== undefined && !isCounter(media.chunk)) return false;
  return isCounter(media.timestamp) && typeof media.payload === 'string' && base64Pattern.test(media.payload);
}

/** An outbound media message: `mulaw` is μ-law at 8000 Hz for the caller to hear. */
export function twilioMediaMessage(streamSid: string, mulaw: Uint8Array): string {
  return JSON.stringify({ event: 'media', streamSid, media: { payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString('base64') } });
}

/** A mark: Twilio sends it back (same name) once the audio sent before it has played, or at once when cleared. */
export function twilioMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

/** Clear: Twilio drops the audio it has buffered for the caller (barge-in). */
export function twilioClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', streamSid });
}
