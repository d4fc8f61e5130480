// Fillers and politeness around the answer, and last names spelled out letter by letter.
import { describe, expect, it } from 'vitest';
import { identity, understand, type Row } from './understand.ts';

describe('fillers and politeness anywhere', () => {
  it.each<Row>([
    ['my last name is smith thank you', ['lastName'], { lastName: 'SMITH' }],
    ['my last name is Smith, thank you.', ['lastName'], { lastName: 'SMITH' }],
    ['smith thank you', ['lastName'], { lastName: 'SMITH' }],
    ['smith thanks', ['lastName'], { lastName: 'SMITH' }],
    ['um smith', ['lastName'], { lastName: 'SMITH' }],
    ['uh yeah so my last name is garcia', ['lastName'], { lastName: 'GARCIA' }],
    ['okay so it is chen', ['lastName'], { lastName: 'CHEN' }],
    ['well my last name is um smith', ['lastName'], { lastName: 'SMITH' }],
    ['hi my name is john smith', ['lastName'], { lastName: 'SMITH' }],
    ['hello this is maria garcia', ['lastName'], { lastName: 'GARCIA' }],
    ['good morning my last name is chen', ['lastName'], { lastName: 'CHEN' }],
    ['smith please', ['lastName'], { lastName: 'SMITH' }],
    ["it's garcia okay", ['lastName'], { lastName: 'GARCIA' }],
    ['yeah it is smith', identity, { lastName: 'SMITH' }],
    ['Hello, I\'d like to make an appointment', ['intent', 'specialty'], { intent: 'book' }],
    ['hi um i want to uh make an appointment please', ['intent', 'specialty'], { intent: 'book' }],
    ['good morning id like to cancel my appointment', ['intent', 'specialty'], { intent: 'cancel' }],
    ['yeah so um i need to reschedule thanks', ['intent', 'specialty'], { intent: 'reschedule' }],
    ['um my phone is five five five oh one oh one two three four thank you', ['phone'], { phone: '+15550101234' }],
    ['uh january fifteenth nineteen eighty five thanks', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 15 } }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each<Row>([
    ['thank you', ['lastName'], {}],
    ['please', ['lastName'], { yesNo: true }],
    ['okay', ['lastName'], { yesNo: true }],
    ['um hello', ['lastName'], {}],
    ['thanks so much', ['lastName'], {}],
    ['well', ['lastName'], {}],
    ['good morning', ['lastName'], {}],
  ])('"%s" gives no last name', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('spelled last names', () => {
  it.each<Row>([
    ['Smith, S M I T H', ['lastName'], { lastName: 'SMITH' }],
    ['s-m-i-t-h', ['lastName'], { lastName: 'SMITH' }],
    ["it's smith spelled s m i t h", ['lastName'], { lastName: 'SMITH' }],
    ['smith s as in sam m i t h', ['lastName'], { lastName: 'SMITH' }],
    ['smith s as in sam m as in mary i t h', ['lastName'], { lastName: 'SMITH' }],
    ['Smyth, S as in Sam, M, Y, T, H', ['lastName'], { lastName: 'SMYTH' }],
    ['my last name is lee l e e', ['lastName'], { lastName: 'LEE' }],
    ['russell r u double s e double l', ['lastName'], { lastName: 'RUSSELL' }],
    ['g a r c i a', ['lastName'], { lastName: 'GARCIA' }],
    ['its chen c h e n thank you', ['lastName'], { lastName: 'CHEN' }],
    ['that is smith spelled s m i t h', identity, { lastName: 'SMITH' }],
    ['p as in peter a t e l', ['lastName'], { lastName: 'PATEL' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});
