// Yes, no and "that's all" as callers say them, and picking an offered day or time by weekday, date or clock.
import { describe, expect, it } from 'vitest';
import type { OfferedOption } from '../../src/understanding/types.ts';
import { understand, type Row } from './understand.ts';

const anythingElse = ['yesNo', 'intent', 'specialty'] as const;

describe('endings are a no to "anything else?"', () => {
  it.each<Row>([
    ["that's all", ['yesNo'], { yesNo: false }],
    ["no that's all", [...anythingElse], { yesNo: false }],
    ['no thats all', [...anythingElse], { yesNo: false }],
    ['nothing else', [...anythingElse], { yesNo: false }],
    ['nothing else thank you', [...anythingElse], { yesNo: false }],
    ["I'm good", [...anythingElse], { yesNo: false }],
    ['im good thanks', [...anythingElse], { yesNo: false }],
    ["I'm all set", [...anythingElse], { yesNo: false }],
    ['i am all set thank you', [...anythingElse], { yesNo: false }],
    ['no thanks', [...anythingElse], { yesNo: false }],
    ["that's it thank you", [...anythingElse], { yesNo: false }],
    ['thats it', [...anythingElse], { yesNo: false }],
    ["no that'll be all", [...anythingElse], { yesNo: false }],
    ['no that will be all thanks', [...anythingElse], { yesNo: false }],
    ["nope that's everything", [...anythingElse], { yesNo: false }],
    // "Okay" before an ending is a hesitation, not a yes.
    ["okay, that's everything, thanks", [...anythingElse], { yesNo: false }],
    ["alright, I'm all set", [...anythingElse], { yesNo: false }],
    // Only an ending after the "okay" makes it a no: "okay, I don't mind" and "okay, no problem" agree.
    ["okay, I don't mind", ['yesNo'], { yesNo: true }],
    ['okay, no problem', ['yesNo'], { yesNo: true }],
    ['no that is wrong', ['yesNo'], { yesNo: false }],
    ["no, that's all", ['yesNo'], { yesNo: false }],
    ["um no I think that's it", [...anythingElse], { yesNo: false }],
    ["no I'm okay thank you", [...anythingElse], { yesNo: false }],
    ["that's all I needed", [...anythingElse], { yesNo: false }],
    ['no thank you have a good day', [...anythingElse], { yesNo: false }],
    ["I'm fine thanks", [...anythingElse], { yesNo: false }],
    ['that should be it', [...anythingElse], { yesNo: false }],
    ['not at this time', [...anythingElse], { yesNo: false }],
    ['that will do it thanks', [...anythingElse], { yesNo: false }],
    ["nope, I'm done", [...anythingElse], { yesNo: false }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it('hears a new request after "anything else?" as the request, not as a no', async () => {
    expect(await understand('yes I also need to cancel my appointment', [...anythingElse])).toEqual({ yesNo: true, intent: 'cancel' });
    expect(await understand('actually can I book another one', [...anythingElse])).toEqual({ intent: 'book' });
  });
});

describe('agreement', () => {
  it.each<Row>([
    ['yep', ['yesNo'], { yesNo: true }],
    ['correct', ['yesNo'], { yesNo: true }],
    ["that's right", ['yesNo'], { yesNo: true }],
    ['sounds good', ['yesNo'], { yesNo: true }],
    ['yes please', ['yesNo'], { yesNo: true }],
    ['yeah that works', ['yesNo'], { yesNo: true }],
    ['uh huh', ['yesNo'], { yesNo: true }],
    ['uh-huh', ['yesNo'], { yesNo: true }],
    ['mm hmm', ['yesNo'], { yesNo: true }],
    ['perfect', ['yesNo'], { yesNo: true }],
    ['sure thing', ['yesNo'], { yesNo: true }],
    ["yes that's correct thank you", ['yesNo'], { yesNo: true }],
    ['yes thats correct thank you', ['yesNo'], { yesNo: true }],
    ['um yeah go ahead and book it', ['yesNo'], { yesNo: true, intent: 'book' }],
    ['okay great', ['yesNo'], { yesNo: true }],
    ['that works for me', ['yesNo'], { yesNo: true }],
    ['yes ma am', ['yesNo'], { yesNo: true }],
    ['you got it', ['yesNo'], { yesNo: true }],
    ["let's do it", ['yesNo'], { yesNo: true }],
    ['well yes', ['yesNo'], { yesNo: true }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });

  it.each<Row>([
    ['yes that is correct thank you', ['lastName'], { yesNo: true }],
    ['no thank you', ['lastName'], { yesNo: false }],
    ['maybe', ['yesNo'], {}],
    ["I'm not sure", ['yesNo'], {}],
    ["I don't know", ['yesNo'], {}],
    ['no idea', ['yesNo'], {}],
    ["I'm good with that", ['yesNo'], { yesNo: true }],
  ])('"%s"', async (text, slots, expected) => {
    expect(await understand(text, slots)).toEqual(expected);
  });
});

describe('picking an offered slot by weekday, date or clock', () => {
  // Monday, November 30, 2026: three slots the following week.
  const options: OfferedOption[] = [
    { label: 'Tuesday, December eighth at ten AM', date: '2026-12-08', time: '10:00' },
    { label: 'Wednesday, December ninth at nine thirty AM', date: '2026-12-09', time: '09:30' },
    { label: 'Thursday, December tenth at two PM', date: '2026-12-10', time: '14:00' },
  ];

  it.each<[string, number, string | undefined]>([
    ['Wednesday then', 1, undefined],
    ['wednesday works', 1, undefined],
    ['Wednesday works for me', 1, undefined],
    ['the ninth', 1, undefined],
    ["let's do the ninth", 1, undefined],
    ['lets do the ninth please', 1, undefined],
    ['the 9th', 1, undefined],
    ['december ninth', 1, undefined],
    ['the nine thirty one', 1, '09:30'],
    ['nine thirty please', 1, '09:30'],
    ['um the ten o clock one', 0, '10:00'],
    ['the tenth', 2, undefined],
    ['thursday the tenth', 2, undefined],
    ['I will take the two pm', 2, '14:00'],
    ['the tuesday one thanks', 0, undefined],
    ['the earliest one', 0, undefined],
    ['okay, the first of those days please', 0, undefined],
    ['fine, the earliest of them then', 0, undefined],
    ['wednesday the ninth at nine thirty', 1, '09:30'],
  ])('"%s" picks option %i', async (text, choice, time) => {
    const expected = time ? { choice, time } : { choice };
    expect(await understand(text, ['choice'], { options })).toEqual(expected);
    expect(await understand(text, ['choice', 'date', 'time'], { options })).toMatchObject(expected);
  });

  it('picks by position when the ordinal fits the list', async () => {
    expect(await understand('the second one', ['choice'], { options })).toEqual({ choice: 1 });
    expect(await understand('the first', ['choice'], { options })).toEqual({ choice: 0 });
  });

  it('picks nothing for a day no option falls on', async () => {
    expect(await understand('the twentieth', ['choice'], { options })).toEqual({});
    expect((await understand('friday', ['choice'], { options })).choice).toBeUndefined();
  });
});

describe('picking a doctor by name, by where they see patients, or with no preference', () => {
  // The agent says each doctor with their location: "Dr. Samuel Whitfield at Downtown Clinic or Dr. Elena Petrova at Riverside Clinic".
  const options: OfferedOption[] = [
    { label: 'Dr. Samuel Whitfield', name: 'Dr. Samuel Whitfield', keywords: ['Downtown Clinic'] },
    { label: 'Dr. Elena Petrova', name: 'Dr. Elena Petrova', keywords: ['Riverside Clinic'] },
  ];

  it.each<[string, number]>([
    ['the one at riverside', 1],
    ['downtown is better for me', 0],
    ['riverside clinic please', 1],
    ['petrova', 1],
    ['either one is fine', 0],
    ["it doesn't matter", 0],
    ['um, whichever', 0],
    ['I don\'t mind', 0],
  ])('"%s" picks option %i', async (text, choice) => {
    expect(await understand(text, ['choice', 'intent'], { options })).toMatchObject({ choice });
  });

  it('picks nothing by a word every option has', async () => {
    expect(await understand('the clinic one', ['choice', 'intent'], { options })).toEqual({});
  });

  it('hears "as early as possible" asked for a day as the first opening', async () => {
    expect(await understand('as early as possible', ['date', 'time'])).toEqual({ soonest: true });
  });
});
