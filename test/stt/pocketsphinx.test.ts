// Offline STT: PocketSphinx recognises generated callers through the per-state grammar, at 16 kHz and at telephone 8 kHz.
import { afterAll, describe, expect, it } from 'vitest';
import { appointments, providers, times } from '../../bench/phrasings-sets.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import { extractWithRules } from '../../src/understanding/rule-extractor.ts';
import { offlineSpeechAvailable } from '../../src/stt/offline-speech.ts';
import type { TranscriptEvent } from '../../src/stt/types.ts';
import type { Expectation } from '../../src/understanding/types.ts';
import { callerUtterance, framesOf } from './caller-audio.ts';
import { runSttContract } from './contract.ts';

const names = ['smith', 'jones', 'garcia', 'okafor', 'nguyen', 'patel'];

runSttContract('pocketsphinx', {
  create: () => createPocketSphinxStt({ names }),
  sample: async () => {
    const utterance = await callerUtterance('five five five zero one zero one two three four', { voice: 'en-us+klatt', sampleRate: 8000 });
    return { frames: framesOf(utterance), sampleRate: 8000, expectation: { slots: ['phone'] }, expectedWords: ['five', 'zero', 'four'] };
  },
});

const offered: Expectation = {
  slots: ['choice'],
  options: [
    { label: 'Dr. Amara Okafor on Tuesday at 10:30', name: 'Dr. Amara Okafor', date: '2025-12-02', time: '10:30' },
    { label: 'Dr. Ben Lee on Wednesday at 14:15', name: 'Dr. Ben Lee', date: '2025-12-03', time: '14:15' },
  ],
};

const cases: Array<{ text: string; expectation: Expectation; accept?: string[] }> = [
  { text: 'my last name is smith', expectation: { slots: ['lastName'] } },
  { text: 'my last name is okafor', expectation: { slots: ['lastName'] } },
  { text: 'january fifteenth nineteen eighty five', expectation: { slots: ['dateOfBirth'] } },
  { text: 'five five five zero one zero one two three four', expectation: { slots: ['phone'] } },
  // espeak's "yes" is heard as "yeah" through the 8 kHz band; both are the same answer to the extractor.
  { text: 'yes', expectation: { slots: ['yesNo'] }, accept: ['yes', 'yeah'] },
  { text: 'the second one', expectation: offered, accept: ['the second one', 'second one'] },
  { text: 'i need a heart doctor', expectation: { slots: ['specialty'] } },
  // Some espeak-ng builds swallow "next" through the 8 kHz band; the extractor reads both as the coming Tuesday.
  { text: 'next tuesday', expectation: { slots: ['date', 'time'] }, accept: ['next tuesday', 'tuesday'] },
  { text: 'i want to talk to a person', expectation: { slots: ['yesNo'] }, accept: ['i want to talk to a person', 'i want talk to a person'] },
];

async function transcribe(stt: ReturnType<typeof createPocketSphinxStt>, text: string, voice: string, sampleRate: number, expectation?: Expectation, phoneLine = false) {
  const utterance = await callerUtterance(text, { voice, sampleRate, phoneLine });
  const stream = await stt.open({ sampleRate, expectation });
  const events: TranscriptEvent[] = [];
  const done = (async () => {
    for await (const event of stream) events.push(event);
  })();
  for (const frame of framesOf(utterance)) stream.push(frame);
  stream.end();
  await done;
  const final = events.find((event) => event.type === 'final');
  return final?.type === 'final' ? final.text : undefined;
}

