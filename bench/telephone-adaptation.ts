// `npm run adapt:telephone`: makes src/stt/models/en-us-telephone.mllr, the MLLR transform the offline recognizer applies
// to telephone audio. PocketSphinx's en-us model is wideband (its filterbank reaches 6.8 kHz); 8 kHz audio upsampled to
// 16 kHz has nothing above 4 kHz, and the model heard espeak-ng voices there far worse than at 16 kHz. This speaks
// sentences in voices that neither caller corpus uses (bench:callers, bench/offline-speech.ts), through the phone line's
// path (8 kHz, μ-law and back, the recognizer's 16 kHz resampler), and estimates one global transform of the model's
// means from them with sphinxtrain (sphinx_fe, bw, mllr_solve). Needs the Debian packages named in `neededPackages`.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mulawToPcm16, pcm16ToMulaw } from '../src/audio/mulaw.ts';
import { resample } from '../src/audio/resampler.ts';
import { telephoneAdaptationFile } from '../src/stt/pocketsphinx.ts';
import { requireCommands, speak, type CallerVoice } from './callers/voices.ts';

const run = promisify(execFile);

const neededPackages = 'apt-get install -y espeak-ng festival festvox-kdlpc16k sox pocketsphinx pocketsphinx-en-us sphinxbase-utils sphinxtrain';
const modelDirectory = '/usr/share/pocketsphinx/model/en-us';
const sphinxtrain = '/usr/lib/sphinxtrain';

/**
 * Training voices: espeak-ng variants and accents, and festival's ked, none of them a voice the corpora measure with
 * (those are espeak-ng en-us, en-us+m3, en-us+f2, en-us+klatt, en+f3, flite slt, rms, awb, kal and festival kal), so
 * the corpora measure the transform on voices it never heard.
 */
const trainingVoices: CallerVoice[] = [
  ...['en-us+m1', 'en-us+m2', 'en-us+m4', 'en-us+m5', 'en-us+m7', 'en-us+f1', 'en-us+f4', 'en-us+klatt2', 'en-us+klatt3', 'en-gb', 'en-gb-scotland', 'en-029', 'en-us+Andy', 'en-us+Annie'].map(
    (voice): CallerVoice => ({ id: voice, synthesizer: 'espeak-ng', voice, rate: 1 }),
  ),
  { id: 'ked', synthesizer: 'festival', voice: 'voice_ked_diphone', rate: 1 },
];
const sentencesPerVoice = 52;

