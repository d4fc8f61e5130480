// Shared setup for the EHR tests: a frozen clinic clock, temp database files, and the fixture patients' claims.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../../src/clock.ts';
import type { VerificationClaim } from '../../src/ehr/types.ts';

/** Wednesday 2025-03-05, 10:00 in New York. */
export const startInstant = new Date('2025-03-05T15:00:00Z');
export const clinicTimeZone = 'America/New_York';

export function newClock() {
  return createManualClock(startInstant, clinicTimeZone);
}

export const minute = 60_000;

export const claims = {
  johnSmith: { lastName: 'Smith', dateOfBirth: '1985-01-15', phone: '+15550101234' },
  janeSmith: { lastName: 'Smith', dateOfBirth: '1991-06-30', phone: '+15550103456' },
  mariaGarcia: { lastName: 'Garcia', dateOfBirth: '1972-03-14', phone: '+15550105678' },
  weiChen: { lastName: 'Chen', dateOfBirth: '1990-11-02', phone: '+15550109012' },
} satisfies Record<string, VerificationClaim>;

/** A fresh temp directory; call the returned cleanup in afterEach. */
export function temporaryDirectory(): { directory: string; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-ehr-'));
  return { directory, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

export function databasePath(directory: string): string {
  return join(directory, 'ehr.sqlite');
}