describe('pocketsphinx recognises what the state expects', () => {
  const stt = createPocketSphinxStt({ names });
  afterAll(() => stt.close?.());

  for (const sampleRate of [16000, 8000]) {
    for (const { text, expectation, accept } of cases) {
      it(`hears "${text}" from a klatt voice at ${sampleRate / 1000} kHz`, async () => {
        expect(accept ?? [text]).toContain(await transcribe(stt, text, 'en-us+klatt', sampleRate, expectation));
      }, 20000);
    }
  }

  // espeak's default voice is far from the speakers the en-us model was trained on; at 16 kHz these still come through.
  for (const { text, expectation, accept } of cases.filter((entry) => ['yes', 'the second one', 'i need a heart doctor', 'next tuesday'].includes(entry.text))) {
    it(`hears "${text}" from the default espeak voice at 16 kHz`, async () => {
      expect(accept ?? [text]).toContain(await transcribe(stt, text, 'en-us', 16000, expectation));
    }, 20000);
  }

  // Until the second pass this asserted that no digits came out at all: the grammar had none to offer. Digits said when a
  // name is asked are now heard as digits (by the generic model), and still never become a name.
  it('does not turn digits said when a name is asked into a name', async () => {
    const heard = await transcribe(stt, 'five five five zero one zero one', 'en-us+klatt', 16000, { slots: ['lastName'] });
    expect(heard?.split(' ').some((word) => names.includes(word))).toBe(false);
  }, 20000);

  it('hears a request the state did not ask for through the generic model rather than forcing it onto an answer', async () => {
    const heard = await transcribe(stt, 'hello i would like to make an appointment please', 'en-us+klatt', 16000, { slots: ['yesNo'] });
    expect(heard).toEqual(expect.stringContaining('appointment'));
  }, 20000);

  it('reports how sure it is: high for a clear answer the grammar expected', async () => {
    const utterance = await callerUtterance('january fifteenth nineteen eighty five', { voice: 'en-us+klatt', sampleRate: 16000 });
    const stream = await stt.open({ sampleRate: 16000, expectation: { slots: ['dateOfBirth'] } });
    const events: TranscriptEvent[] = [];
    const done = (async () => {
      for await (const event of stream) events.push(event);
    })();
    for (const frame of framesOf(utterance)) stream.push(frame);
    stream.end();
    await done;
    expect(events.at(-1)).toMatchObject({ type: 'final', text: 'january fifteenth nineteen eighty five' });
    expect((events.at(-1) as { confidence?: number }).confidence).toBeGreaterThan(0.7);
  }, 20000);

  // How callers give their identity when asked for it: a first name before the surname and the rest in one breath, a
  // name spelled after it, a birth date as numbers, the year alone when asked for it; then how they pick a day. Before,
  // the grammar had no path for these and returned nothing or another patient's name. And how they turn down a read-back.
  const identity: Expectation = { slots: ['lastName', 'dateOfBirth', 'phone'] };
  const readBack: Expectation = { slots: ['yesNo', 'lastName', 'dateOfBirth', 'phone'] };
  const offeredDays: Expectation = {
    slots: ['choice', 'date'],
    options: [
      { label: 'Monday, December seventh', date: '2026-12-07' },
      { label: 'Monday, December fourteenth', date: '2026-12-14' },
    ],
  };
  const ways: Array<{ text: string; expectation: Expectation; values: Record<string, unknown> }> = [
    { text: 'this is john smith, born january fifteenth, nineteen eighty five', expectation: identity, values: { lastName: 'SMITH', dateOfBirth: { year: 1985, month: 1, day: 15 } } },
    { text: 'smith, spelled s m i t h', expectation: identity, values: { lastName: 'SMITH' } },
    { text: 'eleven two ninety', expectation: { slots: ['dateOfBirth', 'lastName', 'phone'] }, values: { dateOfBirth: { year: 1990, month: 11, day: 2 } } },
    { text: 'nineteen eighty five', expectation: { slots: ['dateOfBirth', 'lastName', 'phone'] }, values: { dateOfBirth: { year: 1985 } } },
    // A kind of doctor with qualifiers, and a caller insisting on a day: before, forced onto "operator" or another day.
    { text: 'just a regular family medicine doctor', expectation: { slots: ['specialty'] }, values: { specialty: 'family medicine' } },
    { text: 'are you sure? thursday december third is the only day i can come', expectation: { slots: ['date', 'time'] }, values: { date: '2026-12-03' } },
    // A read-back turned down with the right value: asked yes or no, a value had no path without its carrier phrase.
    { text: "no, it's eleven two ninety", expectation: readBack, values: { yesNo: false, dateOfBirth: { year: 1990, month: 11, day: 2 } } },
    { text: "no, it's patel, p a t e l", expectation: readBack, values: { yesNo: false, lastName: 'PATEL' } },
    { text: 'no, five five five zero one zero nine zero one two', expectation: readBack, values: { yesNo: false, phone: '+15550109012' } },
    // A yes or no with words after it, asked to confirm, and a yes with the next request: before, no path (an empty
    // transcript, or a no forced onto "oh please do").
    { text: "yep, that's it", expectation: { slots: ['yesNo'] }, values: { yesNo: true } },
    { text: 'no, keep it', expectation: { slots: ['yesNo'] }, values: { yesNo: false } },
    { text: 'yes, i need to book another appointment', expectation: { slots: ['yesNo', 'intent', 'specialty'] }, values: { yesNo: true, intent: 'book' } },
    // A doctor picked by where they see patients, or with no preference: before, no path for either.
    { text: 'the one at riverside, please', expectation: providers, values: { choice: 1 } },
    { text: 'either one is fine', expectation: providers, values: { choice: 0 } },
    // Carriers, short years, requests and endings callers use that the grammars lacked (8 kHz probe, nine voices: 66 → 87 %
    // of such phrasings right; 57 → 80 % of a second set written before the change).
    { text: 'my cell is five five five, zero one zero, four four five six', expectation: { slots: ['phone', 'lastName', 'dateOfBirth'] }, values: { phone: '+15550104456' } },
    { text: 'march fourteen, seventy two', expectation: { slots: ['dateOfBirth', 'lastName', 'phone'] }, values: { dateOfBirth: { year: 1972, month: 3, day: 14 } } },
    { text: 'hello, can i make an appointment with a dermatologist', expectation: { slots: ['intent', 'specialty'] }, values: { intent: 'book', specialty: 'dermatology' } },
    { text: 'could you check when my appointment is', expectation: { slots: ['intent', 'specialty'] }, values: { intent: 'list' } },
    { text: 'do you have anything on friday', expectation: { slots: ['date', 'time'] }, values: { date: '2026-12-04' } },
    { text: 'the ten thirty one', expectation: times, values: { choice: 2 } },
    { text: 'the one with doctor lindqvist', expectation: appointments, values: { choice: 0 } },
    { text: 'no, i think that is everything', expectation: { slots: ['yesNo', 'intent', 'specialty'] }, values: { yesNo: false } },
    // Picking among offered days by date, a first one with a word after it, and a day by weekday and date.
    { text: 'the december fourteenth one', expectation: offeredDays, values: { choice: 1 } },
    { text: 'okay, the first one then', expectation: offeredDays, values: { choice: 0 } },
    { text: 'thursday december third, thank you', expectation: { slots: ['date', 'time'] }, values: { date: '2026-12-03' } },
    // No day named, the first opening wanted: the grammar's words stand against the generic model's ("earlier today").
    { text: 'the earliest day you have', expectation: { slots: ['date', 'time'] }, values: { soonest: true } },
  ];
  for (const sampleRate of [16000, 8000]) {
    for (const { text, expectation, values } of ways) {
      it(`gets the values of "${text}" from a klatt voice at ${sampleRate / 1000} kHz`, async () => {
        const heard = (await transcribe(stt, text, 'en-us+klatt', sampleRate, expectation)) ?? '';
        expect(extractWithRules({ text: heard, expectation, now: '2026-12-01T09:00' })).toMatchObject(values);
      }, 20000);
    }
  }

  // Asked for the year of a birth date on a phone line: espeak's default voice says "nineteen" in a way the model half
  // hears, and the grammar used to let that become a future year ("twenty fifty one") or a date said as numbers ("on two
  // thirty eighty four"). Years now stop at 2039, and a date in numbers is not offered when only the year was asked.
  const yearAsked: Expectation = { slots: ['dateOfBirth', 'phone'], askedFor: 'birthYear' };
  for (const [text, year] of [['nineteen eighty five', 1985], ['nineteen fifty one', 1951], ['nineteen forty eight', 1948]] as const) {
    it(`hears the year "${text}" from the default espeak voice over a phone line when the year was asked`, async () => {
      const heard = (await transcribe(stt, text, 'en-us', 8000, yearAsked, true)) ?? '';
      expect(extractWithRules({ text: heard, expectation: yearAsked, now: '2026-12-01T09:00' }).dateOfBirth).toEqual({ year });
    }, 20000);
  }

  it('listens with the generic model when nothing specific is expected', async () => {
    const heard = await transcribe(stt, 'i would like to book an appointment', 'en-us+klatt', 16000, undefined);
    expect(heard).toEqual(expect.stringContaining('appointment'));
  }, 20000);
});

