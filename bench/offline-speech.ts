// Benchmark of the offline speech defaults: STT word error rate, value accuracy, confidence and cost per recognizer mode, synthesizer and sample rate; TTS speed.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPocketSphinxStt } from '../src/stt/pocketsphinx.ts';
import type { SpeechToText } from '../src/stt/types.ts';
import { createEspeakTts } from '../src/tts/espeak.ts';
import type { Expectation } from '../src/understanding/types.ts';
import { extractWithRules } from '../src/understanding/rule-extractor.ts';
import { callerUtterance, type CallerUtterance } from '../test/stt/caller-audio.ts';
import { availableSynthesizers, corpus, corpusNames, corpusNow, scoringWords, speak } from './offline-speech-corpus.ts';

/** Levenshtein distance over words ÷ reference length. */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const expected = reference.split(' ').filter(Boolean);
  const heard = hypothesis.split(' ').filter(Boolean);
  let previous = Array.from({ length: heard.length + 1 }, (_value, index) => index);
  for (let row = 1; row <= expected.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= heard.length; column += 1) {
      const substitution = (previous[column - 1] as number) + (expected[row - 1] === heard[column - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[column] as number) + 1, (current[column - 1] as number) + 1));
    }
    previous = current;
  }
  return { errors: previous[heard.length] as number, words: expected.length };
}

/** One utterance through `stt` in 20 ms frames: its final text and the time it took. */
export async function transcribe(stt: SpeechToText, utterance: CallerUtterance, expectation: Expectation | undefined): Promise<{ text: string; decodeMs: number }> {
  const started = performance.now();
  const stream = await stt.open({ sampleRate: utterance.sampleRate, expectation });
  const frameSize = utterance.sampleRate / 50;
  let text = '';
  const reading = (async () => {
    for await (const event of stream) if (event.type === 'final') text = event.text;
  })();
  for (let offset = 0; offset < utterance.samples.length; offset += frameSize) {
    stream.push({ samples: utterance.samples.slice(offset, offset + frameSize), sampleRate: utterance.sampleRate });
  }
  stream.end();
  await reading;
  return { text, decodeMs: performance.now() - started };
}

export type RecognizerMode = 'grammar' | 'combined' | 'language-model';

/** One (mode, synthesizer, rate) cell: word error rate, value accuracy, confidence and cost. */
export interface CorpusCell {
  mode: RecognizerMode;
  synthesizer: string;
  sampleRate: number;
  utterances: number;
  /** Word errors ÷ reference words, 0–1. */
  wordErrorRate: number;
  /** Share of utterances whose transcript gives the rule extractor exactly the values the words said give it, 0–1. */
  valueAccuracy: number;
  /** Mean reported confidence of the right and the wrong ones (values), 0–1; null when none. */
  meanConfidenceRight: number | null;
  meanConfidenceWrong: number | null;
  /** Share of utterances decoded a second time with the generic language model, 0–1. */
  secondPassShare: number;
  /** Decoding time ÷ audio duration. */
  realTimeFactor: number;
}

export interface OfflineSpeechBenchmark {
  utterances: number;
  voices: string[];
  sampleRates: number[];
  /** Decoding time ÷ audio duration, the default recognizer (lower is faster; < 1 is faster than real time). */
  sttRealTimeFactor: number;
  sttRealTimeFactorWithoutGrammar: number;
  /** Synthesis time ÷ audio duration. */
  ttsRealTimeFactor: number;
  /** Time to the first TTS frame of a two-sentence reply, ms. */
  ttsFirstChunkMs: number;
  /** Word error rate, 0–1, per sample rate, over every synthesizer: the default recognizer, and the generic LM alone (its synthesizers only). */
  wordErrorRateWithGrammar: Record<string, number>;
  wordErrorRateWithoutGrammar: Record<string, number>;
  /** Value accuracy per mode and sample rate over all its synthesizers, 0–1. */
  valueAccuracy: Record<string, Record<string, number>>;
  wordErrorRate: Record<string, Record<string, number>>;
  /** Per mode, synthesizer and rate. */
  cells: CorpusCell[];
  /** Value accuracy by reported confidence (default recognizer): how far a confidence can be trusted. */
  confidenceCalibration: Array<{ confidence: string; utterances: number; valueAccuracy: number }>;
}

