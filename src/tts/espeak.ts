// Offline text-to-speech: espeak-ng as a streamed child process (WAV on stdout, 22050 Hz), killed at once on abort.
import { spawnSync } from 'node:child_process';
import { FrontdeskError } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { launch, prepareLauncher } from './process-launcher.ts';
import type { SynthesisOptions, TextToSpeech } from './types.ts';

export interface EspeakTtsOptions {
  /** espeak-ng voice, e.g. "en-us" (default) or "en-us+f3". */
  voice?: string;
  /** Words per minute, 80–450; espeak-ng's default is 175. */
  rate?: number;
  /** Executable, default "espeak-ng" from PATH. */
  command?: string;
}

/** espeak-ng's native output rate, Hz. */
export const espeakSampleRate = 22050;
const wavHeaderBytes = 44;
/** Largest frame yielded, samples (~46 ms at 22050 Hz). */
const samplesPerFrame = 1024;

export const missingEspeakMessage = 'offline TTS needs the Debian package espeak-ng: apt-get install espeak-ng';

/**
 * Creates the offline TTS; throws CONFIG_INVALID when espeak-ng is not installed.
 * A child process per sentence (rather than libespeak-ng in-process): the library holds one global synthesizer,
 * so in-process calls would queue behind each other, while processes run calls in parallel and abort by kill.
 * espeak-ng starts in ~15 ms and synthesizes ~400× faster than real time, so the process cost is small; the
 * processes are started by the launcher's helper (started here), never forked from this process.
 */
export function createEspeakTts(options: EspeakTtsOptions = {}): TextToSpeech {
  const command = options.command ?? 'espeak-ng';
  if (!espeakInstalled(command)) throw new FrontdeskError('CONFIG_INVALID', missingEspeakMessage);
  const voice = options.voice ?? 'en-us';
  if (!/^[a-zA-Z0-9_+-]+$/.test(voice)) throw new FrontdeskError('CONFIG_INVALID', `invalid espeak-ng voice "${voice}"`);
  const rate = options.rate ?? 175;
  if (!Number.isFinite(rate) || rate < 80 || rate > 450) throw new FrontdeskError('CONFIG_INVALID', `espeak-ng rate ${rate} is outside 80–450 words per minute`);
  void prepareLauncher();
  return {
    name: 'espeak',
    sampleRate: espeakSampleRate,
    synthesize: (text, synthesisOptions) => synthesize(command, ['--stdout', '-v', voice, '-s', String(Math.round(rate))], text, synthesisOptions),
  };
}

export function espeakInstalled(command = 'espeak-ng'): boolean {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

async function* synthesize(command: string, args: string[], text: string, options: SynthesisOptions = {}): AsyncGenerator<PcmFrame> {
  const abortSignal = options.abortSignal;
  if (abortSignal?.aborted || text.trim().length === 0) return;
  // Text goes through stdin so that a reply starting with "-" is never read as an option. Started by the launcher's small
  // helper process: a fork of this one, large under load, would stall every call's audio (src/tts/process-launcher.ts).
  const child = launch(command, args, text.replace(/\s+/g, ' ').trim() + '\n');
  const kill = () => child.kill();
  abortSignal?.addEventListener('abort', kill, { once: true });
  let exitError: Error | null = null;
  const exited = child.exited.then(({ code, signal, error }) => {
    if (error) exitError = new Error(error);
    else if (code !== 0 && signal === null) exitError = new Error(`espeak-ng exited with ${code}`);
  });

  let headerRemaining = wavHeaderBytes;
  let carry: Buffer | null = null;
  try {
    for await (const chunk of child.stdout) {
      if (abortSignal?.aborted) return;
      let data = chunk;
      if (headerRemaining > 0) {
        const skipped = Math.min(headerRemaining, data.length);
        headerRemaining -= skipped;
        data = data.subarray(skipped);
      }
      if (carry) {
        data = Buffer.concat([carry, data]);
        carry = null;
      }
      if (data.length % 2 === 1) {
        carry = Buffer.from(data.subarray(data.length - 1));
        data = data.subarray(0, data.length - 1);
      }
      if (data.length === 0) continue;
      // Pipe reads can hold a second of audio; smaller frames let an abort (barge-in) cut in within ~46 ms.
      for (let offset = 0; offset < data.length; offset += samplesPerFrame * 2) {
        const bytes = data.subarray(offset, Math.min(data.length, offset + samplesPerFrame * 2));
        const samples = new Int16Array(bytes.length / 2);
        for (let index = 0; index < samples.length; index += 1) samples[index] = bytes.readInt16LE(index * 2);
        yield { samples, sampleRate: espeakSampleRate };
        if (abortSignal?.aborted) return;
      }
    }
    await exited;
    if (exitError && !abortSignal?.aborted) throw new FrontdeskError('PROVIDER_FAILED', 'espeak-ng failed', { cause: exitError });
  } finally {
    abortSignal?.removeEventListener('abort', kill);
    kill();
  }
}
