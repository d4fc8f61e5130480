import { describe, expect, it } from 'vitest';
import { expandBirthYear } from '../../src/understanding/date-of-birth.ts';
import { editDistance } from '../../src/understanding/fuzzy.ts';
import { findTime, toClinicTime } from '../../src/understanding/time-of-day.ts';

describe('two-digit birth years', () => {
  it.each([
    [85, 2026, 1985],
    [26, 2026, 2026],
    [27, 2026, 1927],
    [0, 2026, 2000],
    [5, 2026, 2005],
  ])('%i said in %i is %i', (twoDigits, currentYear, expected) => {
    expect(expandBirthYear(twoDigits, currentYear)).toBe(expected);
  });
});

describe('clinic times', () => {
  it.each([
    ['10 30', true, '10:30'],
    ['2 30 pm', false, '14:30'],
    ['12 pm', false, '12:00'],
    ['12 am', false, '00:00'],
    ['7', true, '07:00'],
    ['6', true, '18:00'],
    ['17:45', false, '17:45'],
    ['9 in the morning', false, '09:00'],
    ['8 at night', false, '20:00'],
  ])('"%s" (loose %s) is %s', (text, loose, expected) => {
    const heard = findTime(text, { loose });
    expect(heard && toClinicTime(heard)).toBe(expected);
  });

  it.each([['10 30'], ['555 010 1234'], ['1/15/85'], ['25:00'], ['the 3rd']])('finds no time in "%s" unless loose', (text) => {
    expect(findTime(text, { loose: false })).toBeUndefined();
  });
});

describe('edit distance', () => {
  it('counts single edits', () => {
    expect(editDistance('okafor', 'okafore')).toBe(1);
    expect(editDistance('riverside', 'riversde')).toBe(1);
    expect(editDistance('lee', 'li')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
