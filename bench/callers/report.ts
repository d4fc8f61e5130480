// The corpus run's numbers: per voice and rate (and transport), goals reached, mishearings, lockouts, turns, WER, re-asks and voice-to-voice latency; and the failures seen most, with examples.
import type { HeardQuestion } from './agent-listener.ts';
import type { CallRecord } from './conversation.ts';
import type { CallOutcome } from './outcome.ts';

export type JudgedCall = CallRecord & { outcome: CallOutcome };

export interface GroupSummary {
  group: string;
  calls: number;
  goalsReached: number;
  verifiedCalls: number;
  /** verify_patient mismatches over all calls (the callers' details are true, so each is a mishearing). */
  verificationFailures: number;
  lockedOut: number;
  meanCallerTurns: number;
  /** Caller turns typed on the keypad (after the agent offered it), per call. */
  meanKeypadTurns: number;
  /** Word error rate of the server's final transcripts against what the caller said, 0–1; null on Twilio (no transcripts leave the server). */
  wordErrorRate: number | null;
  /** Most times one question was asked in a row in any call of the group, and the mean over calls. */
  maxSameQuestionInARow: number;
  meanMaxSameQuestionInARow: number;
  voiceToVoiceMs: { p50: number; p99: number; turns: number };
}

/** Nearest-rank percentile. */
const nearestRank = (sorted: number[], p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The question an exchange asked, as the agent put it: its kind and, on Twilio, the last prompt key of the reply
 * ("checkYes nearestSlot" → nearestSlot), on /ws/call its last question sentence. "Would that work?" and "Shall I move
 * it?" are both a confirmation to the caller but two questions.
 */
function askedQuestion({ question, heard }: CallRecord['exchanges'][number]): string {
  const asked = heard.includes('?') ? heard.split(/(?<=[.?!])\s+/).filter((sentence) => sentence.endsWith('?')).at(-1) : heard.split(' ').at(-1);
  return `${question}: ${asked ?? ''}`;
}

/** Longest run of one question (ignoring what the caller could not make out). */
export function longestRun(calls: CallRecord): { question: HeardQuestion | undefined; times: number } {
  let best: { question: HeardQuestion | undefined; times: number } = { question: undefined, times: 0 };
  let run = 0;
  let previous: string | undefined;
  for (const exchange of calls.exchanges) {
    if (exchange.question === 'unknown' || exchange.question === 'goodbye') {
      previous = undefined;
      continue;
    }
    const asked = askedQuestion(exchange);
    run = asked === previous ? run + 1 : 1;
    previous = asked;
    if (run > best.times) best = { question: exchange.question, times: run };
  }
  return best;
}

export function summarise(group: string, calls: JudgedCall[]): GroupSummary {
  const latencies = calls.flatMap((call) => call.exchanges.flatMap((exchange) => (exchange.voiceToVoiceMs === undefined ? [] : [exchange.voiceToVoiceMs]))).sort((a, b) => a - b);
  const scored = calls.flatMap((call) => call.exchanges.flatMap((exchange) => (exchange.wordErrors ? [exchange.wordErrors] : [])));
  const words = scored.reduce((sum, item) => sum + item.words, 0);
  const runs = calls.map((call) => longestRun(call).times);
  return {
    group,
    calls: calls.length,
    goalsReached: calls.filter((call) => call.outcome.goalReached).length,
    verifiedCalls: calls.filter((call) => call.outcome.verified).length,
    verificationFailures: calls.reduce((sum, call) => sum + call.outcome.verificationFailures, 0),
    lockedOut: calls.filter((call) => call.outcome.lockedOut).length,
    meanCallerTurns: round(calls.reduce((sum, call) => sum + call.exchanges.filter((exchange) => exchange.said || exchange.keys).length, 0) / Math.max(1, calls.length), 1),
    meanKeypadTurns: round(calls.reduce((sum, call) => sum + call.exchanges.filter((exchange) => exchange.keys).length, 0) / Math.max(1, calls.length), 1),
    wordErrorRate: words > 0 ? round(scored.reduce((sum, item) => sum + item.errors, 0) / words, 3) : null,
    maxSameQuestionInARow: Math.max(0, ...runs),
    meanMaxSameQuestionInARow: round(runs.reduce((sum, value) => sum + value, 0) / Math.max(1, runs.length), 1),
    voiceToVoiceMs: { p50: Math.round(nearestRank(latencies, 50)), p99: Math.round(nearestRank(latencies, 99)), turns: latencies.length },
  };
}

/** The failures seen most: where calls stalled, how they ended, what was misheard (with examples). */
export function failures(calls: JudgedCall[]) {
  const count = <T extends string>(values: T[]) => Object.entries(values.reduce<Record<string, number>>((totals, value) => ({ ...totals, [value]: (totals[value] ?? 0) + 1 }), {})).sort((a, b) => b[1] - a[1]);
  const failed = calls.filter((call) => !call.outcome.goalReached);
  const stalls = failed.map((call) => longestRun(call)).filter((run) => run.times >= 3 && run.question).map((run) => run.question!);
  const endings = failed.map((call) => `${call.outcome.endReason ?? 'no call_ended record'} / caller: ${call.ending}`);
  const misheard = calls.flatMap((call) =>
    call.exchanges.flatMap((exchange) =>
      exchange.wordErrors && exchange.wordErrors.errors > 0 && exchange.said ? [{ question: exchange.question, said: exchange.said, transcript: exchange.transcript ?? '', voice: call.voice, errors: exchange.wordErrors.errors }] : [],
    ),
  );
  const misheardByQuestion = count(misheard.map((item) => item.question));
  const examples = misheardByQuestion.slice(0, 6).flatMap(([question]) => misheard.filter((item) => item.question === question).slice(0, 2));
  const twilioUnknown = calls.filter((call) => call.transport === 'twilio').flatMap((call) => call.exchanges).filter((exchange) => exchange.question === 'unknown').length;
  const twilioTurns = calls.filter((call) => call.transport === 'twilio').flatMap((call) => call.exchanges).length;
  return {
    failedCalls: failed.length,
    stalledOn: count(stalls),
    endings: count(endings),
    misheardByQuestion,
    misheardExamples: examples,
    notes: count(failed.flatMap((call) => (call.outcome.note ? [call.outcome.note.replace(/\d{4}-\d{2}-\d{2}T[\d:]+/g, 'DATE')] : []))),
    twilioTurnsTheCallerCouldNotMakeOut: { unknown: twilioUnknown, turns: twilioTurns },
  };
}

export function table(rows: GroupSummary[]): string {
  const header = '| voice and rate | calls | goal reached | verified | verification failures (misheard) | locked out | caller turns / call (keyed) | WER | same question in a row, max (mean) | voice-to-voice p50 / p99 ms |';
  const lines = rows.map(
    (row) =>
      `| ${row.group} | ${row.calls} | ${row.goalsReached}/${row.calls} | ${row.verifiedCalls}/${row.calls} | ${row.verificationFailures} | ${row.lockedOut} | ${row.meanCallerTurns} (${row.meanKeypadTurns}) | ${row.wordErrorRate === null ? '—' : row.wordErrorRate} | ${row.maxSameQuestionInARow} (${row.meanMaxSameQuestionInARow}) | ${row.voiceToVoiceMs.p50} / ${row.voiceToVoiceMs.p99} |`,
  );
  return [header, '|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}
