// Clock times as callers say them ("ten thirty", "2 pm", "two in the afternoon", "half past ten") → HH:mm.

/** A time as heard: the hour on a 12- or 24-hour clock, minutes if said, and AM/PM if said. */
export interface HeardTime {
  hour: number;
  minute?: number;
  meridiem?: 'am' | 'pm';
  /** Where in the text it was found. */
  index: number;
}

const meridiemPattern = String.raw`(a\.?\s?m\.?|p\.?\s?m\.?|o'?\s?clock|in the morning|in the afternoon|in the evening|at night|this morning|this afternoon|this evening|tonight)`;

function readMeridiem(marker: string | undefined): 'am' | 'pm' | undefined {
  if (!marker) return undefined;
  const compact = marker.replace(/[.\s]/g, '');
  if (compact.endsWith('morning')) return 'am';
  if (/afternoon|evening|night/.test(compact)) return 'pm';
  if (compact.startsWith('a')) return 'am';
  if (compact.startsWith('p')) return 'pm';
  return undefined;
}

function validHourMinute(hour: number, minute: number | undefined, meridiem: 'am' | 'pm' | undefined): boolean {
  if (minute !== undefined && (minute < 0 || minute > 59)) return false;
  if (meridiem) return hour >= 1 && hour <= 12;
  return hour >= 0 && hour <= 23;
}

/**
 * Finds a time in text whose number words were already turned into digits.
 * With `loose`, a bare hour ("at 10", "10") or "10 30" without AM/PM counts; otherwise a time needs a colon or a marker.
 */
export function findTime(normalized: string, options: { loose: boolean }): HeardTime | undefined {
  const text = normalized.toLowerCase();

  const noon = /\b(noon|midday|twelve noon|12 noon)\b/.exec(text);
  if (noon) return { hour: 12, minute: 0, meridiem: 'pm', index: noon.index };

  const half = new RegExp(String.raw`\b(half|quarter) (past|after|to|till|before) (\d{1,2})\b(?:\s*${meridiemPattern})?`).exec(text);
  if (half) {
    const hour = Number(half[3]);
    const meridiem = readMeridiem(half[4]);
    const toward = /to|till|before/.test(half[2]!);
    if (hour >= 1 && hour <= 12) {
      if (half[1] === 'half' && !toward) return { hour, minute: 30, meridiem, index: half.index };
      if (half[1] === 'quarter') {
        return toward
          ? { hour: hour === 1 ? 12 : hour - 1, minute: 45, meridiem, index: half.index }
          : { hour, minute: 15, meridiem, index: half.index };
      }
    }
  }

  const colon = new RegExp(String.raw`(?<![\d/:-])(\d{1,2}):(\d{2})(?![\d/:])(?:\s*${meridiemPattern})?`).exec(text);
  if (colon) {
    const hour = Number(colon[1]);
    const minute = Number(colon[2]);
    const meridiem = readMeridiem(colon[3]);
    if (validHourMinute(hour, minute, meridiem)) return { hour, minute, meridiem, index: colon.index };
  }

  const spaced = new RegExp(String.raw`(?<![\d/:-]\s?)\b(\d{1,2}) (\d{2})\b(?!\s?[\d/:-])(?:\s*${meridiemPattern})?`).exec(text);
  if (spaced) {
    const hour = Number(spaced[1]);
    const minute = Number(spaced[2]);
    const meridiem = readMeridiem(spaced[3]);
    if ((meridiem || options.loose) && hour >= 1 && hour <= 12 && validHourMinute(hour, minute, meridiem)) {
      return { hour, minute, meridiem, index: spaced.index };
    }
  }

  const marked = new RegExp(String.raw`(?<![\d/:-]\s?)\b(\d{1,2})\s*${meridiemPattern}`).exec(text);
  if (marked) {
    const hour = Number(marked[1]);
    const meridiem = readMeridiem(marked[2]);
    if (hour >= 1 && hour <= 12) return { hour, minute: 0, meridiem, index: marked.index };
  }

  if (options.loose) {
    const numbers = [...text.matchAll(/(?<![\d/:-])\b(\d{1,2})\b(?![\d/:-]|st|nd|rd|th)/g)];
    if (numbers.length === 1) {
      const hour = Number(numbers[0]![1]);
      if (hour >= 1 && hour <= 12) return { hour, meridiem: undefined, index: numbers[0]!.index };
    }
  }
  return undefined;
}

/**
 * A heard time on the clinic's 24-hour clock. Without AM/PM, 7–11 read as morning and 12–6 as afternoon:
 * clinic hours make "two" mean 14:00.
 */
export function toClinicTime(heard: Pick<HeardTime, 'hour' | 'minute' | 'meridiem'>): string {
  let hour = heard.hour;
  if (heard.meridiem === 'am') hour = hour === 12 ? 0 : hour;
  else if (heard.meridiem === 'pm') hour = hour === 12 ? 12 : hour + 12;
  else if (hour >= 1 && hour <= 6) hour += 12;
  const minute = heard.minute ?? 0;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
