// Benchmark of phrasings per question: does each answer, put the ways callers put it, give its values, read as text by
// the rule extractor and heard through the offline recognizer (grammar for the question, telephone transform) in several
// voices over a phone line? `-- --voice espeak-ng:en-us+f5:1.1` (repeatable) other voices, `--rate 16000` the wideband
// path, `--set first|second` one set, `--out NAME` writes bench/results/NAME.{json,md}.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulawToPcm16, pcm16ToMulaw } from '../src/audio/mulaw.ts';
import { createPocketSphinxStt } from '../src/stt/pocketsphinx.ts';
import { extractWithRules } from '../src/understanding/rule-extractor.ts';
import { checkVoices, parseVoice, speak, type CallerVoice } from './callers/voices.ts';
import { transcribe } from './offline-speech.ts';
import { firstSet, secondSet, type Phrasing } from './phrasings-sets.ts';

const { values } = parseArgs({
  options: { voice: { type: 'string', multiple: true }, rate: { type: 'string', default: '8000' }, set: { type: 'string' }, out: { type: 'string', default: 'phrasings' } },
  strict: true,
});
const defaultVoices = [
  'espeak-ng:en-us:1',
  'espeak-ng:en-us+m3:1.2',
  'espeak-ng:en-us+f2:1',
  'espeak-ng:en-us+klatt:1',
  'espeak-ng:en-gb-x-rp:1',
  'flite:slt:1',
  'flite:awb:1',
  'flite:rms:0.85',
  'festival:voice_kal_diphone:1',
];
const voices = (values.voice ?? defaultVoices).map(parseVoice);
const sampleRate = Number(values.rate);
const sets = { first: firstSet, second: secondSet };
const chosen = values.set ? [values.set] : Object.keys(sets);
if (voices.includes(undefined) || (sampleRate !== 8000 && sampleRate !== 16000) || chosen.some((set) => !(set in sets)) || !/^[\w.-]+$/.test(values.out ?? '')) {
  process.stderr.write('usage: npm run bench:phrasings -- [--voice SYNTHESIZER:VOICE:RATE ...] [--rate 8000|16000] [--set first|second] [--out NAME]\n');
  process.exit(2);
}
const callerVoices = voices as CallerVoice[];
await checkVoices(callerVoices);

/** The clinic clock the expected values are resolved against (Tuesday, December 1, 2026). */
const now = '2026-12-01T09:00';
/** The names on file the grammars know (the fixtures' and the phrasings'). */
const names = ['smith', 'garcia', 'chen', 'okafor', 'nguyen', 'patel', 'lindqvist', 'whitfield', 'petrova'];

function gives(text: string, [, expectation, wanted]: Phrasing): boolean {
  const understood = extractWithRules({ text, expectation, now }) as Record<string, unknown>;
  return Object.entries(wanted).every(([slot, value]) => JSON.stringify(understood[slot]) === JSON.stringify(value));
}

const stt = createPocketSphinxStt({ names });
const line = sampleRate === 8000 ? 'Twilio 8 kHz μ-law' : '16 kHz';
const results: Array<{ set: string; voice: string; text: string; heard: string; right: boolean }> = [];
const textRight: Record<string, number> = {};
for (const set of chosen) {
  const phrasings = sets[set as keyof typeof sets];
  textRight[set] = phrasings.filter((phrasing) => gives(phrasing[0], phrasing)).length;
  for (const voice of callerVoices) {
    for (const phrasing of phrasings) {
      const spoken = await speak(voice, phrasing[0], sampleRate);
      // The line's path: μ-law and back at 8 kHz, with a quarter second of silence either side.
      const audio = sampleRate === 8000 ? mulawToPcm16(pcm16ToMulaw(spoken)) : spoken;
      const padded = new Int16Array(audio.length + sampleRate / 2);
      padded.set(audio, sampleRate / 4);
      const heard = (await transcribe(stt, { samples: padded, sampleRate }, phrasing[1])).text;
      results.push({ set, voice: voice.id, text: phrasing[0], heard, right: gives(heard, phrasing) });
    }
  }
}
await stt.close?.();

const count = (rows: typeof results) => `${rows.filter((row) => row.right).length}/${rows.length}`;
const lines = [
  '# Phrasings per question',
  '',
  `Command: \`npm run bench:phrasings${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`. ${line}; the offline recognizer as \`frontdesk serve\` runs it. A phrasing is right when what was heard gives the values it must (the rule extractor reads both). Sets: \`bench/phrasings-sets.ts\`.`,
  '',
  `| set | read as text | ${callerVoices.map((voice) => voice.id).join(' | ')} | heard, all voices |`,
  `|---|---|${callerVoices.map(() => '---').join('|')}|---|`,
  ...chosen.map((set) => {
    const rows = results.filter((row) => row.set === set);
    const total = sets[set as keyof typeof sets].length;
    return `| ${set} | ${textRight[set]}/${total} | ${callerVoices.map((voice) => count(rows.filter((row) => row.voice === voice.id))).join(' | ')} | **${count(rows)}** |`;
  }),
  '',
  '## Heard wrong in most voices',
  '',
  ...[...new Set(results.map((row) => row.text))]
    .map((text) => ({ text, wrong: results.filter((row) => row.text === text && !row.right) }))
    .filter(({ wrong }) => wrong.length > callerVoices.length / 2)
    .map(({ text, wrong }) => `- "${text}": ${wrong.length} of ${callerVoices.length} voices (e.g. ${wrong[0]!.voice}: "${wrong[0]!.heard}")`),
];
const directory = join(import.meta.dirname, 'results');
writeFileSync(join(directory, `${values.out}.md`), `${lines.join('\n')}\n`);
writeFileSync(join(directory, `${values.out}.json`), `${JSON.stringify({ line, voices: callerVoices.map((voice) => voice.id), textRight, results }, null, 2)}\n`);
process.stdout.write(`${lines.slice(4, 6 + chosen.length).join('\n')}\nwritten to bench/results/${values.out}.md and .json\n`);
