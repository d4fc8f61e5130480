// Pronunciations for words missing from CMUdict (clinic names, provider names): espeak-ng's IPA mapped to CMU (ARPAbet) phones.
import { spawn } from 'node:child_process';

// Longest match first; stress marks and length marks that follow a listed symbol are absorbed by the longer key.
const ipaToArpabet: Array<[string, string]> = [
  ['aɪɚ', 'AY ER'], ['aɪə', 'AY ER'], ['ɑːɹ', 'AA R'], ['ɔːɹ', 'AO R'], ['ɛɹ', 'EH R'], ['ɪɹ', 'IH R'], ['ʊɹ', 'UH R'], ['oːɹ', 'AO R'],
  ['iə', 'IY AH'], ['dʒ', 'JH'], ['tʃ', 'CH'], ['aɪ', 'AY'], ['aʊ', 'AW'], ['ɔɪ', 'OY'], ['eɪ', 'EY'], ['oʊ', 'OW'], ['əʊ', 'OW'],
  ['ɑː', 'AA'], ['ɔː', 'AO'], ['uː', 'UW'], ['iː', 'IY'], ['ɜː', 'ER'], ['oː', 'OW'], ['n̩', 'AH N'], ['l̩', 'AH L'], ['m̩', 'AH M'],
  ['ɑ', 'AA'], ['æ', 'AE'], ['ʌ', 'AH'], ['ə', 'AH'], ['ɐ', 'AH'], ['ɚ', 'ER'], ['ɝ', 'ER'], ['ɜ', 'ER'], ['ɔ', 'AO'], ['ɒ', 'AA'],
  ['o', 'OW'], ['e', 'EY'], ['ɛ', 'EH'], ['ɪ', 'IH'], ['ᵻ', 'IH'], ['i', 'IY'], ['ʊ', 'UH'], ['u', 'UW'], ['a', 'AA'],
  ['b', 'B'], ['d', 'D'], ['f', 'F'], ['ɡ', 'G'], ['g', 'G'], ['h', 'HH'], ['k', 'K'], ['l', 'L'], ['m', 'M'], ['n', 'N'],
  ['ŋ', 'NG'], ['p', 'P'], ['ɹ', 'R'], ['r', 'R'], ['s', 'S'], ['ʃ', 'SH'], ['t', 'T'], ['θ', 'TH'], ['ð', 'DH'], ['v', 'V'],
  ['w', 'W'], ['j', 'Y'], ['z', 'Z'], ['ʒ', 'ZH'], ['ɾ', 'D'], ['ʔ', 'T'], ['x', 'K'], ['ç', 'HH'], ['ɬ', 'L'],
];
const ignored = new Set(['ˈ', 'ˌ', 'ː', 'ˑ', '̩', '-', ' ', '‿', '.', '\u0303']);

/** Converts one word's IPA (as espeak-ng prints it) to space-separated CMU phones; null when a symbol is unknown. */
export function arpabetFromIpa(ipa: string): string | null {
  const phones: string[] = [];
  let index = 0;
  outer: while (index < ipa.length) {
    const character = ipa[index] as string;
    if (ignored.has(character)) {
      index += 1;
      continue;
    }
    for (const [symbol, arpabet] of ipaToArpabet) {
      if (ipa.startsWith(symbol, index)) {
        phones.push(arpabet);
        index += symbol.length;
        continue outer;
      }
    }
    return null;
  }
  return phones.length > 0 ? phones.join(' ') : null;
}

const cache = new Map<string, string | null>();

/**
 * Pronounces lower-case words with espeak-ng (one child process per batch, results cached per process).
 * Words espeak-ng cannot voice, or whose IPA holds a symbol we do not map, come back null and are left out of grammars.
 */
export async function pronounceWords(words: string[], options: { espeakCommand?: string } = {}): Promise<Map<string, string | null>> {
  const pending = [...new Set(words)].filter((word) => !cache.has(word));
  if (pending.length > 0) {
    const lines = await runEspeakIpa(pending, options.espeakCommand ?? 'espeak-ng').catch(() => null);
    pending.forEach((word, position) => {
      const ipa = lines && lines.length === pending.length ? lines[position] : undefined;
      cache.set(word, ipa ? arpabetFromIpa(ipa) : null);
    });
  }
  return new Map(words.map((word) => [word, cache.get(word) ?? null]));
}

function runEspeakIpa(words: string[], command: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-q', '--ipa', '-v', 'en-us'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`espeak-ng exited with ${code}`));
      resolve(output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0));
    });
    // One word per line: espeak-ng treats each line as its own clause and prints one IPA line for it.
    child.stdin.end(words.join('\n') + '\n');
  });
}
