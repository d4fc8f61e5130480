// A prescription refill as callers ask for it, and the medication or pharmacy picked among those offered (by name, or by what a medication is for).
import { describe, expect, it } from 'vitest';
import { buildGrammar } from '../../src/stt/grammar.ts';
import { extractWithRules } from '../../src/understanding/rule-extractor.ts';
import type { Expectation, OfferedOption } from '../../src/understanding/types.ts';

const now = '2026-12-01T09:00';
const understand = (text: string, expectation: Expectation) => extractWithRules({ text, expectation, now });

const medications: OfferedOption[] = [
  { label: 'atorvastatin', name: 'atorvastatin', keywords: ['cholesterol'] },
  { label: 'lisinopril', name: 'lisinopril', keywords: ['blood pressure'] },
];
const pharmacies: OfferedOption[] = [
  { label: 'Main Street Pharmacy', name: 'Main Street Pharmacy' },
  { label: 'Oak Avenue Pharmacy', name: 'Oak Avenue Pharmacy' },
  { label: 'Harbor Drugs', name: 'Harbor Drugs' },
];

describe('a refill request', () => {
  it.each(['refill', 'I need a prescription refill', 'I need more of my blood pressure pills', 'renew my prescription', "I'm running out of my metformin"])(
    '"%s" is a refill',
    (text) => {
      expect(understand(text, { slots: ['intent', 'specialty'] }).intent).toBe('refill');
    },
  );
  it('is not read into booking or cancelling', () => {
    expect(understand('I want to book an appointment', { slots: ['intent'] }).intent).toBe('book');
    expect(understand('cancel my appointment', { slots: ['intent'] }).intent).toBe('cancel');
  });
});

describe('the medication among those offered', () => {
  const expectation: Expectation = { slots: ['medication', 'choice'], options: medications };
  it.each([
    ['lisinopril', 'lisinopril'],
    ['the lisinopril please', 'lisinopril'],
    ['lisinoprill', 'lisinopril'],
    ['the cholesterol one', 'atorvastatin'],
    ['my blood pressure pills', 'lisinopril'],
  ])('"%s" is %s', (text, name) => {
    expect(understand(text, expectation).medication).toBe(name);
  });
  it('names nothing for a medication not offered, or when the state does not ask for one', () => {
    expect(understand('metformin', expectation).medication).toBeUndefined();
    expect(understand('lisinopril', { slots: ['yesNo'], options: medications }).medication).toBeUndefined();
  });
  it('still takes "the second one" as a choice', () => {
    expect(understand('the second one', expectation)).toMatchObject({ choice: 1 });
  });
});

describe('the pharmacy among those offered', () => {
  const expectation: Expectation = { slots: ['yesNo', 'pharmacy'], options: pharmacies };
  it.each([
    ['Harbor Drugs', 'Harbor Drugs'],
    ['no, send it to the Oak Avenue one', 'Oak Avenue Pharmacy'],
    ['main street', 'Main Street Pharmacy'],
  ])('"%s" is %s', (text, name) => {
    expect(understand(text, expectation).pharmacy).toBe(name);
  });
  it('leaves a bare "the pharmacy" unnamed: every option is one', () => {
    expect(understand('the pharmacy', expectation).pharmacy).toBeUndefined();
  });
});

describe('the offline grammar', () => {
  const canSay = () => true;
  it('listens for the offered medications by name and by what they are for', () => {
    const grammar = buildGrammar({ slots: ['medication', 'choice'], options: medications }, {}, canSay);
    expect(grammar?.jsgf).toMatch(/<medication> = \[the \| my\] \(atorvastatin \| the cholesterol one \| lisinopril \| the blood pressure one\)/);
    expect(grammar?.jsgf).toMatch(/public <utterance> = .*<medication>/);
  });
  it('listens for the pharmacies and for a refill request', () => {
    expect(buildGrammar({ slots: ['yesNo', 'pharmacy'], options: pharmacies }, {}, canSay)?.jsgf).toMatch(/<pharmacy> = .*harbor drugs/);
    expect(buildGrammar({ slots: ['intent'] }, {}, canSay)?.jsgf).toMatch(/prescription refill/);
  });
});
