// Callers for the offline speech benchmark: varied phrasings per call state, and the Debian synthesizers that speak them at 16 kHz or through 8 kHz μ-law.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Expectation } from '../src/understanding/types.ts';

const run = promisify(execFile);

/** What the call machine expects in its states (flows/scheduling/machine.ts), the field asked for first. */
const greeting: Expectation = { slots: ['intent', 'specialty'] };
const askLastName: Expectation = { slots: ['lastName', 'dateOfBirth', 'phone'] };
const askBirthDate: Expectation = { slots: ['dateOfBirth', 'phone', 'lastName'] };
const askPhone: Expectation = { slots: ['phone', 'lastName', 'dateOfBirth'] };
const askSpecialty: Expectation = { slots: ['specialty', 'location'] };
const confirm: Expectation = { slots: ['yesNo'] };
const anythingElse: Expectation = { slots: ['yesNo', 'intent', 'specialty'] };
const askDay: Expectation = { slots: ['date', 'time'] };
const offered: Expectation = {
  slots: ['choice'],
  options: [
    { label: 'Dr. Amara Okafor on Tuesday at 10:30', name: 'Dr. Amara Okafor', date: '2026-12-08', time: '10:30' },
    { label: 'Dr. Ben Lee on Wednesday at 14:15', name: 'Dr. Ben Lee', date: '2026-12-09', time: '14:15' },
    { label: 'Dr. Rosa Diaz on Friday at 09:00', name: 'Dr. Rosa Diaz', date: '2026-12-11', time: '09:00' },
  ],
};

/** The clinic clock the values are read against ("next Tuesday"). */
export const corpusNow = '2026-12-01T09:00';

/** Last names the recognizer is given (the clinic's patient list). */
export const corpusNames = ['smith', 'jones', 'garcia', 'okafor', 'nguyen', 'patel', 'chen', 'johnson', 'brown'];

export interface CorpusUtterance {
  /** What the synthesizer says, punctuation and all (commas make pauses). */
  spoken: string;
  expectation: Expectation;
}

/** Caller turns as people say them: fillers, politeness, corrections, several fields at once, numbers chunked differently. */
export const corpus: CorpusUtterance[] = [
  { spoken: "Hello, I'd like to make an appointment.", expectation: greeting },
  { spoken: 'Hi, um, I need to book an appointment, please.', expectation: greeting },
  { spoken: 'I want to book an appointment.', expectation: greeting },
  { spoken: 'I want to cancel my appointment.', expectation: greeting },
  { spoken: "Yeah, I'd like to reschedule my appointment.", expectation: greeting },
  { spoken: 'What are my appointments?', expectation: greeting },
  { spoken: 'I need an appointment with a heart doctor.', expectation: greeting },
  { spoken: 'Can I talk to a real person?', expectation: greeting },
  { spoken: 'My last name is Smith.', expectation: askLastName },
  { spoken: 'Uh, Garcia.', expectation: askLastName },
  { spoken: "It's Chen.", expectation: askLastName },
  { spoken: 'My last name is Smith, my date of birth is January fifteenth, nineteen eighty five.', expectation: askLastName },
  { spoken: 'January fifteenth, nineteen eighty five.', expectation: askBirthDate },
  { spoken: "Um, it's March fourteenth, nineteen seventy two.", expectation: askBirthDate },
  { spoken: 'My date of birth is November second, nineteen ninety.', expectation: askBirthDate },
  { spoken: 'The second of November, nineteen ninety.', expectation: askBirthDate },
  { spoken: 'Five five five, zero one zero, one two three four.', expectation: askPhone },
  { spoken: 'My number is five five five, oh one oh, five six seven eight.', expectation: askPhone },
  { spoken: "It's five five five zero one zero nine zero one two, thanks.", expectation: askPhone },
  { spoken: 'Okay, one, five five five, zero one zero, one two three four.', expectation: askPhone },
  { spoken: 'A checkup.', expectation: askSpecialty },
  { spoken: 'Um, a skin doctor, please.', expectation: askSpecialty },
  { spoken: 'Cardiology.', expectation: askSpecialty },
  { spoken: 'The second one, please.', expectation: offered },
  { spoken: 'Doctor Okafor.', expectation: offered },
  { spoken: 'The first one.', expectation: offered },
  { spoken: "Yes, that's right.", expectation: confirm },
  { spoken: 'No.', expectation: confirm },
  { spoken: 'Yes please.', expectation: confirm },
  { spoken: "No, that's wrong.", expectation: confirm },
  { spoken: "No, that's all, thank you.", expectation: anythingElse },
  { spoken: 'Next Tuesday, in the morning.', expectation: askDay },
  { spoken: 'Tomorrow at ten thirty.', expectation: askDay },
];