/** The generic LM alone costs ~10× a grammar: measured on these synthesizers only, to keep the run to a few minutes. */
const languageModelSynthesizers = ['espeak-ng en-us+klatt', 'espeak-ng en-us', 'flite slt', 'festival kal_diphone'];

interface Heard {
  text: string;
  confidence: number | undefined;
  decodeMs: number;
  secondPass: boolean;
}

/** Values the rule extractor reads from `text` in the state, `reason` aside (free text is not a value to match). */
function valuesOf(text: string, expectation: Expectation): string {
  const { reason: _reason, ...values } = extractWithRules({ text, expectation, now: corpusNow });
  return JSON.stringify(Object.fromEntries(Object.entries(values).sort(([left], [right]) => left.localeCompare(right))));
}

export async function benchmarkOfflineSpeech(
  options: { modes?: RecognizerMode[]; synthesizers?: string[]; sampleRates?: Array<16000 | 8000>; telephoneAdaptation?: string | null } = {},
): Promise<OfflineSpeechBenchmark> {
  const modes = options.modes ?? ['grammar', 'combined', 'language-model'];
  const sampleRates = options.sampleRates ?? [16000, 8000];
  const voices = (await availableSynthesizers()).filter((synthesizer) => !options.synthesizers || options.synthesizers.includes(synthesizer.id));
  const secondPasses = { count: 0 };
  const adaptation = options.telephoneAdaptation === undefined ? {} : { telephoneAdaptation: options.telephoneAdaptation };
  const recognizers: Record<'grammar' | 'combined', SpeechToText> = {
    grammar: createPocketSphinxStt({ names: corpusNames, secondPass: 'never', ...adaptation }),
    combined: createPocketSphinxStt({ names: corpusNames, secondPass: 'all', onSecondPass: () => (secondPasses.count += 1), ...adaptation }),
  };
  // Warm the decoder pools so model loading is not counted as decoding.
  const warm = await callerUtterance('yes', { sampleRate: 16000 });
  for (const stt of Object.values(recognizers)) {
    await transcribe(stt, warm, { slots: ['yesNo'] });
    await transcribe(stt, warm, undefined);
  }
  const cells: CorpusCell[] = [];
  const calibration = new Map<number, { right: number; all: number }>();
  for (const sampleRate of sampleRates) {
    for (const synthesizer of voices) {
      const audio: Int16Array[] = [];
      for (let index = 0; index < corpus.length; index += 4) {
        audio.push(...(await Promise.all(corpus.slice(index, index + 4).map((utterance) => speak(synthesizer, utterance.spoken, sampleRate)))));
      }
      for (const mode of modes) {
        if (mode === 'language-model' && !languageModelSynthesizers.includes(synthesizer.id)) continue;
        let errors = 0;
        let words = 0;
        let right = 0;
        let audioMs = 0;
        let decodeMs = 0;
        let rechecked = 0;
        const confidences = { right: [] as number[], wrong: [] as number[] };
        for (const [index, utterance] of corpus.entries()) {
          const samples = audio[index] as Int16Array;
          const before = secondPasses.count;
          const stt = mode === 'combined' ? recognizers.combined : recognizers.grammar;
          const heard: Heard = { ...(await transcribeWithConfidence(stt, { samples, sampleRate }, mode === 'language-model' ? undefined : utterance.expectation)), secondPass: false };
          heard.secondPass = secondPasses.count > before;
          const reference = scoringWords(utterance.spoken).join(' ');
          const scored = wordErrors(reference, scoringWords(heard.text).join(' '));
          errors += scored.errors;
          words += scored.words;
          const correct = valuesOf(heard.text, utterance.expectation) === valuesOf(utterance.spoken, utterance.expectation);
          if (correct) right += 1;
          if (heard.confidence !== undefined) {
            (correct ? confidences.right : confidences.wrong).push(heard.confidence);
            if (mode === modes[0]) {
              const bucket = Math.min(4, Math.floor(heard.confidence * 5));
              const totals = calibration.get(bucket) ?? { right: 0, all: 0 };
              totals.all += 1;
              if (correct) totals.right += 1;
              calibration.set(bucket, totals);
            }
          }
          audioMs += (samples.length / sampleRate) * 1000;
          decodeMs += heard.decodeMs;
          if (heard.secondPass) rechecked += 1;
        }
        const mean = (values: number[]) => (values.length > 0 ? round(values.reduce((sum, value) => sum + value, 0) / values.length) : null);
        const cell: CorpusCell = {
          mode,
          synthesizer: synthesizer.id,
          sampleRate,
          utterances: corpus.length,
          wordErrorRate: round(errors / words),
          valueAccuracy: round(right / corpus.length),
          meanConfidenceRight: mean(confidences.right),
          meanConfidenceWrong: mean(confidences.wrong),
          secondPassShare: round(rechecked / corpus.length),
          realTimeFactor: round(decodeMs / audioMs),
        };
        cells.push(cell);
        process.stderr.write(`${mode} ${synthesizer.id} ${sampleRate}: WER ${cell.wordErrorRate}, values ${cell.valueAccuracy}, second pass ${cell.secondPassShare}, RTF ${cell.realTimeFactor}\n`);
      }
    }
  }
  for (const stt of Object.values(recognizers)) await stt.close?.();

  const tts = createEspeakTts();
  const reply = 'I found an opening with Doctor Amara Okafor on Tuesday at ten thirty in the morning. Would you like me to book it?';
  let ttsSamples = 0;
  let ttsMs = 0;
  let firstChunkMs = 0;
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    let first: number | undefined;
    for await (const frame of tts.synthesize(reply)) {
      first ??= performance.now() - started;
      ttsSamples += frame.samples.length;
    }
    ttsMs += performance.now() - started;
    firstChunkMs += first ?? 0;
  }
  /** Mean of a field over the cells of a mode (and rate), each cell weighing alike (same utterances). */
  const average = (mode: RecognizerMode, field: 'wordErrorRate' | 'valueAccuracy' | 'realTimeFactor', sampleRate?: number) => {
    const chosen = cells.filter((cell) => cell.mode === mode && (sampleRate === undefined || cell.sampleRate === sampleRate));
    return chosen.length > 0 ? round(chosen.reduce((sum, cell) => sum + cell[field], 0) / chosen.length) : NaN;
  };
  const byRate = (mode: RecognizerMode, field: 'wordErrorRate' | 'valueAccuracy') => Object.fromEntries(sampleRates.map((rate) => [String(rate), average(mode, field, rate)]));
  const defaultMode: RecognizerMode = modes.includes('combined') ? 'combined' : 'grammar';
  return {
    utterances: corpus.length,
    voices: voices.map((synthesizer) => synthesizer.id),
    sampleRates,
    sttRealTimeFactor: average(defaultMode, 'realTimeFactor'),
    sttRealTimeFactorWithoutGrammar: average('language-model', 'realTimeFactor'),
    ttsRealTimeFactor: round(ttsMs / ((ttsSamples / tts.sampleRate) * 1000)),
    ttsFirstChunkMs: round(firstChunkMs / 5, 1),
    wordErrorRateWithGrammar: byRate(defaultMode, 'wordErrorRate'),
    wordErrorRateWithoutGrammar: byRate('language-model', 'wordErrorRate'),
    valueAccuracy: Object.fromEntries(modes.map((mode) => [mode, byRate(mode, 'valueAccuracy')])),
    wordErrorRate: Object.fromEntries(modes.map((mode) => [mode, byRate(mode, 'wordErrorRate')])),
    cells,
    confidenceCalibration: [...calibration.entries()]
      .sort(([left], [right]) => left - right)
      .map(([bucket, totals]) => ({ confidence: `${bucket / 5}–${(bucket + 1) / 5}`, utterances: totals.all, valueAccuracy: round(totals.right / totals.all) })),
  };
}

