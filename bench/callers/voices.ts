// The callers' voices: three Debian speech synthesizers (espeak-ng, flite, festival) at several rates, rendered to the line's rate and trimmed to the speech.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Synthesizer = 'espeak-ng' | 'flite' | 'festival';

/** One voice at one rate, as the report groups calls. */
export interface CallerVoice {
  /** e.g. "flite slt ×1.2" */
  id: string;
  synthesizer: Synthesizer;
  /** espeak-ng voice ("en-us+m3"), flite voice ("slt", "rms", "kal16"), festival voice function ("voice_kal_diphone"). */
  voice: string;
  /** Speaking rate relative to the synthesizer's default: 1.2 is 20% faster, 0.8 slower. */
  rate: number;
}

/** The full run's voices: at least three synthesizers, several rates each. */
export const allVoices: CallerVoice[] = [
  { id: 'espeak-ng en-us ×1.0', synthesizer: 'espeak-ng', voice: 'en-us', rate: 1 },
  { id: 'espeak-ng en-us+m3 ×1.2', synthesizer: 'espeak-ng', voice: 'en-us+m3', rate: 1.2 },
  { id: 'flite slt ×1.0', synthesizer: 'flite', voice: 'slt', rate: 1 },
  { id: 'flite rms ×0.85', synthesizer: 'flite', voice: 'rms', rate: 0.85 },
  { id: 'festival kal ×1.0', synthesizer: 'festival', voice: 'voice_kal_diphone', rate: 1 },
  { id: 'festival kal ×0.8', synthesizer: 'festival', voice: 'voice_kal_diphone', rate: 0.8 },
];

/** "espeak-ng:en-us+f5:1.1" (synthesizer, its voice, rate) as a voice, or undefined when it is not one. */
export function parseVoice(spec: string): CallerVoice | undefined {
  const [synthesizer, voice, rate] = spec.split(':');
  const speed = Number(rate ?? '1');
  if ((synthesizer !== 'espeak-ng' && synthesizer !== 'flite' && synthesizer !== 'festival') || !voice || !(speed > 0)) return undefined;
  return { id: `${synthesizer} ${voice} ×${speed.toFixed(speed * 10 === Math.round(speed * 10) ? 1 : 2)}`, synthesizer, voice, rate: speed };
}

/** espeak-ng's default rate, words per minute. */
const espeakWordsPerMinute = 175;

export const missingVoicesMessage = 'bench:callers needs the Debian packages espeak-ng, flite, festival, festvox-kallpc16k and sox: apt-get install -y espeak-ng flite festival festvox-kallpc16k sox';

/** Fails early, naming the packages, when a synthesizer is missing. */
export async function checkVoices(voices: readonly CallerVoice[]): Promise<void> {
  const commands = new Set(voices.map((voice) => (voice.synthesizer === 'festival' ? 'text2wave' : voice.synthesizer)));
  await requireCommands([...commands, 'sox'], missingVoicesMessage);
}

/** Fails on the first command not found (a name on the PATH or a path), with `install` saying how to get it. */
export async function requireCommands(commands: readonly string[], install: string): Promise<void> {
  for (const command of commands) {
    try {
      await run('sh', ['-c', `command -v ${command}`]);
    } catch {
      throw new Error(`${command} not found. ${install}`);
    }
  }
}

/**
 * Speaks `text` in `voice` as PCM16 mono at `sampleRate` (Hz): the synthesizer's WAV, converted by sox (its band-limited
 * `rate`), peak-normalised to −3 dBFS and cut to the speech (silence under 0.5% of full scale at either end), so the
 * last frame sent is the caller's end of speech.
 */
export async function speak(voice: CallerVoice, text: string, sampleRate: number): Promise<Int16Array> {
  const directory = await mkdtemp(join(tmpdir(), 'frontdesk-callers-voice-'));
  const wav = join(directory, 'line.wav');
  try {
    if (voice.synthesizer === 'espeak-ng') {
      await run('espeak-ng', ['-v', voice.voice, '-s', String(Math.round(espeakWordsPerMinute * voice.rate)), '-w', wav, text]);
    } else if (voice.synthesizer === 'flite') {
      await run('flite', ['-voice', voice.voice, '--setf', `duration_stretch=${(1 / voice.rate).toFixed(3)}`, '-t', text, '-o', wav]);
    } else {
      const textFile = join(directory, 'line.txt');
      await writeFile(textFile, text);
      await run('text2wave', ['-eval', `(${voice.voice})`, '-eval', `(Parameter.set 'Duration_Stretch ${(1 / voice.rate).toFixed(3)})`, '-o', wav, textFile]);
    }
    const raw = join(directory, 'line.raw');
    await run('sox', [wav, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', raw, 'rate', String(sampleRate), 'gain', '-n', '-3', 'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse']);
    const bytes = await readFile(raw);
    const samples = new Int16Array(bytes.length / 2);
    Buffer.from(samples.buffer).set(bytes);
    return samples;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
