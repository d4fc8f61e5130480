import { describe, expect, it } from 'vitest';
import { speakDate, speakDateTime, speakList, speakNumber, speakOrdinal, speakTime, speakYear, spellCode } from '../../src/dialog/speech.ts';

describe('speech formatting', () => {
  it.each([
    ['2026-12-01', 'Tuesday, December first'],
    ['2026-11-30', 'Monday, November thirtieth'],
    ['2027-01-22', 'Friday, January twenty-second'],
    ['2026-02-28', 'Saturday, February twenty-eighth'],
  ])('speaks the date %s as "%s"', (date, spoken) => {
    expect(speakDate(date)).toBe(spoken);
  });

  it('adds the year when asked', () => {
    expect(speakDate('2026-12-01', { includeYear: true })).toBe('Tuesday, December first, twenty twenty-six');
  });

  it.each([
    ['10:30', 'ten thirty AM'],
    ['14:00', 'two PM'],
    ['09:05', 'nine oh five AM'],
    ['12:00', 'twelve noon'],
    ['12:30', 'twelve thirty PM'],
    ['00:00', 'twelve midnight'],
    ['00:15', 'twelve fifteen AM'],
    ['16:45', 'four forty-five PM'],
    ['08:00', 'eight AM'],
  ])('speaks the time %s as "%s"', (time, spoken) => {
    expect(speakTime(time)).toBe(spoken);
  });

  it('speaks a date and time together', () => {
    expect(speakDateTime('2026-12-01T10:30')).toBe('Tuesday, December first at ten thirty AM');
    expect(speakDateTime('2026-12-03T14:05')).toBe('Thursday, December third at two oh five PM');
  });

  it('spells a confirmation code one character at a time', () => {
    expect(spellCode('K7Q2XZ')).toBe('K, 7, Q, 2, X, Z');
    expect(spellCode('ab 12')).toBe('A, B, 1, 2');
  });

  it.each([
    [1, 'first'],
    [2, 'second'],
    [3, 'third'],
    [11, 'eleventh'],
    [12, 'twelfth'],
    [20, 'twentieth'],
    [21, 'twenty-first'],
    [30, 'thirtieth'],
    [31, 'thirty-first'],
    [100, 'one hundredth'],
    [101, 'one hundred first'],
  ])('speaks the ordinal %i as "%s"', (value, spoken) => {
    expect(speakOrdinal(value)).toBe(spoken);
  });

  it.each([
    [1985, 'nineteen eighty-five'],
    [2026, 'twenty twenty-six'],
    [2005, 'two thousand five'],
    [1905, 'nineteen oh five'],
    [1900, 'nineteen hundred'],
  ])('speaks the year %i as "%s"', (year, spoken) => {
    expect(speakYear(year)).toBe(spoken);
  });

  it('speaks numbers', () => {
    expect(speakNumber(0)).toBe('zero');
    expect(speakNumber(42)).toBe('forty-two');
    expect(speakNumber(2026)).toBe('two thousand twenty-six');
  });

  it('joins lists with or by default and with and on request', () => {
    expect(speakList(['a', 'b', 'c'])).toBe('a, b, or c');
    expect(speakList(['a', 'b', 'c'], 'and')).toBe('a, b, and c');
    expect(speakList(['a', 'b'])).toBe('a or b');
    expect(speakList(['a'])).toBe('a');
    expect(speakList([])).toBe('');
  });
});
