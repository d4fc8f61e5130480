// Generated caller utterances for recognition tests and the offline speech benchmark: espeak-ng speaks, sox converts to the call's rate.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PcmFrame } from '../../src/audio/types.ts';

const run = promisify(execFile);

export interface CallerUtterance {
  /** All samples, with `paddingMs` of silence either side as a VAD-cut utterance has. */
  samples: Int16Array;
  sampleRate: number;
}

/**
 * Speaks `text` with an espeak-ng voice (e.g. "en-us", "en-us+klatt") as 16-bit mono PCM at `sampleRate` Hz. With
 * `phoneLine`, as a Twilio call carries it: levelled to −3 dBFS and through 8 kHz μ-law and back.
 */
export async function callerUtterance(text: string, options: { voice?: string; sampleRate: number; paddingMs?: number; phoneLine?: boolean }): Promise<CallerUtterance> {
  const line = options.phoneLine
    ? 'sox -q -D -t wav - -r 8000 -c 1 -e mu-law -t raw - gain -n -3 | sox -q -D -t raw -r 8000 -c 1 -e mu-law - -r "$2" -b 16 -e signed-integer -t raw -'
    : 'sox -q -D -t wav - -r "$2" -b 16 -e signed-integer -c 1 -t raw -';
  const { stdout } = await run(
    'sh',
    ['-c', `espeak-ng -v "$0" --stdout -- "$1" 2>/dev/null | ${line}`, options.voice ?? 'en-us', text, String(options.sampleRate)],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const speech = new Int16Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + (stdout.length & ~1)));
  const padding = Math.round(((options.paddingMs ?? 300) / 1000) * options.sampleRate);
  const samples = new Int16Array(speech.length + 2 * padding);
  samples.set(speech, padding);
  return { samples, sampleRate: options.sampleRate };
}

/** Cuts an utterance into 20 ms frames, as a transport delivers them. */
export function framesOf(utterance: CallerUtterance, frameMs = 20): PcmFrame[] {
  const size = Math.round((utterance.sampleRate * frameMs) / 1000);
  const frames: PcmFrame[] = [];
  for (let offset = 0; offset < utterance.samples.length; offset += size) {
    frames.push({ samples: utterance.samples.slice(offset, offset + size), sampleRate: utterance.sampleRate });
  }
  return frames;
}
