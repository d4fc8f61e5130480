// The two ways a caller reaches the clinic, behind one shape: /ws/call (16 kHz PCM16, the agent's words arrive as JSON) and Twilio Media Streams (8 kHz μ-law, only audio comes back).
import { TwilioTestClient } from '../../test/helpers/twilio-client.ts';
import { classify, questionOfPrompts, type HeardQuestion } from './agent-listener.ts';
import { normalisedWords } from './spoken-forms.ts';
import { WsCallClient } from './ws-call-client.ts';

export type Transport = 'ws-call' | 'twilio';

/** What the caller made of one agent turn. */
export interface AgentTurn {
  question: HeardQuestion;
  /** What the caller took the question from: the JSON text on /ws/call, the prompt keys the marks named on Twilio. */
  heard: string;
  /** The agent's words, as a person on the line hears them: the JSON text on /ws/call, the call log's lines on Twilio. */
  words: string;
}

export interface PhoneLine {
  readonly transport: Transport;
  /** Hz of the caller's audio on this line. */
  readonly sampleRate: number;
  start(): Promise<void>;
  /** Speaks a line in real time; resolves when its last frame is sent (the caller's end of speech, performance.now() ms). */
  say(samples: Int16Array): Promise<{ startedAtMs: number; endedAtMs: number }>;
  /** Types keys on the phone's keypad at a person's pace; resolves after the last press (its time stands for the end of speech). */
  press(keys: string): Promise<{ startedAtMs: number; endedAtMs: number }>;
  /**
   * Waits like a polite caller for the agent's reply to what was said at `sinceMs`: until its audio has played and
   * `pauseMs` more have passed. `closed`: the server ended the call; `silent`: no reply within `timeoutMs`.
   */
  awaitAgent(sinceMs: number, pauseMs: number, timeoutMs: number): Promise<'answered' | 'closed' | 'silent'>;
  /** Arrival of the first agent audio after `sinceMs`, if any. */
  firstAgentAudioAfter(sinceMs: number): number | undefined;
  /** The agent's turn since `sinceMs`, as this caller hears it. */
  hear(sinceMs: number): Promise<AgentTurn>;
  /** The server's final transcripts that arrived in [fromMs, toMs): /ws/call only (Twilio sends none). */
  transcripts(fromMs: number, toMs: number): string[] | undefined;
  hangUp(): Promise<void>;
}

const pollMs = 20;
/** ms between two keypad presses: a person reading digits off a card. */
const keyGapMs = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shared wait: media after `sinceMs`, played out, then a pause; or the socket closed, or the deadline. */
async function awaitPlayback(source: { lastMediaAtMs: number; playbackEndMs: number }, isOpen: () => boolean, sinceMs: number, pauseMs: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = performance.now();
    if (source.lastMediaAtMs > sinceMs && now >= source.playbackEndMs + pauseMs) return 'answered' as const;
    if (!isOpen()) return 'closed' as const;
    // A person does not give up on an agent that is still talking: the wait for a reply counts from the end of its audio.
    if (now > Math.max(deadline, source.playbackEndMs + timeoutMs)) return 'silent' as const;
    await sleep(pollMs);
  }
}

/** Presses each key in turn, `keyGapMs` apart. */
async function typeKeys(keys: string, pressDigit: (key: string) => void): Promise<{ startedAtMs: number; endedAtMs: number }> {
  const startedAtMs = performance.now();
  for (const [index, key] of [...keys].entries()) {
    if (index > 0) await sleep(keyGapMs);
    pressDigit(key);
  }
  return { startedAtMs, endedAtMs: performance.now() };
}

export function wsCallLine(baseUrl: string, lineNoise: number, random: () => number): PhoneLine {
  const sampleRate = 16000;
  const client = new WsCallClient(`${baseUrl}/ws/call`, sampleRate, lineNoise, random);
  return {
    transport: 'ws-call',
    sampleRate,
    start: () => client.start(),
    say: (samples) => client.say(samples),
    press: (keys) => typeKeys(keys, (key) => client.pressDigit(key)),
    awaitAgent: (sinceMs, pauseMs, timeoutMs) => awaitPlayback(client, () => client.isOpen, sinceMs, pauseMs, timeoutMs),
    firstAgentAudioAfter: (sinceMs) => client.agentFrames.find((frame) => frame.arrivedAtMs > sinceMs)?.arrivedAtMs,
    async hear(sinceMs) {
      const lines = client.events.filter((event) => event.type === 'agent' && event.arrivedAtMs > sinceMs).map((event) => event.text ?? '');
      const heard = lines.join(' ');
      const ended = client.events.some((event) => event.type === 'end' && event.arrivedAtMs > sinceMs);
      const question = classify(normalisedWords(heard));
      return { question: ended && question === 'unknown' ? 'goodbye' : question, heard, words: heard };
    },
    transcripts: (fromMs, toMs) =>
      client.events.filter((event) => event.type === 'transcript' && event.final && event.arrivedAtMs >= fromMs && event.arrivedAtMs < toMs).map((event) => event.text ?? ''),
    async hangUp() {
      if (client.isOpen) await client.hangUp();
    },
  };
}

/**
 * Twilio: only audio comes back, and marks; the caller takes the question from the prompt keys the marks name (see
 * agent-listener.ts), and the words (a read-back's digits) from `agentLines`, the server's call log.
 */
export function twilioLine(baseUrl: string, lineNoise: number, agentLines: () => Promise<string[]>): PhoneLine {
  const client = new TwilioTestClient({ url: `${baseUrl.replace(/^http/, 'ws')}/twilio/media`, lineNoise });
  let open = false;
  let linesHeard = 0;
  void client.closed.then(() => (open = false));
  return {
    transport: 'twilio',
    sampleRate: 8000,
    async start() {
      await client.start();
      open = true;
    },
    say: (samples) => client.say(samples),
    press: (keys) => typeKeys(keys, (key) => {
      if (open) client.pressDigit(key);
    }),
    awaitAgent: (sinceMs, pauseMs, timeoutMs) => awaitPlayback(client, () => open, sinceMs, pauseMs, timeoutMs),
    firstAgentAudioAfter: (sinceMs) => client.received.find((message) => message.event === 'media' && message.arrivedAtMs > sinceMs)?.arrivedAtMs,
    async hear(sinceMs) {
      const keys = client.received
        .filter((message) => message.event === 'mark' && message.arrivedAtMs > sinceMs)
        .flatMap((message) => (message.mark?.name.split(':')[1] ?? '').split('+'))
        .filter(Boolean);
      const question = questionOfPrompts(keys);
      const lines = await agentLines();
      const words = lines.slice(linesHeard).join(' ');
      linesHeard = lines.length;
      return { question: !open && question === 'unknown' ? 'goodbye' : question, heard: keys.join(' '), words };
    },
    transcripts: () => undefined,
    async hangUp() {
      if (open) await client.hangUp();
      else client.terminate();
    },
  };
}
