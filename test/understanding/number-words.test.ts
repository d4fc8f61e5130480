import { describe, expect, it } from 'vitest';
import { normalizeNumberWords, ordinalSuffix } from '../../src/understanding/number-words.ts';

describe('normalizeNumberWords', () => {
  it.each([
    ['nineteen eighty-five', '1985'],
    ['nineteen eighty five', '1985'],
    ['two thousand and one', '2001'],
    ['two thousand one', '2001'],
    ['twenty twenty five', '2025'],
    ['twenty twenty', '2020'],
    ['nineteen oh five', '1905'],
    ['nineteen hundred', '1900'],
    ['born in two thousand', 'born in 2000'],
    ['January fifteenth nineteen eighty-five', 'january 15th 1985'],
    ['the thirty-first of March', 'the 31st of march'],
    ['twenty first', '21st'],
    ['twenty-five', '25'],
    ['one hundred twenty three', '123'],
    ['five five five oh one oh one two three four', '5 5 5 01 01 2 3 4'],
    ['zero one one five', '0 1 1 5'],
    ['zero two zero zero one one', '0 2 0 0 1 1'],
    ['no one', 'no one'],
    ['double five', '5 5'],
    ['ten thirty', '10 30'],
    ['ten oh five', '10 05'],
    ['two thirty pm', '2 30 pm'],
    ['fifty five fifty five', '55 55'],
    ['the second one', 'the 2nd one'],
    ['the last one', 'the last one'],
    ['number two', 'number 2'],
    ['I have two kids and one dog', 'i have 2 kids and 1 dog'],
    ['Oh, it is Smith', 'oh, it is smith'],
    ["ten o'clock", "10 o'clock"],
    ['1/15/85 stays', '1/15/85 stays'],
  ])('%s → %s', (spoken, expected) => {
    expect(normalizeNumberWords(spoken)).toBe(expected);
  });

  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [31, '31st'],
  ])('ordinal suffix of %i is %s', (value, expected) => {
    expect(ordinalSuffix(value)).toBe(expected);
  });
});