/** A seeded generator: each run speaks the same sentences at the same rates (sox's dither still varies the audio a little). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'twenty first', 'twenty second', 'twenty third', 'twenty fourth', 'twenty fifth', 'twenty sixth', 'twenty seventh', 'twenty eighth', 'twenty ninth', 'thirtieth', 'thirty first'];
const digits = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh'];
// Surnames other than the fixture patients' and the corpus callers'.
const surnames = ['murphy', 'turner', 'phillips', 'parker', 'evans', 'edwards', 'collins', 'stewart', 'morris', 'cook', 'rogers', 'morgan', 'cooper', 'peterson', 'reed', 'bailey', 'bell', 'kelly', 'howard', 'ward', 'cox', 'richardson', 'wood', 'watson', 'brooks', 'bennett', 'gray', 'james', 'hughes', 'price', 'sanders', 'myers', 'long', 'ross', 'foster'];
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const requests = ['i would like to book an appointment', 'i need to cancel my appointment', 'can i move my appointment to another day', 'what appointments do i have', 'i need to see a skin doctor', 'i would like to see a heart doctor', 'i need a refill of my medication', 'can i talk to a real person'];
const answers = ['yes that is right', 'yeah', 'no that is wrong', 'correct', 'nope', 'yes please', 'no thank you', 'that is right'];
const choices = ['the first one please', 'the second one', 'the earliest you have', 'in the morning please', 'that is all thanks', 'nothing else goodbye', 'okay so the third one is fine', 'um i am not sure'];
// Harvard sentences: words a clinic's grammar does not hold, so the transform is not only of its phrases.
const general = ['the birch canoe slid on the smooth planks', 'glue the sheet to the dark blue background', 'it is easy to tell the depth of a well', 'these days a chicken leg is a rare dish', 'rice is often served in round bowls', 'the juice of lemons makes fine punch', 'the box was thrown beside the parked truck', 'four hours of steady work faced us', 'a large size in stockings is hard to sell', 'the boy was there when the sun rose', 'a rod is used to catch pink salmon', 'the source of the huge river is the clear spring', 'kick the ball straight and follow through', 'help the woman get back to her feet', 'a pot of tea helps to pass the evening'];

/** The sentences, in the order the voices take them: names, birth dates, phone numbers, answers, requests, days, choices, general speech. */
function sentenceMaker(random: () => number): (index: number) => string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const year = () => (random() < 0.8 ? `nineteen ${pick(['forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'])} ${pick(digits.slice(1, 10))}` : `two thousand and ${pick(digits.slice(1, 10))}`);
  const birthDate = () => `${pick(months)} ${pick(ordinals)} ${year()}`;
  const phone = () => Array.from({ length: 10 }, () => pick(digits)).join(' ');
  const templates: Array<() => string> = [
    () => `my last name is ${pick(surnames)}`,
    () => `it's ${pick(surnames)}`,
    () => `${pick(surnames)} thank you`,
    birthDate,
    () => `my date of birth is ${birthDate()}`,
    () => `i was born on ${birthDate()}`,
    phone,
    () => `my number is ${phone()}`,
    () => pick(answers),
    () => pick(requests),
    () => `do you have anything on ${pick(weekdays)} the ${pick(ordinals)}`,
    () => pick(choices),
    () => pick(general),
  ];
  return (index) => (templates[index % templates.length] as () => string)();
}

/** `sendump` (8-bit mixture weights, all PocketSphinx ships) as the s3 `mixture_weights` file sphinxtrain's bw reads. */
export function mixtureWeightsFromSendump(sendump: Buffer): Buffer {
  let offset = 0;
  const word = () => {
    const value = sendump.readUInt32LE(offset);
    offset += 4;
    return value;
  };
  const text = () => {
    const length = word();
    const value = length === 0 ? null : sendump.subarray(offset, offset + length - 1).toString('latin1');
    offset += length;
    return value;
  };
  text(); // title
  const header = new Map<string, number>();
  for (let line = text(); line !== null; line = text()) {
    const [name, value] = line.split(/\s+/);
    if (name && value && /^\d+$/.test(value)) header.set(name, Number(value));
  }
  const shift = header.get('mixw_shift') ?? 10;
  const features = header.get('feature_count') ?? 0;
  if (header.get('cluster_count')) throw new Error('a clustered sendump is not supported');
  const densities = word();
  const senones = word();
  if (features === 0 || offset + features * densities * senones !== sendump.length) throw new Error('sendump: unexpected size');
  // Stored per feature and density, a byte per senone: −log base 1.0001 of the weight, shifted right by `shift`.
  const weights = new Float32Array(senones * features * densities);
  for (let feature = 0; feature < features; feature += 1) {
    for (let density = 0; density < densities; density += 1) {
      for (let senone = 0; senone < senones; senone += 1) {
        weights[(senone * features + feature) * densities + density] = 1.0001 ** -((sendump[offset] as number) << shift);
        offset += 1;
      }
    }
  }
  const head = Buffer.from('s3\nversion 1.0\nendhdr\n', 'latin1');
  const dimensions = Buffer.alloc(20);
  [0x11223344, senones, features, densities, senones * features * densities].forEach((value, index) => dimensions.writeUInt32LE(value, index * 4));
  return Buffer.concat([head, dimensions, Buffer.from(weights.buffer)]);
}