describe('pocketsphinx setup', () => {
  it('reports both offline engines as available on a machine with the Debian packages', () => {
    expect(offlineSpeechAvailable()).toEqual({ stt: true, tts: true, missing: [] });
  });

  it('names the Debian packages to install when the library is missing', () => {
    let caught: unknown;
    try {
      createPocketSphinxStt({ libraryPath: 'libpocketsphinx-not-installed.so.3' });
    } catch (error) {
      caught = error;
    }
    expect(isFrontdeskError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('apt-get install pocketsphinx pocketsphinx-en-us');
    expect(offlineSpeechAvailable({ libraryPath: 'libpocketsphinx-not-installed.so.3' })).toEqual({
      stt: false,
      tts: true,
      missing: ['pocketsphinx', 'pocketsphinx-en-us', 'libpocketsphinx3'],
    });
  });

  it('names the model directory when the models are missing', () => {
    expect(() => createPocketSphinxStt({ modelDirectory: '/nonexistent/model' })).toThrow(/pocketsphinx-en-us/);
  });

  it('rejects frames at another sample rate than the stream was opened with', async () => {
    const stt = createPocketSphinxStt();
    const stream = await stt.open({ sampleRate: 8000, expectation: { slots: ['yesNo'] } });
    expect(() => stream.push({ samples: new Int16Array(320), sampleRate: 16000 })).toThrow(/16000 Hz/);
    stream.close();
    await stt.close?.();
  });
});

// Telephone audio is decoded with the MLLR transform `npm run adapt:telephone` made from other voices than espeak-ng's
// default one: through the 8 kHz band the plain wideband model heard that voice's birth dates and names far worse.
describe('pocketsphinx on a phone line, with the telephone transform', () => {
  const adapted = createPocketSphinxStt({ names });
  const plain = createPocketSphinxStt({ names, telephoneAdaptation: null });
  afterAll(async () => {
    await adapted.close?.();
    await plain.close?.();
  });
  const answers: Array<{ text: string; expectation: Expectation }> = [
    { text: 'november second, nineteen ninety', expectation: { slots: ['dateOfBirth'] } },
    { text: "it's march fourteenth nineteen seventy two", expectation: { slots: ['dateOfBirth'] } },
    { text: 'september the ninth, nineteen sixty eight', expectation: { slots: ['dateOfBirth'] } },
    { text: 'my birthday is december third nineteen eighty', expectation: { slots: ['dateOfBirth'] } },
    { text: "okay, it's patel", expectation: { slots: ['lastName'] } },
    { text: 'jones, thank you', expectation: { slots: ['lastName'] } },
    { text: 'the last name is garcia', expectation: { slots: ['lastName'] } },
    { text: 'six one seven, eight two three, nine nine oh oh', expectation: { slots: ['phone'] } },
  ];
  const rightValues = async (stt: ReturnType<typeof createPocketSphinxStt>) => {
    const right: string[] = [];
    for (const { text, expectation } of answers) {
      const heard = (await transcribe(stt, text, 'en-us', 8000, expectation, true)) ?? '';
      const now = '2026-12-01T09:00';
      const values = (words: string) => expectation.slots.map((slot) => JSON.stringify(extractWithRules({ text: words, expectation, now })[slot]));
      if (JSON.stringify(values(heard)) === JSON.stringify(values(text))) right.push(text);
    }
    return right;
  };

  it("gets more of espeak-ng's default voice's identity answers right than the plain model", async () => {
    const withTransform = await rightValues(adapted);
    const without = await rightValues(plain);
    expect(withTransform.length).toBeGreaterThanOrEqual(6);
    expect(withTransform.length).toBeGreaterThan(without.length);
  }, 60000);

  it('refuses a transform file that is not there, naming it', () => {
    expect(() => createPocketSphinxStt({ telephoneAdaptation: '/nonexistent/phone.mllr' })).toThrow(/\/nonexistent\/phone\.mllr/);
  });
});
