// One adaptive call: the caller listens to each agent turn, answers the question it heard in its own voice, and keeps the timings, transcripts and questions for the report.
import { wordErrors } from '../offline-speech.ts';
import type { HeardQuestion } from './agent-listener.ts';
import type { CallerMind } from './personas.ts';
import type { PhoneLine, Transport } from './phone-lines.ts';
import { normalisedWords } from './spoken-forms.ts';
import { speak, type CallerVoice } from './voices.ts';

/** One exchange: what the agent asked (as heard), what the caller said back, and how the server heard it. */
export interface Exchange {
  question: HeardQuestion;
  heard: string;
  /** On Twilio, where `heard` is the prompt keys: the agent's words for the turn, from the call log. */
  words?: string;
  said?: string;
  /** Said slowly: the agent asked the caller to. */
  slowly?: true;
  /** Keys the caller typed instead of speaking. */
  keys?: string;
  /** The caller's end of speech → first agent audio, ms (spoken turns only). */
  voiceToVoiceMs?: number;
  /** The server's final transcripts of this line (/ws/call only). */
  transcript?: string;
  wordErrors?: { errors: number; words: number };
}

export interface CallRecord {
  transport: Transport;
  voice: string;
  persona: string;
  patientId: string;
  seed: number;
  exchanges: Exchange[];
  /** How the caller's side ended: the server closed the call, the caller hung up after goodbye, or it gave up. */
  ending: 'server-closed' | 'caller-hung-up' | 'no-reply' | 'too-long' | 'error';
  error?: string;
  durationSeconds: number;
}

/** A caller who hears nothing back for this long after speaking gives up, ms (the agent's own no-input prompt comes after 8 s). */
const replyTimeoutMs = 25_000;
/** A call longer than this many caller turns, or this long, is abandoned as stalled. */
const maxCallerTurns = 40;
const maxCallMs = 5 * 60_000;

/** A person asked to say a number slowly speaks at this share of their pace. */
const slowerPace = 0.8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CallOptions {
  line: PhoneLine;
  mind: CallerMind;
  voice: CallerVoice;
  seed: number;
  random: () => number;
}

export async function runCall(options: CallOptions): Promise<CallRecord> {
  const { line, mind, voice } = options;
  const record: CallRecord = {
    transport: line.transport,
    voice: voice.id,
    persona: mind.persona.name,
    patientId: mind.persona.patient.patientId,
    seed: options.seed,
    exchanges: [],
    ending: 'error',
    durationSeconds: 0,
  };
  const startedAt = performance.now();
  try {
    await line.start();
    let sinceMs = 0;
    let previous: { startedAtMs: number; endedAtMs: number; exchange: Exchange } | undefined;
    for (;;) {
      // A person's reaction time after the agent stops: 0.4–1.2 s.
      const state = await line.awaitAgent(sinceMs, 400 + options.random() * 800, replyTimeoutMs);
      if (previous) {
        const firstAudio = previous.exchange.said ? line.firstAgentAudioAfter(previous.endedAtMs) : undefined;
        if (firstAudio !== undefined) previous.exchange.voiceToVoiceMs = Math.round(firstAudio - previous.endedAtMs);
        const transcripts = line.transcripts(previous.startedAtMs, performance.now());
        if (transcripts && previous.exchange.said) {
          previous.exchange.transcript = transcripts.join(' ');
          previous.exchange.wordErrors = wordErrors(normalisedWords(previous.exchange.said), normalisedWords(previous.exchange.transcript));
        }
      }
      if (state === 'silent') {
        record.ending = 'no-reply';
        break;
      }
      const turn = await line.hear(sinceMs);
      const exchange: Exchange = { question: turn.question, heard: turn.heard, ...(line.transport === 'twilio' && turn.words ? { words: turn.words } : {}) };
      record.exchanges.push(exchange);
      if (state === 'closed') {
        record.ending = 'server-closed';
        break;
      }
      const reply = mind.answer(turn.question, turn.words, /\bkeypad\b/i.test(turn.words));
      if (reply === undefined) {
        // Goodbye heard: wait briefly for the server to close the line, as a person lets the agent finish.
        const closing = await line.awaitAgent(performance.now(), 0, 3000);
        record.ending = closing === 'closed' ? 'server-closed' : 'caller-hung-up';
        break;
      }
      if (record.exchanges.length > maxCallerTurns || performance.now() - startedAt > maxCallMs) {
        record.ending = 'too-long';
        break;
      }
      let spoken: { startedAtMs: number; endedAtMs: number } | undefined;
      if (typeof reply === 'string' || 'slowly' in reply) {
        const words = typeof reply === 'string' ? reply : reply.slowly;
        exchange.said = words;
        if (typeof reply !== 'string') exchange.slowly = true;
        const samples = await speak(typeof reply === 'string' ? voice : { ...voice, rate: voice.rate * slowerPace }, words, line.sampleRate);
        // A line the server hangs up on mid-sentence is never sent to its end: give up on it after its length and 5 s.
        spoken = await Promise.race([line.say(samples), sleep((samples.length / line.sampleRate) * 1000 + 5000).then(() => undefined)]);
      } else {
        exchange.keys = reply.keys;
        spoken = await line.press(reply.keys);
      }
      if (!spoken) {
        record.ending = 'server-closed';
        break;
      }
      previous = { ...spoken, exchange };
      sinceMs = spoken.endedAtMs;
    }
  } catch (error) {
    record.ending = 'error';
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    await line.hangUp().catch(() => {});
  }
  record.durationSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
  return record;
}