async function main(): Promise<void> {
  await requireCommands(['espeak-ng', 'text2wave', 'sox', 'sphinx_fe', 'pocketsphinx_mdef_convert', `${sphinxtrain}/bw`, `${sphinxtrain}/mllr_solve`], neededPackages);
  const work = await mkdtemp(join(tmpdir(), 'frontdesk-telephone-adaptation-'));
  try {
    const random = seeded(7);
    const sentence = sentenceMaker(random);
    const ids: string[] = [];
    const transcripts: string[] = [];
    for (const voice of trainingVoices) {
      for (let index = 0; index < sentencesPerVoice; index += 1) {
        const words = sentence(index);
        const rate = [0.9, 1, 1.1, 1.2][Math.floor(random() * 4)] as number;
        const line = mulawToPcm16(pcm16ToMulaw(await speak({ ...voice, rate }, words, 8000)));
        // 0.2 s of faint noise either side, as a line's silence sounds, for the aligner's silences.
        const padded = new Int16Array(line.length + 3200);
        for (let sample = 0; sample < padded.length; sample += 1) padded[sample] = Math.round((random() * 2 - 1) * 3);
        for (let sample = 0; sample < line.length; sample += 1) padded[1600 + sample] = (padded[1600 + sample] as number) + (line[sample] as number);
        const wide = await resample(padded, 8000, 16000, 'medium');
        const id = `${voice.id.replace(/[^a-z0-9]/gi, '_')}_${index}`;
        await writeFile(join(work, `${id}.raw`), Buffer.from(wide.buffer, wide.byteOffset, wide.byteLength));
        ids.push(id);
        transcripts.push(`<s> ${words} </s> (${id})`);
      }
    }
    await writeFile(join(work, 'train.fileids'), `${ids.join('\n')}\n`);
    await writeFile(join(work, 'train.transcription'), `${transcripts.join('\n')}\n`);
    const model = join(work, 'en-us');
    await mkdir(model);
    for (const file of ['feat.params', 'mdef', 'means', 'variances', 'transition_matrices', 'noisedict']) await copyFile(join(modelDirectory, 'en-us', file), join(model, file));
    await writeFile(join(model, 'mixture_weights'), mixtureWeightsFromSendump(await readFile(join(modelDirectory, 'en-us', 'sendump'))));
    await run('pocketsphinx_mdef_convert', ['-text', join(model, 'mdef'), join(work, 'mdef.txt')]);
    const options = { cwd: work, maxBuffer: 64 * 1024 * 1024 };
    await run('sphinx_fe', ['-argfile', join(model, 'feat.params'), '-samprate', '16000', '-c', 'train.fileids', '-di', '.', '-do', '.', '-ei', 'raw', '-eo', 'mfc', '-raw', 'yes'], options);
    const { stderr } = await run(
      `${sphinxtrain}/bw`,
      ['-hmmdir', model, '-moddeffn', 'mdef.txt', '-ts2cbfn', '.ptm.', '-feat', '1s_c_d_dd', '-svspec', '0-12/13-25/26-38', '-cmn', 'current', '-agc', 'none',
        '-dictfn', join(modelDirectory, 'cmudict-en-us.dict'), '-fdictfn', join(model, 'noisedict'), '-ctlfn', 'train.fileids', '-lsnfn', 'train.transcription', '-accumdir', '.'],
      options,
    );
    const unaligned = stderr.split('\n').filter((line) => line.includes('Failed to align')).length;
    await run(`${sphinxtrain}/mllr_solve`, ['-meanfn', join(model, 'means'), '-varfn', join(model, 'variances'), '-outmllrfn', 'mllr_matrix', '-accumdir', '.'], options);
    await copyFile(join(work, 'mllr_matrix'), telephoneAdaptationFile);
    console.log(`${ids.length} utterances from ${trainingVoices.length} voices (${unaligned} not aligned, left out); wrote ${telephoneAdaptationFile}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
