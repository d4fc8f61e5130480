// Which offline transcript to believe when the grammar heard an interrupt: what a grammar makes of speech it does not
// cover is checked against the generic model before it can put a caller through to staff.
import { describe, expect, it } from 'vitest';
import { chooseTranscript, interruptWithoutAnswer } from '../../src/stt/transcript-choice.ts';
import type { Expectation } from '../../src/understanding/types.ts';

const specialty: Expectation = { slots: ['specialty'] };
/** A grammar path scoring like a clear one (confidence ~0.9). */
const clear = -28;

describe('a grammar interrupt checked against the generic model', () => {
  it('is checked only when it is an interrupt and no answer', () => {
    expect(interruptWithoutAnswer({ text: 'operator', scorePerFrame: clear }, specialty)).toBe(true);
    expect(interruptWithoutAnswer({ text: 'i got chest pain', scorePerFrame: clear }, specialty)).toBe(true);
    expect(interruptWithoutAnswer({ text: 'a skin doctor please', scorePerFrame: clear }, specialty)).toBe(false);
    expect(interruptWithoutAnswer({ text: '', scorePerFrame: 0 }, specialty)).toBe(false);
  });

  it('stands sure when the model heard a request for a person too', () => {
    const chosen = chooseTranscript({ text: 'i want to talk to a real person', scorePerFrame: clear }, { text: 'i want to talk to a person', posterior: 0.2 }, specialty);
    expect(chosen).toMatchObject({ text: 'i want to talk to a real person', source: 'grammar' });
    expect(chosen.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('stands unsure when the model heard no interrupt, so staff is offered instead of put through', () => {
    const chosen = chooseTranscript({ text: 'operator works that works', scorePerFrame: clear }, { text: 'just a regular for the medicine the', posterior: 0.01 }, specialty);
    expect(chosen).toMatchObject({ text: 'operator works that works', source: 'grammar' });
    expect(chosen.confidence).toBeLessThan(0.5);
  });

  it("gives way to the model's answer", () => {
    const chosen = chooseTranscript({ text: 'operator works that works', scorePerFrame: clear }, { text: 'just a regular family medicine doctor', posterior: 0.3 }, specialty);
    expect(chosen).toMatchObject({ text: 'just a regular family medicine doctor', source: 'language-model' });
  });

  it('keeps an emergency sure whatever the model heard short of an answer: the emergency line is never held back', () => {
    const chosen = chooseTranscript({ text: 'i got chest pain', scorePerFrame: clear }, { text: 'i got just paint', posterior: 0.05 }, specialty);
    expect(chosen).toMatchObject({ text: 'i got chest pain', source: 'grammar' });
    expect(chosen.confidence).toBeGreaterThanOrEqual(0.5);
  });
});
