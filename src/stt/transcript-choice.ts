// Which offline transcript to believe: the per-state grammar's or the generic language model's, and how sure to be of it.
// Reads transcripts with the rule extractor (understanding's pure function, imported here by design: the recognizer
// keeps a grammar transcript only when it holds what the state asked for).
import { extractWithRules } from '../understanding/rule-extractor.ts';
import type { Expectation, SlotName, Understanding } from '../understanding/types.ts';

/** A decoded utterance: its words and the best path's score per 10 ms frame (log base 1.0001, ≤ 0). */
export interface GrammarHypothesis {
  text: string;
  scorePerFrame: number;
}

export interface LanguageModelHypothesis {
  text: string;
  /** Posterior of the whole sentence from the lattice, 0–1. */
  posterior: number;
}

export interface ChosenTranscript {
  text: string;
  /** 0–1. */
  confidence: number;
  source: 'grammar' | 'language-model';
}

/**
 * Grammar paths scoring below this per frame are rechecked: measured on generated callers (bench/offline-speech.ts),
 * right transcripts of voices close to the model score −20 to −35, forced ones −35 to −50.
 */
const weakScorePerFrame = -38;

/** Slots whose words a grammar hears more exactly than the generic model (digits, calendar words). */
const exactSlots = new Set<SlotName>(['phone', 'dateOfBirth', 'date', 'time', 'choice']);

/**
 * Where confidence is 0.5. The grammars grew (one-breath fields, spelled names, corrections, closing words): for the
 * same audio every path scores about 1.5 per frame lower, and right 8 kHz digits read back as unsure (klatt phone
 * 0.69 → 0.57). The midpoint moved with the grammars, so a right answer reads as sure as it did before.
 */
const confidenceMidpointPerFrame = weakScorePerFrame - 1.5;

/** Grammar confidence from the path score: a logistic around the midpoint (−39.5 → 0.5, −27.5 → ~0.9, −51.5 → ~0.1). */
export function grammarConfidence(hypothesis: GrammarHypothesis): number {
  if (hypothesis.text === '') return 0;
  return round(1 / (1 + Math.exp(-(hypothesis.scorePerFrame - confidenceMidpointPerFrame) / 5.5)));
}

/** What the rule extractor reads in a transcript, or undefined for none (empty, or not readable). */
function reading(text: string, expectation: Expectation): Understanding | undefined {
  if (text === '') return undefined;
  try {
    return extractWithRules({ text, expectation, now: clinicNowForReading() });
  } catch {
    return undefined;
  }
}

/** The expected slots the transcript gives values for (interrupts and free text are not answers the grammar was built for). */
function answeredSlots(text: string, expectation: Expectation, understood = reading(text, expectation)): SlotName[] {
  if (!understood) return [];
  return expectation.slots.filter((slot) => slot !== 'reason' && answerTo(understood, slot) !== undefined);
}

/** A slot's value in an understanding; asked for a day, "the earliest you have" answers it as well as a date does. */
function answerTo(understood: Understanding, slot: SlotName): unknown {
  if (slot === 'date' && understood.date === undefined && understood.soonest) return 'soonest';
  return understood[slot];
}

/** Which interrupt the transcript is, if any: something any state handles (a person, an emergency, a repeat, a clinical question). */
function interruptOf(text: string, expectation: Expectation, understood = reading(text, expectation)): 'emergency' | 'other' | undefined {
  if (!understood) return undefined;
  if (understood.emergency) return 'emergency';
  return understood.humanRequested || understood.repeatRequested || understood.clinicalQuestion ? 'other' : undefined;
}

function interrupted(text: string, expectation: Expectation): boolean {
  return interruptOf(text, expectation) !== undefined;
}

/**
 * Whether a telephone turn's grammar transcript is an interrupt and no answer: what a grammar makes of speech it does not
 * cover ("just a regular family medicine doctor" as "operator"), so it is checked against the generic model even where
 * telephone turns get no second pass otherwise.
 */
export function interruptWithoutAnswer(hypothesis: GrammarHypothesis, expectation: Expectation): boolean {
  // Every telephone turn asks this on the speech worker: the transcript is read once.
  const understood = reading(hypothesis.text, expectation);
  return interruptOf(hypothesis.text, expectation, understood) !== undefined && answeredSlots(hypothesis.text, expectation, understood).length === 0;
}

/** Whether the grammar's transcript should be checked against the generic model: empty, no expected value in it, or a weak score. */
export function needsSecondPass(hypothesis: GrammarHypothesis, expectation: Expectation): boolean {
  return hypothesis.text === '' || hypothesis.scorePerFrame < weakScorePerFrame || answeredSlots(hypothesis.text, expectation).length === 0;
}

/**
 * Keeps the grammar's transcript when it holds an expected value and the generic model's agrees or holds none (the
 * grammar is exact on numbers); takes the generic model's when the grammar holds none, or when the two disagree on
 * words the grammar has no special claim to (intents, names, yes/no). Confidence is high when both agree.
 */
export function chooseTranscript(grammar: GrammarHypothesis, languageModel: LanguageModelHypothesis, expectation: Expectation): ChosenTranscript {
  const fromGrammar = answeredSlots(grammar.text, expectation);
  const fromModel = answeredSlots(languageModel.text, expectation);
  const modelConfidence = round(Math.min(0.6, languageModel.posterior ** (1 / Math.max(1, languageModel.text.split(' ').length))));
  if (fromGrammar.length === 0) {
    // An interrupt the grammar heard clearly ("i want to talk to a person") stands unless the model heard an answer; a
    // weakly scored one is what a grammar makes of speech it does not cover ("my last name is …" as "talk to a real person").
    // One the model did not hear as any interrupt stands unsure (a person is then offered, not put through), except an
    // emergency: the emergency line is never held back on a second opinion.
    const interrupt = interruptOf(grammar.text, expectation);
    if (fromModel.length === 0 && interrupt && grammarConfidence(grammar) >= 0.5) {
      const corroborated = interrupt === 'emergency' || interrupted(languageModel.text, expectation);
      return { text: grammar.text, confidence: corroborated ? Math.min(0.6, grammarConfidence(grammar)) : 0.4, source: 'grammar' };
    }
    return { text: languageModel.text, confidence: modelConfidence, source: 'language-model' };
  }
  if (fromModel.length === 0) return { text: grammar.text, confidence: Math.min(0.6, grammarConfidence(grammar)), source: 'grammar' };
  const grammarValues = extractWithRules({ text: grammar.text, expectation, now: clinicNowForReading() });
  const modelValues = extractWithRules({ text: languageModel.text, expectation, now: clinicNowForReading() });
  const agree = fromGrammar.every((slot) => JSON.stringify(answerTo(grammarValues, slot)) === JSON.stringify(answerTo(modelValues, slot)));
  if (agree) return { text: grammar.text, confidence: Math.max(0.9, grammarConfidence(grammar)), source: 'grammar' };
  if (fromGrammar.some((slot) => exactSlots.has(slot))) return { text: grammar.text, confidence: 0.4, source: 'grammar' };
  return { text: languageModel.text, confidence: 0.4, source: 'language-model' };
}

/** Relative dates need a reference; only whether a value is present matters here, so the machine's clock will do. */
function clinicNowForReading(): string {
  return new Date().toISOString().slice(0, 16);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