/** `transcribe`, keeping the final's confidence. */
async function transcribeWithConfidence(stt: SpeechToText, utterance: CallerUtterance, expectation: Expectation | undefined): Promise<{ text: string; confidence: number | undefined; decodeMs: number }> {
  const started = performance.now();
  const stream = await stt.open({ sampleRate: utterance.sampleRate, expectation });
  let text = '';
  let confidence: number | undefined;
  const reading = (async () => {
    for await (const event of stream) {
      if (event.type === 'final') {
        text = event.text;
        confidence = event.confidence;
      }
    }
  })();
  const frameSize = utterance.sampleRate / 50;
  for (let offset = 0; offset < utterance.samples.length; offset += frameSize) {
    stream.push({ samples: utterance.samples.slice(offset, offset + frameSize), sampleRate: utterance.sampleRate });
  }
  stream.end();
  await reading;
  return { text, confidence, decodeMs: performance.now() - started };
}

function round(value: number, digits = 3): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const modesArgument = process.argv.find((argument) => argument.startsWith('--modes='));
  const modes = modesArgument ? (modesArgument.slice('--modes='.length).split(',') as RecognizerMode[]) : undefined;
  const synthesizersArgument = process.argv.find((argument) => argument.startsWith('--synthesizers='));
  const ratesArgument = process.argv.find((argument) => argument.startsWith('--rates='));
  const result = await benchmarkOfflineSpeech({
    modes,
    synthesizers: synthesizersArgument?.slice('--synthesizers='.length).split(','),
    sampleRates: ratesArgument?.slice('--rates='.length).split(',').map((rate) => (rate === '8000' ? 8000 : 16000)),
    // `--telephone-adaptation=none`: 8 kHz audio through the plain wideband model, as before the telephone transform.
    ...(process.argv.includes('--telephone-adaptation=none') ? { telephoneAdaptation: null } : {}),
  });
  const directory = join(dirname(fileURLToPath(import.meta.url)), 'results');
  const output = join(directory, process.argv.find((argument) => argument.startsWith('--out='))?.slice('--out='.length) ?? 'offline-speech.json');
  await mkdir(directory, { recursive: true });
  await writeFile(output, JSON.stringify(result, null, 2) + '\n');
  await writeFile(output.replace(/\.json$/, '.md'), markdownOf(result));
  process.stdout.write(markdownOf(result));
  console.log(`written to ${output}`);
}

