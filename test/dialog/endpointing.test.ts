// How far a partial transcript answers what is asked: a complete value ends the turn early, a value only begun keeps it open through a pause.
import { describe, expect, it } from 'vitest';
import { answerProgress } from '../../src/dialog/endpointing.ts';
import type { Expectation } from '../../src/understanding/types.ts';

const now = '2026-12-01T09:00';
const askPhone: Expectation = { slots: ['phone'] };
const askDateOfBirth: Expectation = { slots: ['dateOfBirth', 'phone'] };
const askLastName: Expectation = { slots: ['lastName', 'dateOfBirth', 'phone'] };
const readBack: Expectation = { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] };

describe('answer progress', () => {
  it.each([
    ['five five five oh one oh', askPhone],
    ['my number is five five five', askPhone],
    ['no it is five five five zero one zero', readBack],
    ['november second', askDateOfBirth],
    ['the second of november', readBack],
    ['chen date of birth november second nineteen ninety phone five five five zero one zero', askLastName],
  ])('"%s" is a value only begun: the turn waits through a pause', (partial, expectation) => {
    expect(answerProgress(partial, expectation, now)).toEqual({ complete: undefined, unfinished: true });
  });

  it.each([
    ['five five five oh one oh one two three four', askPhone, 'phone'],
    ['eleven two ninety', askDateOfBirth, 'dateOfBirth'],
    ['one fifteen eighty five', askDateOfBirth, 'dateOfBirth'],
    ['november second nineteen ninety', askDateOfBirth, 'dateOfBirth'],
    ['no', readBack, 'yesNo'],
  ])('"%s" is complete', (partial, expectation, slot) => {
    expect(answerProgress(partial, expectation, now)).toEqual({ complete: slot, unfinished: false });
  });

  it.each([
    ['smith', askLastName],
    ['chen date of birth november second nineteen ninety', askLastName],
    ['nineteen ninety', { slots: ['dateOfBirth', 'phone'], askedFor: 'birthYear' } as Expectation],
    ['the first one', { slots: ['choice'] } as Expectation],
  ])('"%s" is neither: the silence window ends it', (partial, expectation) => {
    expect(answerProgress(partial, expectation, now).unfinished).toBe(false);
  });
});
