// The server benchmark's callers as distinct patients: each caller verifies as a record of its own (a common surname, a birth date, a phone number),
// so a misheard answer counts against that caller's record only, as in a clinic, and never locks the others out of a shared one.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speakNumber, speakYear } from '../src/spoken-numbers.ts';
import { spokenOrdinal } from '../src/stt/spoken-words.ts';
import { seededRandom } from '../test/audio/spoken-audio.ts';

/** Common US surnames, all spoken plainly (no apostrophes or hyphens); callers past the list reuse them with other birth dates and phones. */
const surnames = [
  'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Rodriguez', 'Wilson', 'Martinez', 'Anderson',
  'Taylor', 'Thomas', 'Hernandez', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Lopez', 'Lee',
  'Gonzalez', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Perez', 'Hall', 'Young', 'Allen',
  'Sanchez', 'Wright', 'King', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Ramirez',
  'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Torres', 'Parker', 'Collins',
  'Edwards', 'Stewart', 'Flores', 'Morris', 'Nguyen', 'Murphy', 'Rivera', 'Cook', 'Rogers', 'Morgan',
  'Peterson', 'Cooper', 'Reed', 'Bailey', 'Bell', 'Gomez', 'Kelly', 'Howard', 'Ward', 'Cox',
  'Diaz', 'Richardson', 'Wood', 'Watson', 'Brooks', 'Bennett', 'Gray', 'James', 'Reyes', 'Cruz',
  'Hughes', 'Price', 'Myers', 'Long', 'Foster', 'Sanders', 'Ross', 'Morales', 'Powell', 'Sullivan',
  'Russell', 'Ortiz', 'Jenkins', 'Gutierrez', 'Perry', 'Butler', 'Barnes', 'Fisher', 'Henderson', 'Coleman',
];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface BenchPatient {
  patientId: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  phone: string;
  /** What the caller says, in order: the request, then the three verification answers. */
  lines: string[];
}

/** 1940–1999 as said aloud: "nineteen eighty five", "nineteen forty". */
const yearWords = (year: number) => speakYear(year).replaceAll('-', ' ');

/**
 * Digits the callers' numbers are made of. Six is left out: through the 8 kHz band the generated voice's "s" is gone,
 * and PocketSphinx hears "six", "sixth" and "sixty" as other numbers in most cases (bench/offline-speech.ts measures
 * accuracy); a benchmark of capacity wants callers the recogniser gets right when the machine is idle.
 */
const callerDigits = [0, 1, 2, 3, 4, 5, 7, 8, 9];

/** `count` distinct patients, the same for the same count (seeded). */
export function benchPatients(count: number): BenchPatient[] {
  const random = seededRandom(7);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const digit = (from = 0) => String(pick(callerDigits.filter((value) => value >= from)));
  const phones = new Set<string>();
  return Array.from({ length: count }, (_value, index) => {
    const year = Number(`19${digit(4)}${digit()}`);
    const month = 1 + Math.floor(random() * 12);
    const day = pick(Array.from({ length: 28 }, (_day, offset) => offset + 1).filter((value) => value % 10 !== 6));
    // Area code 555 (fictional), an exchange of 200–999 (the demo patients' is 010), distinct per patient.
    let local: string;
    do local = `${digit(2)}${digit()}${digit()}${digit()}${digit()}${digit()}${digit()}`;
    while (phones.has(local));
    phones.add(local);
    const digits = `555${local}`;
    return {
      patientId: `B${String(index + 1).padStart(4, '0')}`,
      firstName: 'Bench',
      lastName: surnames[index % surnames.length]!,
      dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      phone: `+1 555-${local.slice(0, 3)}-${local.slice(3)}`,
      lines: [
        'I want to book an appointment',
        `my last name is ${surnames[index % surnames.length]}`,
        `${months[month - 1]} ${spokenOrdinal(day)} ${yearWords(year)}`,
        [...digits].map((digit) => speakNumber(Number(digit))).join(' '),
      ],
    };
  });
}

/** A copy of fixtures/ehr with `patients` added to the demo patients, for a benchmark server's new EHR. */
export function writeBenchFixtures(patients: BenchPatient[]): string {
  const source = join(import.meta.dirname, '..', 'fixtures', 'ehr');
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-bench-fixtures-'));
  cpSync(source, directory, { recursive: true });
  const demo = JSON.parse(readFileSync(join(source, 'patients.json'), 'utf8')) as { patients: object[] };
  const added = patients.map(({ lines: _lines, ...record }) => record);
  writeFileSync(join(directory, 'patients.json'), `${JSON.stringify({ patients: [...demo.patients, ...added] }, null, 2)}\n`);
  return directory;
}
