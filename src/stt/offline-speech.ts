// Whether the offline speech defaults (PocketSphinx STT, espeak-ng TTS) can run on this machine, and what to install if not.
import { isFrontdeskError } from '../errors.ts';
import { espeakInstalled } from '../tts/espeak.ts';
import { loadPocketSphinx, type PocketSphinxPaths } from './pocketsphinx-library.ts';

export interface OfflineSpeechAvailability {
  stt: boolean;
  tts: boolean;
  /** Debian packages to install for what is unavailable. */
  missing: string[];
}

export function offlineSpeechAvailable(options: PocketSphinxPaths & { espeakCommand?: string } = {}): OfflineSpeechAvailability {
  const missing: string[] = [];
  let stt = true;
  try {
    loadPocketSphinx(options);
  } catch (error) {
    if (!isFrontdeskError(error, 'CONFIG_INVALID')) throw error;
    stt = false;
    missing.push('pocketsphinx', 'pocketsphinx-en-us', 'libpocketsphinx3');
  }
  const tts = espeakInstalled(options.espeakCommand);
  if (!tts) missing.push('espeak-ng');
  return { stt, tts, missing };
}
