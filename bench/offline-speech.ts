// Benchmark of the offline speech defaults: STT and TTS real-time factors, and STT word error rate with and without the per-state grammar.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPocketSphinxStt } from '../src/stt/pocketsphinx.ts';
import type { SpeechToText } from '../src/stt/types.ts';
import { createEspeakTts } from '../src/tts/espeak.ts';
import type { Expectation } from '../src/understanding/types.ts';
import { callerUtterance, type CallerUtterance } from '../test/stt/caller-audio.ts';

const names = ['smith', 'jones', 'garcia', 'okafor', 'nguyen', 'patel', 'johnson', 'brown'];
const offered: Expectation = {
  slots: ['choice'],
  options: [
    { label: 'Dr. Amara Okafor on Tuesday at 10:30', name: 'Dr. Amara Okafor', date: '2025-12-02', time: '10:30' },
    { label: 'Dr. Ben Lee on Wednesday at 14:15', name: 'Dr. Ben Lee', date: '2025-12-03', time: '14:15' },
    { label: 'Dr. Rosa Diaz on Friday at 09:00', name: 'Dr. Rosa Diaz', date: '2025-12-05', time: '09:00' },
  ],
};

/** ~20 caller turns across the states that collect slots. */
export const benchmarkUtterances: Array<{ text: string; expectation: Expectation }> = [
  { text: 'my last name is smith', expectation: { slots: ['lastName'] } },
  { text: 'it is okafor', expectation: { slots: ['lastName'] } },
  { text: 'garcia', expectation: { slots: ['lastName'] } },
  { text: 'my last name is nguyen', expectation: { slots: ['lastName'] } },
  { text: 'january fifteenth nineteen eighty five', expectation: { slots: ['dateOfBirth'] } },
  { text: 'march third nineteen seventy two', expectation: { slots: ['dateOfBirth'] } },
  { text: 'the twenty first of july two thousand and one', expectation: { slots: ['dateOfBirth'] } },
  { text: 'five five five zero one zero one two three four', expectation: { slots: ['phone'] } },
  { text: 'my number is two one two five five five one nine eight seven', expectation: { slots: ['phone'] } },
  { text: 'yes', expectation: { slots: ['yesNo'] } },
  { text: 'no', expectation: { slots: ['yesNo'] } },
  { text: 'yes that is correct', expectation: { slots: ['yesNo'] } },
  { text: 'the second one', expectation: offered },
  { text: 'the first one', expectation: offered },
  { text: 'doctor okafor', expectation: offered },
  { text: 'i need a heart doctor', expectation: { slots: ['specialty'] } },
  { text: 'dermatology', expectation: { slots: ['specialty'] } },
  { text: 'next tuesday', expectation: { slots: ['date', 'time'] } },
  { text: 'i want to book an appointment', expectation: { slots: ['intent'] } },
  { text: 'cancel my appointment', expectation: { slots: ['intent'] } },
  { text: 'i want to talk to a person', expectation: { slots: ['yesNo'] } },
];

export interface OfflineSpeechBenchmark {
  utterances: number;
  voices: string[];
  sampleRates: number[];
  /** Decoding time ÷ audio duration, with the grammar (lower is faster; < 1 is faster than real time). */
  sttRealTimeFactor: number;
  sttRealTimeFactorWithoutGrammar: number;
  /** Synthesis time ÷ audio duration. */
  ttsRealTimeFactor: number;
  /** Time to the first TTS frame of a two-sentence reply, ms. */
  ttsFirstChunkMs: number;
  /** Word error rate, 0–1, per sample rate. */
  wordErrorRateWithGrammar: Record<string, number>;
  wordErrorRateWithoutGrammar: Record<string, number>;
}

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

export async function benchmarkOfflineSpeech(options: { voices?: string[]; sampleRates?: number[] } = {}): Promise<OfflineSpeechBenchmark> {
  const voices = options.voices ?? ['en-us+klatt', 'en-us'];
  const sampleRates = options.sampleRates ?? [16000, 8000];
  const stt = createPocketSphinxStt({ names });
  const withGrammar: Record<string, { errors: number; words: number }> = {};
  const withoutGrammar: Record<string, { errors: number; words: number }> = {};
  let audioMs = 0;
  let grammarDecodeMs = 0;
  let freeDecodeMs = 0;
  // Warm the decoder pool so model loading is not counted as decoding.
  await transcribe(stt, await callerUtterance('yes', { sampleRate: 16000 }), { slots: ['yesNo'] });
  for (const sampleRate of sampleRates) {
    const key = String(sampleRate);
    withGrammar[key] = { errors: 0, words: 0 };
    withoutGrammar[key] = { errors: 0, words: 0 };
    for (const voice of voices) {
      for (const { text, expectation } of benchmarkUtterances) {
        const utterance = await callerUtterance(text, { voice, sampleRate });
        audioMs += (utterance.samples.length / sampleRate) * 1000;
        const grammar = await transcribe(stt, utterance, expectation);
        const free = await transcribe(stt, utterance, undefined);
        grammarDecodeMs += grammar.decodeMs;
        freeDecodeMs += free.decodeMs;
        for (const [totals, heard] of [[withGrammar[key], grammar.text], [withoutGrammar[key], free.text]] as const) {
          const { errors, words } = wordErrors(text, heard);
          totals.errors += errors;
          totals.words += words;
        }
      }
    }
  }
  await stt.close?.();

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
  const rate = (totals: { errors: number; words: number }) => round(totals.errors / totals.words);
  return {
    utterances: benchmarkUtterances.length,
    voices,
    sampleRates,
    sttRealTimeFactor: round(grammarDecodeMs / audioMs),
    sttRealTimeFactorWithoutGrammar: round(freeDecodeMs / audioMs),
    ttsRealTimeFactor: round(ttsMs / ((ttsSamples / tts.sampleRate) * 1000)),
    ttsFirstChunkMs: round(firstChunkMs / 5, 1),
    wordErrorRateWithGrammar: Object.fromEntries(Object.entries(withGrammar).map(([key, totals]) => [key, rate(totals)])),
    wordErrorRateWithoutGrammar: Object.fromEntries(Object.entries(withoutGrammar).map(([key, totals]) => [key, rate(totals)])),
  };
}

function round(value: number, digits = 3): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchmarkOfflineSpeech();
  const output = join(dirname(fileURLToPath(import.meta.url)), 'results', 'offline-speech.json');
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, JSON.stringify(result, null, 2) + '\n');
  console.table({
    'STT real-time factor (grammar)': result.sttRealTimeFactor,
    'STT real-time factor (generic LM)': result.sttRealTimeFactorWithoutGrammar,
    'TTS real-time factor': result.ttsRealTimeFactor,
    'TTS first chunk, ms': result.ttsFirstChunkMs,
    ...Object.fromEntries(result.sampleRates.map((rate) => [`WER ${rate / 1000} kHz, grammar`, result.wordErrorRateWithGrammar[String(rate)]])),
    ...Object.fromEntries(result.sampleRates.map((rate) => [`WER ${rate / 1000} kHz, generic LM`, result.wordErrorRateWithoutGrammar[String(rate)]])),
  });
  console.log(`written to ${output}`);
}
