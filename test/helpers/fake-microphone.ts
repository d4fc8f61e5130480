// A caller for Chromium's fake microphone: espeak-ng lines laid on silence in a WAV file, and the launch flags that make Chromium capture it.
import { writeFile } from 'node:fs/promises';
import { encodeWav } from '../../src/audio/wav.ts';
import { layOut } from '../audio/spoken-audio.ts';
import { callerUtterance } from '../stt/caller-audio.ts';

export interface FakeMicrophoneLine {
  text: string;
  /** Where the line starts in the file, ms from the start of capture. */
  atMs: number;
}

export interface FakeMicrophoneOptions {
  /** Length of the whole file, ms; everything after the last line is silence. */
  totalMs: number;
  /** Hz; default 48000, the fake capture device's own rate, so Chromium does not resample the file. */
  sampleRate?: number;
  /** espeak-ng voice; default "en-us+klatt", the generated caller of the other voice tests (PocketSphinx hears it best). */
  voice?: string;
}

/** Speaks each line with espeak-ng (sox without dither, so the same text gives the same samples), lays them out on digital silence and writes a mono PCM16 WAV to `file`. */
export async function writeFakeMicrophoneWav(file: string, lines: readonly FakeMicrophoneLine[], options: FakeMicrophoneOptions): Promise<void> {
  const sampleRate = options.sampleRate ?? 48000;
  const placements = [];
  for (const line of lines) {
    const utterance = await callerUtterance(line.text, { voice: options.voice ?? 'en-us+klatt', sampleRate, paddingMs: 0 });
    const lineEndMs = line.atMs + (utterance.samples.length / sampleRate) * 1000;
    if (lineEndMs > options.totalMs) throw new Error(`"${line.text}" ends at ${Math.round(lineEndMs)} ms, after the file's ${options.totalMs} ms`);
    placements.push({ utterance: { ...utterance, durationMs: (utterance.samples.length / sampleRate) * 1000 }, atMs: line.atMs });
  }
  await writeFile(file, encodeWav(layOut(placements, { totalMs: options.totalMs, sampleRate }), sampleRate));
}

/**
 * Chromium flags for a microphone that plays `wavFile`: permission granted without a prompt, the fake capture device,
 * and the file as its audio. Chromium loops the file unless the path ends in "%noloop"; after the last sample a
 * non-looping capture delivers silence.
 */
export function fakeMicrophoneArguments(wavFile: string, options: { loop?: boolean } = {}): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavFile}${options.loop ? '' : '%noloop'}`,
  ];
}
