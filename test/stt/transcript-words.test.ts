// What PocketSphinx's hypotheses become as transcripts: no fillers, pronunciation marks or hesitations, and a phone number's chunks joined.
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/stt/pocketsphinx.ts';
import { extractWithRules } from '../../src/understanding/rule-extractor.ts';

describe('transcript words', () => {
  it('drops fillers, pronunciation marks and hesitations', () => {
    expect(normalise('<s> um my read(2) number [NOISE] is uh five </s>')).toBe('my read number is five');
  });

  it('drops the breath "and" the phone grammar allows between a number\'s chunks, so the number is understood', () => {
    const transcript = normalise('my number is five five five and zero one zero and five six seven eight');
    expect(transcript).toBe('my number is five five five zero one zero five six seven eight');
    expect(extractWithRules({ text: transcript, expectation: { slots: ['phone'] }, now: '2026-12-01T09:00' }).phone).toBe('+15550105678');
  });

  it('keeps an "and" that is not between digits', () => {
    expect(normalise('smith and jones')).toBe('smith and jones');
    expect(normalise('one and a half')).toBe('one and a half');
  });
});
