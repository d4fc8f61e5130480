// How a Twilio caller "hears" the agent: PocketSphinx decodes the end of each agent turn against a grammar of the questions a scheduling line asks.
import { loadPocketSphinx, type NativePointer, type PocketSphinxLibrary } from '../../src/stt/pocketsphinx-library.ts';
import { createResampler, type Resampler } from '../../src/audio/resampler.ts';

/**
 * Why a grammar and not the free language model: on a phone line only audio comes back, and PocketSphinx's generic LM
 * turns 8 kHz espeak-ng speech into word salad ("what did the phone i'm on idol or two" for "what is the phone number
 * we have on file"; measured while writing this bench), and costs ~0.4 s of CPU per second of audio on the cores the
 * server needs. A person on the phone listens for the question at the end of a turn; so does this caller: the last
 * seconds of the turn are decoded as "some words, then one of the questions a clinic's scheduling line asks", a
 * forced choice that is ~10× cheaper, and whose mistakes are the caller's own (counted as such in the report).
 */
export type HeardQuestion =
  | 'intent' | 'lastName' | 'dateOfBirth' | 'birthYear' | 'phone' | 'specialty' | 'provider' | 'day' | 'noOpenings'
  | 'time' | 'reason' | 'confirm' | 'whichAppointment' | 'anythingElse' | 'human' | 'goodbye' | 'unknown';

/** Question phrases per kind, as a caller would expect them from any clinic's line (lower case, CMUdict words). */
const cues: Record<Exclude<HeardQuestion, 'unknown'>, string[]> = {
  intent: ['how can i help you today', 'i can book check cancel or reschedule an appointment', 'what else can i help you with'],
  lastName: ['what is your last name'],
  dateOfBirth: ['what is your date of birth'],
  birthYear: ['what year were you born'],
  phone: ['what is the phone number we have on file for you'],
  specialty: ['what kind of doctor would you like to see', 'family medicine cardiology dermatology or pediatrics', 'dermatology or pediatrics'],
  provider: ['at riverside which would you like', 'at downtown which would you like'],
  day: ['what day would you like to come in', 'what day would you like instead', 'is there another day that works for you'],
  noOpenings: ['which day works for you', 'day works for you', 'there are no openings'],
  time: ['which time would you like', 'isn\'t available', 'there are other times too which time would you like'],
  reason: ['what is the reason for the visit', 'reason for the visit'],
  confirm: ['shall i book it', 'shall i move it', 'is that right'],
  whichAppointment: ['which one would you like to cancel', 'which one would you like to reschedule'],
  anythingElse: ['is there anything else i can help you with'],
  human: ['would you like me to connect you with a member of our staff'],
  goodbye: ['thank you for calling goodbye', 'please call back any time goodbye', 'please hold while i transfer you', 'please hold while i connect you'],
};

/** Words that stand in for whatever comes before the question (a read-back, a list of times): a loop of short common words. */
const fillerWords = ['the', 'a', 'at', 'on', 'i', 'you', 'and', 'or', 'to', 'for', 'is', 'it', 'with', 'have', 'doctor', 'okay', 'thank', 'your', 'am', 'pm', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'thirty', 'fifteen', 'forty', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'december', 'january', 'sorry', 'that', 'are', 'no', 'openings', 'next', 'booked', 'code', 'confirmation', 'verified', 'appointment', 'upcoming', 'first', 'second', 'third',
  // The hints a line adds after a re-asked question ("you can also spell it, letter by letter", "type it on your keypad").
  'also', 'spell', 'letter', 'by', 'prefer', 'type', 'keypad', 'digits', 'month'];

const grammar = (() => {
  const rule = (name: string) => name.replace(/[^a-z]/gi, '');
  const lines = ['#JSGF V1.0;', 'grammar agent;'];
  lines.push(`<filler> = ${fillerWords.join(' | ')};`);
  for (const [kind, phrases] of Object.entries(cues)) lines.push(`<${rule(kind)}> = ${phrases.join(' | ')};`);
  lines.push(`public <turn> = <filler>* ( ${Object.keys(cues).map((kind) => `<${rule(kind)}>`).join(' | ')} ) <filler>*;`);
  return lines.join('\n');
})();

/** Cepstral mean a narrowband (8 kHz, upsampled) utterance starts from; the value the server's decoder pool measured for telephone audio. */
const narrowbandCepstralMean = Float32Array.from([49.01, 24.19, -36.83, 48.59, -22.47, -4.02, 10.7, -38.66, 13.65, -11.67, -2.51, 12.78, -19.51]);

export interface AgentListener {
  /** Which question the end of this agent turn (PCM16 at 8 kHz) asks, and the words decoded. */
  hear(samples: Int16Array): Promise<{ question: HeardQuestion; words: string }>;
  close(): void;
}

/** Seconds of the end of a turn that are decoded, tried in turn until the grammar matches: the longest question plus a little before it, then shorter. */
const tailSeconds = [6, 4.5, 3];

export async function createAgentListener(): Promise<AgentListener> {
  const library: PocketSphinxLibrary = loadPocketSphinx();
  const decoder: NativePointer = await library.createDecoder(['-beam', '1e-60', '-pbeam', '1e-60', '-wbeam', '1e-40', '-wip', '0.2'], { dictionary: library.files.dictionary });
  if (!(await library.setJsgfSearch(decoder, 'agent', grammar)) || !library.setSearch(decoder, 'agent')) throw new Error('the agent listener grammar was refused');
  let queue: Promise<unknown> = Promise.resolve();
  const decode = async (samples: Int16Array) => {
    for (const seconds of tailSeconds) {
      const words = await decodeTail(samples.subarray(Math.max(0, samples.length - seconds * 8000)));
      if (words) return { question: classify(words), words };
    }
    return { question: 'unknown' as const, words: '' };
  };
  const decodeTail = async (tail: Int16Array) => {
    const resampler: Resampler = await createResampler({ inputSampleRate: 8000, outputSampleRate: 16000 });
    const upsampled = resampler.process(tail);
    const rest = resampler.flush();
    resampler.close();
    library.setCepstralMean(decoder, narrowbandCepstralMean);
    library.startUtterance(decoder);
    await library.processRaw(decoder, upsampled);
    await library.processRaw(decoder, rest);
    await library.endUtterance(decoder);
    return library.hypothesis(decoder) ?? '';
  };
  return {
    hear(samples) {
      const result = queue.then(() => decode(samples));
      queue = result.catch(() => {});
      return result;
    },
    close: () => library.freeDecoder(decoder),
  };
}

/** The kind whose phrase ends the decoded words. */
export function classify(words: string): HeardQuestion {
  let best: { kind: HeardQuestion; at: number } = { kind: 'unknown', at: -1 };
  for (const [kind, phrases] of Object.entries(cues)) {
    for (const phrase of phrases) {
      const at = words.lastIndexOf(phrase);
      if (at >= 0 && at + phrase.length > best.at) best = { kind: kind as HeardQuestion, at: at + phrase.length };
    }
  }
  return best.kind;
}
