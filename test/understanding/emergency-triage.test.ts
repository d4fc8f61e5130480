// Emergency or symptom: acute wording ends the call with the 911 line; a serious symptom said as a reason, in the past or "not urgent" is flagged only.
import { describe, expect, it } from 'vitest';
import { understand, type Row } from './understand.ts';

describe('acute wording is an emergency', () => {
  it.each<Row>([
    ["I'm having chest pain", ['reason'], { emergency: true }],
    ['im having chest pain', ['lastName'], { emergency: true }],
    ['I have chest pain right now', ['reason'], { emergency: true }],
    ['I have chest pain', ['reason'], { emergency: true }],
    ['my chest hurts', ['intent'], { emergency: true }],
    ['my chest really hurts', ['dateOfBirth'], { emergency: true }],
    ['crushing chest pain', ['reason'], { emergency: true }],
    ['chest pain right now', ['reason'], { emergency: true }],
    ["I can't breathe", ['phone'], { emergency: true }],
    ['i cant breathe', ['yesNo'], { emergency: true }],
    ['my husband is not breathing', ['intent'], { emergency: true }],
    ["I'm bleeding a lot", ['reason'], { emergency: true }],
    ["the bleeding won't stop", ['reason'], { emergency: true }],
    ['I think my wife is having a stroke', ['intent'], { emergency: true }],
    ["my dad's face is drooping and he can't talk", ['intent'], { emergency: true }],
    ['my son took an overdose', ['phone'], { emergency: true }],
    ['she took too many pills', ['reason'], { emergency: true }],
    ['I feel suicidal', ['reason'], { emergency: true }],
    ["I've been thinking about killing myself", ['reason'], { emergency: true }],
    ["I want to hurt myself but it's not urgent", ['reason'], { emergency: true }],
    ['thoughts of suicide nothing urgent', ['reason'], { emergency: true }],
    ['my mother is unconscious', ['intent'], { emergency: true }],
    ["he won't wake up", ['intent'], { emergency: true }],
    ['my daughter is having a seizure', ['intent'], { emergency: true }],
    ['his throat is closing up', ['intent'], { emergency: true }],
    ['i think its anaphylaxis', ['reason'], { emergency: true }],
    ['my baby is choking', ['intent'], { emergency: true }],
    ['actually I am having chest pain and I cant breathe', ['lastName'], { emergency: true }],
    ['Smith, but my chest pain is getting worse', ['lastName'], { emergency: true }],
    ["I'm having a heart attack", ['intent'], { emergency: true }],
    ['shortness of breath right now', ['reason'], { emergency: true }],
    ['my mom passed out', ['intent'], { emergency: true }],
    ['i think i might be having a stroke', ['intent'], { emergency: true }],
    ['my husband has chest pain', ['intent'], { emergency: true }],
    ['i feel like im having a heart attack', ['intent'], { emergency: true }],
    ['I had chest pain last week and now I cant breathe', ['reason'], { emergency: true }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('a serious symptom without acute wording is flagged, not an emergency', () => {
  it.each<Row>([
    ['chest pain', ['reason'], { symptom: true, reason: 'chest pain' }],
    ['chest tightness when I exercise', ['reason'], { symptom: true, reason: 'chest tightness when I exercise' }],
    ['chest tightness when I exercise, nothing urgent', ['reason'], { symptom: true, reason: 'chest tightness when I exercise, nothing urgent' }],
    ["it's not an emergency but I've had some chest pain", ['reason'], { symptom: true, reason: "it's not an emergency but I've had some chest pain" }],
    ['I had chest pain last week', ['reason'], { symptom: true, reason: 'I had chest pain last week' }],
    ['i fainted a few days ago', ['reason'], { symptom: true, reason: 'i fainted a few days ago' }],
    ['shortness of breath on and off for a month', ['reason'], { symptom: true, reason: 'shortness of breath on and off for a month' }],
    ['follow up on my chest pain', ['reason'], { symptom: true, reason: 'follow up on my chest pain' }],
    ['I get chest pains when I climb stairs', ['reason'], { symptom: true, reason: 'I get chest pains when I climb stairs' }],
    ['I passed out yesterday', ['reason'], { symptom: true, reason: 'I passed out yesterday' }],
    ['he had a seizure last month and needs a follow up', ['reason'], { symptom: true, intent: 'book', reason: 'he had a seizure last month and needs a follow up' }],
    ['some bleeding after my procedure, not urgent', ['reason'], { symptom: true, reason: 'some bleeding after my procedure, not urgent' }],
    ['i had a stroke two years ago', ['reason'], { symptom: true, reason: 'i had a stroke two years ago' }],
    ['chest pressure sometimes', ['reason'], { symptom: true, reason: 'chest pressure sometimes' }],
    ['I need to see a heart doctor about chest pain, nothing urgent', ['intent', 'specialty'], { intent: 'book', specialty: 'cardiology', symptom: true }],
    ['my chest has been tight for a while, not an emergency', ['reason'], { symptom: true, reason: 'my chest has been tight for a while, not an emergency' }],
    ['I came in last week for chest pain and need a follow up', ['reason'], { symptom: true, intent: 'book', reason: 'I came in last week for chest pain and need a follow up' }],
    ['trouble breathing at night for a few weeks', ['reason'], { symptom: true, reason: 'trouble breathing at night for a few weeks' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each<Row>([
    ['a cough that won\'t go away', ['reason'], { reason: "a cough that won't go away" }],
    ['annual checkup', ['reason'], { reason: 'annual checkup', specialty: 'family medicine' }],
    ["I can't breathe through my nose", ['reason'], { reason: "I can't breathe through my nose" }],
    ['bleeding gums', ['reason'], { reason: 'bleeding gums' }],
    ['I cut myself on a can and need stitches', ['reason'], { reason: 'I cut myself on a can and need stitches' }],
    ["I'm calling about my chest x-ray results", ['intent'], { clinicalQuestion: true }],
  ])('"%s" is an ordinary reason', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});
