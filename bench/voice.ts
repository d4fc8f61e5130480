// `npm run bench:voice`: VAD and offline speech (delegated to bench/vad.ts and bench/offline-speech.ts), engine overhead per turn, and the offline loop's voice-to-voice latency with and without slot-aware endpointing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCallRuntime } from '../src/dialog/call-runtime.ts';
import type { TurnLatency } from '../src/dialog/voice-call.ts';
import { silentLogger } from '../src/log.ts';
import { createPocketSphinxStt } from '../src/stt/pocketsphinx.ts';
import { runWavCall } from '../src/transports/wav-call.ts';
import { createEspeakTts } from '../src/tts/espeak.ts';
import { callerWav, johnSmithBooksByVoice } from '../test/helpers/caller-wav.ts';

const root = join(import.meta.dirname, '..');
const results = join(root, 'bench/results');
const now = new Date('2026-12-01T09:00:00-05:00');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function freshRuntime() {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-bench-'));
  return openCallRuntime({ databaseFile: join(directory, 'ehr.db'), auditFile: join(directory, 'audit.jsonl'), now, logger: silentLogger() });
}

/** Engine overhead: caller text in → reply text out, through extraction, the machine, the EHR and templates; no speech providers. */
async function engineOverhead(calls: number): Promise<number[]> {
  const lines = readFileSync(join(root, 'fixtures/calls/john-smith-books.txt'), 'utf8').trim().split('\n');
  const samples: number[] = [];
  for (let index = 0; index < calls; index += 1) {
    const runtime = await freshRuntime();
    const session = runtime.openSession();
    let startedAt = 0;
    let measured = true;
    session.subscribe((event) => {
      if (event.type === 'agent' && !measured) {
        samples.push(performance.now() - startedAt);
        measured = true;
      }
    });
    await session.start();
    for (const line of lines) {
      measured = false;
      startedAt = performance.now();
      await session.hear({ text: line });
    }
    await runtime.close();
  }
  return samples;
}

/** The offline loop on a generated 8 kHz caller, faster than real time on the call's own timeline. */
async function offlineLoop(runs: number, slotAwareEndpointing: boolean) {
  const { wav } = await callerWav(johnSmithBooksByVoice, { sampleRate: 8000 });
  const latencies: TurnLatency[] = [];
  const outcomes: string[] = [];
  const stt = createPocketSphinxStt({ names: ['Smith', 'Garcia', 'Chen', 'Johnson', 'Khan', "O'Brien"] });
  const tts = createEspeakTts();
  for (let index = 0; index < runs; index += 1) {
    const runtime = await freshRuntime();
    const result = await runWavCall({
      session: runtime.openSession(),
      stt,
      tts,
      clock: runtime.clock,
      logger: silentLogger(),
      callerWav: wav,
      voice: { slotAwareEndpointing },
      onEvent: (event) => {
        if (event.type === 'latency') latencies.push(event.latency);
      },
    });
    outcomes.push(result.endReason);
    await runtime.close();
  }
  await stt.close?.();
  const early = latencies.filter((latency) => latency.endpointing === 'complete-value').length;
  const summary = (pick: (latency: TurnLatency) => number) => ({ p50: round(percentile(latencies.map(pick), 50)), p99: round(percentile(latencies.map(pick), 99)) });
  return {
    runs,
    outcomes,
    turns: latencies.length,
    turnsEndedEarly: early,
    voiceToVoiceMs: summary((latency) => latency.voiceToVoiceMs),
    endOfSpeechToTurnEndMs: summary((latency) => latency.endOfTurnMs - latency.speechEndMs),
    transcriptMs: summary((latency) => latency.transcriptMs),
    replyMs: summary((latency) => latency.replyMs ?? 0),
    firstAudioMs: summary((latency) => latency.firstAudioMs),
  };
}

function runDelegate(file: string): void {
  process.stdout.write(`running ${file} …\n`);
  execFileSync(process.execPath, [join(root, 'bin/run-ts.js'), join(root, file)], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const skipDelegates = process.argv.includes('--loop-only');
if (!skipDelegates) {
  runDelegate('bench/vad.ts');
  runDelegate('bench/offline-speech.ts');
}
process.stdout.write('engine overhead …\n');
const overhead = await engineOverhead(20);
process.stdout.write('offline loop with slot-aware endpointing …\n');
const withEndpointing = await offlineLoop(3, true);
process.stdout.write('offline loop, silence-only endpointing …\n');
const silenceOnly = await offlineLoop(3, false);

const speech = JSON.parse(readFileSync(join(results, 'offline-speech.json'), 'utf8')) as Record<string, unknown>;
const report = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  engineOverheadMs: { turns: overhead.length, p50: round(percentile(overhead, 50), 2), p99: round(percentile(overhead, 99), 2) },
  offlineLoop: { withSlotAwareEndpointing: withEndpointing, silenceOnly },
  offlineSpeech: speech,
  vad: 'see vad.json',
};
writeFileSync(join(results, 'voice.json'), `${JSON.stringify(report, null, 2)}\n`);

const table = (name: string, loop: typeof withEndpointing) =>
  `| ${name} | ${loop.turns} (${loop.turnsEndedEarly} early) | ${loop.voiceToVoiceMs.p50} / ${loop.voiceToVoiceMs.p99} | ${loop.endOfSpeechToTurnEndMs.p50} / ${loop.endOfSpeechToTurnEndMs.p99} | ${loop.transcriptMs.p50} / ${loop.transcriptMs.p99} | ${loop.replyMs.p50} / ${loop.replyMs.p99} | ${loop.firstAudioMs.p50} / ${loop.firstAudioMs.p99} | ${loop.outcomes.join(', ')} |`;
const markdown = `# Voice benchmark

Machine: ${report.machine.cpus} cores, Node ${report.machine.node}. Shared and noisy: compare within one run.

## Engine overhead per turn (caller text → reply text, no speech providers)
${overhead.length} turns of the John Smith booking (extraction, statechart, SQLite EHR, audit, templates): p50 ${report.engineOverheadMs.p50} ms, p99 ${report.engineOverheadMs.p99} ms.

## Offline loop, voice to voice (caller end of speech → first agent audio), ms
Generated 8 kHz caller (espeak-ng klatt), ${withEndpointing.runs} calls each; VAD silence window 800 ms; PocketSphinx with per-state grammar; espeak-ng.

| endpointing | turns | voice-to-voice p50 / p99 | end of speech → end of turn p50 / p99 | end of speech → final transcript p50 / p99 | transcript → reply p50 / p99 | reply → first audio p50 / p99 | outcomes |
|---|---|---|---|---|---|---|---|
${table('slot-aware', withEndpointing)}
${table('silence only', silenceOnly)}

## Offline speech (bench/offline-speech.ts)
STT real-time factor ${speech.sttRealTimeFactor} with grammar, ${speech.sttRealTimeFactorWithoutGrammar} without; TTS real-time factor ${speech.ttsRealTimeFactor}, first chunk ${speech.ttsFirstChunkMs} ms.
Word error rate with grammar ${JSON.stringify(speech.wordErrorRateWithGrammar)}, without ${JSON.stringify(speech.wordErrorRateWithoutGrammar)} (by sample rate).

## VAD (bench/vad.ts)
Silero v5 on onnxruntime-node, one core: see vad.md for frames per second and real-time factor per engine and rate.
`;
writeFileSync(join(results, 'voice.md'), markdown);
process.stdout.write(markdown);
