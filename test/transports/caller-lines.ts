// The spoken caller of the media tests and the server benchmark: espeak-ng's klatt voice, converted by sox to 8 kHz mono 16-bit without dither.
import { callerUtterance } from '../stt/caller-audio.ts';

/**
 * John Smith books a cardiology check-up, one answer per question. Four lines are worded for the generated voice through
 * the 8 kHz band: Silero scores the klatt voice's lone "Smith" and "yes" near the threshold, so whether they start a turn
 * depends on where they fall against its 32 ms windows (replayed at 16 offsets, "yes" was missed at 6, "yes that is right"
 * at none); PocketSphinx hears "the first one" as "number one" or "what" depending on the utterances before it; and it
 * hears "next wednesday" as "wednesday" (the 2nd, not the 9th), so the caller names the date.
 */
export const johnSmithBookingLines = [
  'I want to book an appointment',
  'my last name is Smith',
  'January fifteenth nineteen eighty five',
  'five five five zero one zero one two three four',
  'I need a heart doctor',
  'first one',
  'the ninth of december',
  'nine thirty',
  'annual checkup',
  'yes that is right',
  'no thank you',
] as const;

/** Speech only (no padding), PCM16 at 8000 Hz, for each line. */
export async function speakLines(lines: readonly string[]): Promise<Int16Array[]> {
  return Promise.all(lines.map(async (line) => (await callerUtterance(line, { voice: 'en-us+klatt', sampleRate: 8000, paddingMs: 0 })).samples));
}