function markdownOf(result: OfflineSpeechBenchmark): string {
  const modes = Object.keys(result.valueAccuracy) as RecognizerMode[];
  const rows = result.voices.flatMap((voice) =>
    result.sampleRates.map((rate) => {
      const cell = (mode: RecognizerMode) => result.cells.find((entry) => entry.mode === mode && entry.synthesizer === voice && entry.sampleRate === rate);
      const shown = modes.map((mode) => {
        const found = cell(mode);
        return found ? `${found.wordErrorRate} / ${found.valueAccuracy}` : '–';
      });
      return `| ${voice} | ${rate === 8000 ? '8 kHz μ-law' : '16 kHz'} | ${shown.join(' | ')} |`;
    }),
  );
  return `# Offline speech benchmark

${result.utterances} caller turns (fillers, politeness, corrections, several fields at once, numbers chunked) × ${result.voices.length} synthesizers × 16 kHz and 8 kHz μ-law. Cells: word error rate / value accuracy (the rule extractor gets exactly the values the words said give it).

| synthesizer | rate | ${modes.join(' | ')} |
|---|---|${modes.map(() => '---|').join('')}
${rows.join('\n')}
| **mean** | 16 kHz | ${modes.map((mode) => `${result.wordErrorRate[mode]?.['16000']} / ${result.valueAccuracy[mode]?.['16000']}`).join(' | ')} |
| **mean** | 8 kHz μ-law | ${modes.map((mode) => `${result.wordErrorRate[mode]?.['8000']} / ${result.valueAccuracy[mode]?.['8000']}`).join(' | ')} |

Real-time factor (decoding ÷ audio): default ${result.sttRealTimeFactor}, generic LM alone ${result.sttRealTimeFactorWithoutGrammar}. Second pass share per cell in offline-speech.json.

Confidence calibration (${modes[0]}): ${result.confidenceCalibration.map((bucket) => `${bucket.confidence}: ${bucket.valueAccuracy} of ${bucket.utterances}`).join('; ')}.
`;
}