const contractions: Record<string, string> = {
  "i'd": 'i would', "it's": 'it is', "that's": 'that is', "i'm": 'i am', "what's": 'what is', "don't": 'do not', "can't": 'can not', "i've": 'i have',
};
/** Hesitations are not words a transcript owes anyone. */
const hesitations = new Set(['um', 'uh', 'er', 'hmm']);

/** Lower-case words for word error rate: punctuation gone, contractions spelled out, hesitations dropped (applied to reference and transcript alike). */
export function scoringWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .flatMap((word) => (contractions[word] ?? word).split(' '))
    .filter((word) => word.length > 0 && !hesitations.has(word));
}

/** A Debian text-to-speech engine and voice. */
export interface Synthesizer {
  /** e.g. "espeak-ng en-us+klatt", "flite slt", "festival kal_diphone". */
  id: string;
  engine: 'espeak-ng' | 'flite' | 'festival';
  voice: string;
  /** espeak-ng words per minute. */
  speed?: number;
}

export const synthesizers: Synthesizer[] = [
  { id: 'espeak-ng en-us+klatt', engine: 'espeak-ng', voice: 'en-us+klatt' },
  { id: 'espeak-ng en-us', engine: 'espeak-ng', voice: 'en-us' },
  { id: 'espeak-ng en-us+m3 140wpm', engine: 'espeak-ng', voice: 'en-us+m3', speed: 140 },
  { id: 'espeak-ng en+f3 190wpm', engine: 'espeak-ng', voice: 'en+f3', speed: 190 },
  { id: 'flite kal', engine: 'flite', voice: 'kal' },
  { id: 'flite slt', engine: 'flite', voice: 'slt' },
  { id: 'flite rms', engine: 'flite', voice: 'rms' },
  { id: 'flite awb', engine: 'flite', voice: 'awb' },
  { id: 'festival kal_diphone', engine: 'festival', voice: 'kal_diphone' },
];

/** Which synthesizers this machine has. */
export async function availableSynthesizers(): Promise<Synthesizer[]> {
  const present = async (command: string) => run('sh', ['-c', `command -v ${command}`]).then(() => true, () => false);
  const engines = { 'espeak-ng': await present('espeak-ng'), flite: await present('flite'), festival: await present('text2wave') };
  return synthesizers.filter((synthesizer) => engines[synthesizer.engine]);
}

/**
 * 16-bit mono PCM of `text` at 16 kHz, or at 8 kHz through a μ-law round trip (a phone line), with 300 ms of silence
 * either side as a VAD-cut utterance has.
 */
export async function speak(synthesizer: Synthesizer, text: string, sampleRate: 16000 | 8000): Promise<Int16Array> {
  const directory = await mkdtemp(join(tmpdir(), 'frontdesk-bench-speech-'));
  const wav = join(directory, 'speech.wav');
  try {
    if (synthesizer.engine === 'espeak-ng') {
      await run('espeak-ng', ['-v', synthesizer.voice, ...(synthesizer.speed ? ['-s', String(synthesizer.speed)] : []), '-w', wav, '--', text]);
    } else if (synthesizer.engine === 'flite') {
      await run('flite', ['-voice', synthesizer.voice, '-t', text, '-o', wav]);
    } else {
      const input = join(directory, 'speech.txt');
      await writeFile(input, text);
      await run('text2wave', ['-eval', `(voice_${synthesizer.voice})`, '-o', wav, input]);
    }
    const raw = join(directory, 'speech.raw');
    const line = sampleRate === 8000 ? `sox -q -D "$0" -r 8000 -c 1 -e mu-law -t raw - | sox -q -t raw -r 8000 -c 1 -e mu-law - -b 16 -e signed-integer -t raw "$1"` : `sox -q -D "$0" -r 16000 -c 1 -b 16 -e signed-integer -t raw "$1"`;
    await run('sh', ['-c', line, wav, raw]);
    const bytes = await readFile(raw);
    const speech = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
    const padding = Math.round(0.3 * sampleRate);
    const samples = new Int16Array(speech.length + 2 * padding);
    samples.set(speech, padding);
    return samples;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
