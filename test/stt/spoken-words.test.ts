// The words a grammar expects for numbers, days and times: the agent's speller (src/spoken-numbers.ts), as a caller says them.
import { describe, expect, it } from 'vitest';
import { spokenNumber, spokenOrdinal, spokenTime, spokenWords } from '../../src/stt/spoken-words.ts';

describe('spoken words for grammars', () => {
  it('says numbers 0–99 as separate lower-case words', () => {
    expect(spokenNumber(0)).toBe('zero');
    expect(spokenNumber(13)).toBe('thirteen');
    expect(spokenNumber(40)).toBe('forty');
    expect(spokenNumber(45)).toBe('forty five');
  });

  it('says days of the month as ordinals, tens ending in -ieth', () => {
    expect(spokenOrdinal(1)).toBe('first');
    expect(spokenOrdinal(12)).toBe('twelfth');
    expect(spokenOrdinal(20)).toBe('twentieth');
    expect(spokenOrdinal(21)).toBe('twenty first');
    expect(spokenOrdinal(30)).toBe('thirtieth');
    expect(spokenOrdinal(31)).toBe('thirty first');
  });

  it('says times on the twelve-hour clock and spells labels word by word', () => {
    expect(spokenTime('14:30')).toBe('two thirty');
    expect(spokenTime('09:05')).toBe('nine oh five');
    expect(spokenTime('00:00')).toBe('twelve');
    expect(spokenWords('Dr. Okafor, Tuesday 10:30 AM, room 42')).toEqual(['doctor', 'okafor', 'tuesday', 'ten', 'thirty', 'a', 'm', 'room', 'forty', 'two']);
  });
});
