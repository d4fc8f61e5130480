// A caller as a WAV file: utterances spoken by espeak-ng, each followed by silence, as `frontdesk call` and the media tests play them.
import { encodeWav } from '../../src/audio/wav.ts';
import { callerUtterance } from '../stt/caller-audio.ts';

export interface CallerWavOptions {
  /** Hz. */
  sampleRate: number;
  /** espeak-ng voice; default "en-us+klatt". */
  voice?: string;
  /** Silence after each utterance, ms. Default 1500. */
  pauseMs?: number;
}

/** The caller's lines as one mono PCM track and as WAV bytes. */
export async function callerWav(lines: string[], options: CallerWavOptions): Promise<{ samples: Int16Array; wav: Uint8Array }> {
  const pause = new Int16Array(Math.round(((options.pauseMs ?? 1500) / 1000) * options.sampleRate));
  const parts: Int16Array[] = [];
  for (const line of lines) {
    const utterance = await callerUtterance(line, { voice: options.voice ?? 'en-us+klatt', sampleRate: options.sampleRate, paddingMs: 300 });
    parts.push(utterance.samples, pause);
  }
  const samples = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return { samples, wav: encodeWav(samples, options.sampleRate) };
}

/** John Smith books the first cardiology opening on the Wednesday after 2026-12-01 at nine thirty. */
export const johnSmithBooksByVoice = [
  'I want to book an appointment',
  'Smith',
  'January fifteenth nineteen eighty five',
  'five five five zero one zero one two three four',
  'I need a heart doctor',
  'the first one',
  'next wednesday',
  'nine thirty',
  'annual checkup',
  'yes',
  'no thank you',
];
