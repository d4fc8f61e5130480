// Sentence splitting for streamed synthesis.
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/tts/sentences.ts';

describe('splitSentences', () => {
  it('splits a reply at sentence ends', () => {
    expect(splitSentences('You are booked. Anything else? Goodbye!')).toEqual(['You are booked.', 'Anything else?', 'Goodbye!']);
  });

  it('keeps titles, initials and times inside their sentence', () => {
    expect(splitSentences('Dr. Okafor can see you at 10:30 on Tuesday. Mrs. J. Smith is next.')).toEqual([
      'Dr. Okafor can see you at 10:30 on Tuesday.',
      'Mrs. J. Smith is next.',
    ]);
  });

  it('does not split decimals or "a.m." before a lower-case word, but does before a new sentence', () => {
    expect(splitSentences('The fee is 3.50 dollars at 9 a.m. on Monday. We open at 8 a.m. See you then.')).toEqual([
      'The fee is 3.50 dollars at 9 a.m. on Monday.',
      'We open at 8 a.m.',
      'See you then.',
    ]);
  });

  it('keeps closing quotes with their sentence and returns unterminated text as the last sentence', () => {
    expect(splitSentences('She said "yes." Then   she left')).toEqual(['She said "yes."', 'Then   she left']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('   ')).toEqual([]);
  });
});
