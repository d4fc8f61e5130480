// `npm run bench:callers`: adaptive simulated callers (five goals, three synthesizers at several rates) ring `frontdesk serve` over /ws/call and Twilio Media Streams; writes bench/results/callers.{json,md}.
// `-- --quick`: one voice, each persona once per transport. `--concurrency N` calls at once (default 12; each on its own server), `--seed N` another set of phrasings, `--voices a,b` voice ids containing those words, `--voice espeak-ng:en-us+f5:1.1` (repeatable) voices the corpus does not list instead of its own (a held-out check), `--transports twilio` one transport, `--personas book,list` some personas, `--calls 52` only those calls of the full plan (same seed as in a full run), `--out NAME` writes bench/results/NAME.{json,md}. Env: BENCH_CALLERS_PROGRESS=FILE appends each finished call as a JSON line; BENCH_CALLERS_KEEP=1 keeps each call's data dir (call log, recording, audit).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../test/audio/spoken-audio.ts';
import { clinicNow, openClinic, seedTemplate } from './callers/clinic.ts';
import { runCall } from './callers/conversation.ts';
import { judgeCall } from './callers/outcome.ts';
import { createCallerMind, keypadTakers, personaFor, personaNames, type PersonaName } from './callers/personas.ts';
import { twilioLine, wsCallLine, type Transport } from './callers/phone-lines.ts';
import { failures, summarise, table, type JudgedCall } from './callers/report.ts';
import { allVoices, checkVoices, parseVoice, type CallerVoice } from './callers/voices.ts';

const resultsDirectory = join(import.meta.dirname, 'results');
const keypadShare = `${Math.round(keypadTakers * 100)} %`;
/** Peak amplitude of the uniform noise on every caller's line: −65.5 dBFS, a quiet phone line (as bench:server). */
const lineNoise = 30;

interface Job {
  index: number;
  voice: CallerVoice;
  persona: PersonaName;
  transport: Transport;
  seed: number;
}

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, concurrency: { type: 'string' }, seed: { type: 'string', default: '1' }, voices: { type: 'string' }, voice: { type: 'string', multiple: true }, transports: { type: 'string' }, personas: { type: 'string' }, calls: { type: 'string' }, out: { type: 'string', default: 'callers' } },
  strict: true,
});
const quick = values.quick ?? false;
const concurrency = Number(values.concurrency ?? (quick ? 5 : 12));
const baseSeed = Number(values.seed);
const transports = (values.transports?.split(',').map((word) => word.trim()) ?? ['ws-call', 'twilio']) as Transport[];
const voiceFilter = values.voices?.split(',').map((word) => word.trim().toLowerCase());
// `--voice espeak-ng:en-us+f5:1.1` (repeatable): a voice the corpus does not list, instead of the corpus's, for a held-out check.
const namedVoices = (values.voice ?? []).map(parseVoice);
const voices = namedVoices.length > 0 ? namedVoices.filter((voice): voice is CallerVoice => voice !== undefined) : quick ? allVoices.slice(0, 1) : voiceFilter ? allVoices.filter((voice) => voiceFilter.some((word) => voice.id.toLowerCase().includes(word))) : allVoices;
if (transports.some((transport) => transport !== 'ws-call' && transport !== 'twilio') || !/^[\w.-]+$/.test(values.out ?? '') || voices.length === 0 || namedVoices.includes(undefined) || !Number.isInteger(concurrency) || concurrency < 1 || !Number.isFinite(baseSeed)) {
  process.stderr.write('usage: npm run bench:callers -- [--quick] [--concurrency N] [--seed N] [--voices espeak,flite | --voice SYNTHESIZER:VOICE:RATE ...] [--transports ws-call,twilio] [--personas book,cancel] [--calls 52,53] [--out NAME]\n');
  process.exit(2);
}
await checkVoices(voices);

const personaFilter = values.personas?.split(',').map((word) => word.trim());
const jobs: Array<Omit<Job, 'index' | 'seed'>> = voices.flatMap((voice) => personaNames.filter((persona) => !personaFilter || personaFilter.includes(persona)).flatMap((persona) => transports.map((transport) => ({ voice, persona, transport }))));
// Interleave so each moment has a mix of voices, personas and transports.
// `--calls`: only these calls of the plan, by index (a call's seed is the base seed × 1000 + its index), to replay one call exactly.
const onlyCalls = values.calls?.split(',').map((word) => Number(word.trim()));
const planned = jobs
  .map((job, index) => ({ ...job, index, seed: baseSeed * 1000 + index }))
  .filter((job) => !onlyCalls || onlyCalls.includes(job.index))
  .sort((a, b) => ((a.index * 7919) % jobs.length) - ((b.index * 7919) % jobs.length));

const workDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-callers-'));
const template = await seedTemplate(workDirectory);
const startedAt = performance.now();
const judged: JudgedCall[] = [];

async function place(job: Job): Promise<JudgedCall> {
  const random = seededRandom(job.seed);
  const persona = personaFor(job.persona, random);
  let clinic: Awaited<ReturnType<typeof openClinic>>;
  try {
    clinic = await openClinic(template);
  } catch (first) {
    // Other work shares these cores and this checkout: a start that fails is tried once more, then counted as a failed call.
    try {
      clinic = await openClinic(template);
    } catch (error) {
      const message = `server did not start: ${error instanceof Error ? error.message : String(error)} (first try: ${first instanceof Error ? first.message : String(first)})`;
      return { transport: job.transport, voice: job.voice.id, persona: job.persona, patientId: persona.patient.patientId, seed: job.seed, exchanges: [], ending: 'error', error: message, durationSeconds: 0, outcome: { goalReached: false, verificationFailures: 0, verified: false, lockedOut: false } };
    }
  }
  const baseUrl = `http://127.0.0.1:${clinic.port}`;
  const line = job.transport === 'ws-call' ? wsCallLine(baseUrl.replace(/^http/, 'ws'), lineNoise, random) : twilioLine(baseUrl, lineNoise, () => clinic.agentLines());
  const record = await runCall({ line, mind: createCallerMind(persona, job.seed), voice: job.voice, seed: job.seed, random });
  // Progress for a run that is stopped early: one JSON line per finished call.
  if (process.env.BENCH_CALLERS_PROGRESS) appendFileSync(process.env.BENCH_CALLERS_PROGRESS, `${JSON.stringify(record)}\n`);
  await clinic.close({ keep: true });
  try {
    return { ...record, outcome: judgeCall(persona, clinic.databaseFile, clinic.auditFile) };
  } finally {
    // BENCH_CALLERS_KEEP=1 keeps each call's data dir (its call log, recording and audit) for `frontdesk replay` and a look.
    if (process.env.BENCH_CALLERS_KEEP) process.stdout.write(`kept ${clinic.dataDirectory} (recording key ${clinic.recordingKey})\n`);
    else rmSync(clinic.dataDirectory, { recursive: true, force: true });
  }
}

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, planned.length) }, async () => {
    while (next < planned.length) {
      const job = planned[next++]!;
      const call = await place(job);
      judged.push(call);
      const status = call.outcome.goalReached ? 'goal reached' : `goal not reached (${call.outcome.endReason ?? call.ending}${call.error ? `: ${call.error}` : ''})`;
      process.stdout.write(`[${judged.length}/${planned.length}] ${job.transport} ${job.voice.id} ${job.persona}: ${status}, ${call.exchanges.filter((exchange) => exchange.said || exchange.keys).length} turns, ${call.durationSeconds} s\n`);
    }
  }),
);
rmSync(workDirectory, { recursive: true, force: true });
const wallSeconds = Math.round((performance.now() - startedAt) / 1000);

judged.sort((a, b) => a.voice.localeCompare(b.voice) || a.transport.localeCompare(b.transport) || a.persona.localeCompare(b.persona));
const groupBy = (key: (call: JudgedCall) => string) => {
  const groups = new Map<string, JudgedCall[]>();
  for (const call of judged) groups.set(key(call), [...(groups.get(key(call)) ?? []), call]);
  return [...groups].map(([group, calls]) => summarise(group, calls));
};
const byVoice = groupBy((call) => call.voice);
const byVoiceAndTransport = groupBy((call) => `${call.voice}, ${call.transport === 'twilio' ? 'Twilio 8 kHz' : '/ws/call 16 kHz'}`);
const byPersona = groupBy((call) => call.persona);
const byTransport = groupBy((call) => (call.transport === 'twilio' ? 'Twilio 8 kHz μ-law' : '/ws/call 16 kHz PCM'));
const overall = summarise('all calls', judged);
const seen = failures(judged);
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;

