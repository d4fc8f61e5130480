// A FHIR EHR with FRONTDESK_DATABASE_URL: verification lockouts live in the shared PostgreSQL, so failures made through two instances lock the claim for both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAuditTrail } from '../../src/audit/memory-audit-trail.ts';
import { createManualClock } from '../../src/clock.ts';
import { createFhirEhr } from '../../src/ehr/fhir/fhir-ehr.ts';
import { createSharedLockouts } from '../../src/ehr/postgres-lockout.ts';
import { defaultCallerLockoutPolicy, defaultLockoutPolicy } from '../../src/ehr/verification-lockout.ts';
import { openDatabase } from '../../src/postgres/database.ts';
import { startFhirServer, type FhirServer } from '../helpers/fhir-server.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';

const clinicNow = new Date('2026-12-01T14:00:00Z');
const john = { lastName: 'Smith', dateOfBirth: '1985-01-15', phone: '+15550101234' };
const context = { sessionId: 'fhir-shared-lockouts' };

let postgres: PostgresServer;
let fhir: FhirServer;
beforeAll(async () => {
  [postgres, fhir] = await Promise.all([startPostgresServer(), startFhirServer({ now: clinicNow, timeZone: 'America/New_York' })]);
});
afterAll(async () => {
  await fhir?.close();
  postgres?.destroy();
});

describe('FHIR EHR lockouts in PostgreSQL', () => {
  it('locks a claim after failures spread over two instances, for both, and never opens the local lockout file', async () => {
    const url = await postgres.createDatabase();
    const databases = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    const clock = createManualClock(clinicNow, 'America/New_York');
    const auditTrail = createMemoryAuditTrail({ clock });
    const policies = { claims: defaultLockoutPolicy, callers: defaultCallerLockoutPolicy };
    const [first, second] = databases.map((database) =>
      createFhirEhr({ baseUrl: fhir.baseUrl, clock, auditTrail, lockoutFile: '/nonexistent/directory/lockouts.sqlite', timeoutMs: 5000, lockouts: createSharedLockouts(database, policies) }),
    );
    try {
      const guesses = ['1980-03-03', '1980-03-04', '1980-03-05'].map((dateOfBirth) => ({ ...john, dateOfBirth }));
      expect(await first!.verifyPatient(guesses[0]!, context)).toEqual({ outcome: 'mismatch' });
      expect(await second!.verifyPatient(guesses[1]!, context)).toEqual({ outcome: 'mismatch' });
      expect(await first!.verifyPatient(guesses[2]!, context)).toMatchObject({ outcome: 'locked' });
      expect(await second!.verifyPatient(john, context)).toEqual({ outcome: 'locked', until: '2026-12-01T09:15' });
      expect(auditTrail.records().filter((record) => record.action === 'verification_locked').map((record) => record.detail?.scope)).toEqual(['name-and-phone']);
      const { rows } = await databases[0]!.query<{ count: string }>('SELECT count(*) FROM lockout_locks');
      expect(Number(rows[0]!.count)).toBe(1);
    } finally {
      await Promise.all([first!.close(), second!.close()]);
      await Promise.all(databases.map((database) => database.close()));
    }
  }, 60_000);
});
