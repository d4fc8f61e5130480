// Callers who correct themselves mid-answer, and callers who give every identity field in one breath.
import { describe, expect, it } from 'vitest';
import { identity, understand, type Row } from './understand.ts';

const john = { lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 }, phone: '+15550101234' };

describe('self-corrections: the later value wins', () => {
  it.each<Row>([
    ['the tenth, no, the eleventh', ['date'], { date: '2026-12-11' }],
    ['the tenth no the eleventh', ['date'], { date: '2026-12-11' }],
    ['tuesday sorry i mean wednesday', ['date'], { date: '2026-12-02' }],
    ['friday, actually make that thursday', ['date'], { date: '2026-12-03' }],
    ['five five five oh one oh, sorry, oh one oh one two three four', ['phone'], { phone: '+15550101234' }],
    ['five five five oh one oh sorry oh one oh one two three four', ['phone'], { phone: '+15550101234' }],
    ['555 010 1235, sorry, 1234', ['phone'], { phone: '+15550101234' }],
    ['555 010 9999 no wait 555 010 1234', ['phone'], { phone: '+15550101234' }],
    ['January fifteenth, I mean the sixteenth', ['dateOfBirth'], { dateOfBirth: { month: 1, day: 16 } }],
    ['january fifteenth i mean sixteenth nineteen eighty five', ['dateOfBirth'], { dateOfBirth: { year: 1985, month: 1, day: 16 } }],
    ['January 15 1985, no, 1986', ['dateOfBirth'], { dateOfBirth: { year: 1986, month: 1, day: 15 } }],
    ['Smith, no wait, Smyth', ['lastName'], { lastName: 'SMYTH' }],
    ['smith no wait smyth', ['lastName'], { lastName: 'SMYTH' }],
    ['garcia sorry i meant garza', ['lastName'], { lastName: 'GARZA' }],
    ['ten thirty, no, eleven', ['time'], { time: '11:00' }],
    ['two pm actually make it three', ['time'], { time: '15:00' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each<Row>([
    ['no, Smith', ['lastName'], { lastName: 'SMITH' }],
    ['yes, sorry, go ahead', ['yesNo'], { yesNo: true }],
    ['Smith, sorry', ['lastName'], { lastName: 'SMITH' }],
    ['yes no problem', ['yesNo'], { yesNo: true }],
    ['Smith, S M I T H, no wait, sorry, that is right', ['lastName'], { lastName: 'SMITH' }],
  ])('"%s" is not a correction of one value by another', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('several identity fields in one breath', () => {
  it.each<Row>([
    ['my last name is smith my date of birth is january fifteenth nineteen eighty five and my phone is five five five oh one oh one two three four', identity, john],
    ['My last name is Smith, my date of birth is January 15th, 1985, and my phone is 555-010-1234.', identity, john],
    ['Smith, 1/15/1985, 555-010-1234', identity, john],
    ['smith january fifteenth nineteen eighty five five five five oh one oh one two three four', identity, john],
    ['smith one fifteen eighty five five five five oh one oh one two three four', identity, john],
    ['Smith 01/15/1985 5550101234', identity, john],
    ["it's john smith born january 15 1985", identity, { lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['its john smith born january fifteenth nineteen eighty five', identity, { lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 } }],
    ['smith and my number is five five five oh one oh one two three four', identity, { lastName: 'SMITH', phone: '+15550101234' }],
    ['um its chen c h e n november second nineteen ninety', identity, { lastName: 'CHEN', dateOfBirth: { year: 1990, month: 11, day: 2 } }],
    ['garcia born march fourteenth nineteen seventy two phone five five five oh one oh five six seven eight', identity, {
      lastName: 'GARCIA',
      dateOfBirth: { year: 1972, month: 3, day: 14 },
      phone: '+15550105678',
    }],
    ['my birthday is january fifteenth nineteen eighty five and my number is 555 010 1234', identity, {
      dateOfBirth: { year: 1985, month: 1, day: 15 },
      phone: '+15550101234',
    }],
    ['john smith 555 010 1234', identity, { lastName: 'SMITH', phone: '+15550101234' }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('takes no birth date from the digits of a phone number', async () => {
    expect(await understand('five five five oh one oh one two three four', identity)).toEqual({ phone: '+15550101234' });
    expect(await understand('555 010 1234', ['dateOfBirth', 'phone'])).toEqual({ phone: '+15550101234' });
  });

  it('takes neither a phone number nor a birth date from a run with a digit too many', async () => {
    expect((await understand('five five five eight eight oh one oh one two three four', ['phone'])).phone).toBeUndefined();
    for (const text of ['five five five eight eight oh one oh one two three four', 'five five five eight oh one oh one two three four five']) {
      const heard = await understand(text, identity);
      expect(heard.phone).toBeUndefined();
      expect(heard.dateOfBirth).toBeUndefined();
    }
  });
});
