// Shared setup for the FHIR adapter tests: a local FHIR server seeded with the demo clinic, and the adapter on a frozen clinic clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAuditTrail } from '../../../src/audit/memory-audit-trail.ts';
import { createManualClock } from '../../../src/clock.ts';
import { createFhirEhr, type FhirEhrOptions } from '../../../src/ehr/fhir/fhir-ehr.ts';
import type { EhrBackend } from '../../../src/ehr/registry.ts';
import { startFhirServer, type FhirServer, type FhirServerOptions } from '../../helpers/fhir-server.ts';

/** Tuesday 2026-12-01, 09:00 in New York: the scenarios' now. */
export const clinicNow = new Date('2026-12-01T14:00:00Z');
export const clinicTimeZone = 'America/New_York';

export interface FhirFixture {
  server: FhirServer;
  ehr: EhrBackend;
  clock: ReturnType<typeof createManualClock>;
  auditTrail: ReturnType<typeof createMemoryAuditTrail>;
  close(): Promise<void>;
}

export async function openFhirFixture(
  options: { server?: Partial<FhirServerOptions>; ehr?: Partial<FhirEhrOptions> } = {},
): Promise<FhirFixture> {
  const server = await startFhirServer({ now: clinicNow, timeZone: clinicTimeZone, ...options.server });
  const clock = createManualClock(clinicNow, clinicTimeZone);
  const auditTrail = createMemoryAuditTrail({ clock });
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-fhir-'));
  const ehr = createFhirEhr({ baseUrl: server.baseUrl, clock, auditTrail, lockoutFile: join(directory, 'lockouts.sqlite'), timeoutMs: 2000, ...options.ehr });
  return {
    server,
    ehr,
    clock,
    auditTrail,
    async close() {
      await ehr.close();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