const report = {
  machine,
  mode: quick ? 'quick' : 'full',
  wallSeconds,
  concurrency,
  seed: baseSeed,
  method: {
    server: `frontdesk serve in a child process per call (fresh data dir: the fixtures' SQLite EHR seeded at ${clinicNow}, every cardiology slot of Thursday 2026-12-03 taken), PocketSphinx STT, espeak-ng TTS, recordings off, FRONTDESK_STT_THREADS=1`,
    callers: `adaptive: each agent turn is classified into the question it asks and answered by a persona with a goal, phrased from a seeded random choice (fillers, thanks, several fields at once, spelled names, corrections, chunked phone numbers); re-asked questions are answered again, reworded; a read-back of a wrong number gets a no and the right value; once the agent offers the keypad, ${keypadShare} of callers type their date of birth and phone number, and a choice or yes/no asked the third time (whose hint names the keys) is keyed`,
    listening: '/ws/call: the agent JSON lines; Twilio: the question from the prompt keys the server names its marks after (reply-N:askPhone), the words (a read-back) from the call log the server keeps, as a person on the line hears them (bench/callers/agent-listener.ts)',
    goal: 'read after the call from the EHR rows (book, cancel, reschedule) and the audit trail (list: get_patient_appointments ok for the patient)',
    wordErrorRate: "server's final transcripts (/ws/call transcript events) against the caller's words; none on Twilio: the server sends no transcripts there and logs none (PHI), so WER is /ws/call only",
    voiceToVoice: "caller's last speech frame sent → first agent audio frame received",
    audio: `20 ms frames in real time over uniform line noise (peak ${lineNoise}, −65.5 dBFS): 16 kHz PCM16 on /ws/call, 8 kHz μ-law on Twilio`,
  },
  overall,
  byTransport,
  byPersona,
  byVoice,
  byVoiceAndTransport,
  failures: seen,
  calls: judged,
};
writeFileSync(join(resultsDirectory, `${values.out}.json`), `${JSON.stringify(report, null, 2)}\n`);

const markdown = [
  '# Caller corpus benchmark',
  '',
  `Machine: ${machine}; ${judged.length} calls, ${concurrency} at once, ${wallSeconds} s. Command: \`npm run bench:callers${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
  '',
  `Each call rings its own \`frontdesk serve\` (fresh data dir, fixtures seeded at ${clinicNow}, offline speech). The caller listens to each agent turn (the JSON agent lines on /ws/call; on Twilio the prompt keys the server names its marks after, and the words from the server's call log), answers the question it heard toward its goal, and speaks in real time over a quiet line, or types on the keypad once the agent offers it (${keypadShare} of callers). Goals are checked in the EHR and audit trail afterwards.`,
  '',
  '## By voice and rate',
  '',
  table(byVoice),
  '',
  '## By transport',
  '',
  table(byTransport),
  '',
  '## By persona',
  '',
  table(byPersona),
  '',
  '## By voice, rate and transport',
  '',
  table(byVoiceAndTransport),
  '',
  `**Overall:** ${overall.goalsReached}/${overall.calls} goals reached, ${overall.verifiedCalls} verified, ${overall.verificationFailures} verification failures from mishearing, ${overall.lockedOut} genuine callers locked out, WER ${overall.wordErrorRate ?? '—'} (/ws/call), voice-to-voice p50 ${overall.voiceToVoiceMs.p50} ms / p99 ${overall.voiceToVoiceMs.p99} ms.`,
  '',
  '## Failures seen most',
  '',
  `- Calls that missed their goal: ${seen.failedCalls}. How they ended (server's call_ended / caller side): ${seen.endings.map(([ending, times]) => `${ending} ×${times}`).join('; ') || 'none'}.`,
  `- Stalled (one question asked 3+ times in a row) on: ${seen.stalledOn.map(([question, times]) => `${question} ×${times}`).join(', ') || 'none'}.`,
  `- Lines the server mis-transcribed, by the question answered (/ws/call): ${seen.misheardByQuestion.map(([question, times]) => `${question} ×${times}`).join(', ') || 'none'}.`,
  ...(seen.notes.length > 0 ? [`- Done instead of the goal: ${seen.notes.map(([note, times]) => `${note} ×${times}`).join('; ')}.`] : []),
  `- Twilio agent turns the caller could not make out from the audio (it then answers what it expected next): ${seen.twilioTurnsTheCallerCouldNotMakeOut.unknown} of ${seen.twilioTurnsTheCallerCouldNotMakeOut.turns}.`,
  '',
  'Examples (said → transcribed):',
  '',
  ...seen.misheardExamples.map((item) => `- ${item.question}, ${item.voice}: "${item.said}" → "${item.transcript}"`),
].join('\n');
writeFileSync(join(resultsDirectory, `${values.out}.md`), `${markdown}\n`);
process.stdout.write(`\n${table([overall, ...byTransport])}\n\nwritten to bench/results/${values.out}.json and ${values.out}.md\n`);
