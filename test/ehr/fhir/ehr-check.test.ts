// `frontdesk ehr check` with the configuration as an operator sets it: what the FHIR server serves, and exit 1 when a call could not be served.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli.ts';
import { startFhirServer, type FhirServer } from '../../helpers/fhir-server.ts';
import { clinicNow } from './fhir-test-support.ts';

describe('frontdesk ehr check', () => {
  let directory: string;
  let server: FhirServer | undefined;
  let output: string;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'frontdesk-ehr-check-'));
    output = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((output += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((output += String(chunk)), true));
    vi.stubEnv('FRONTDESK_DATA_DIR', directory);
    vi.stubEnv('FRONTDESK_TIMEZONE', 'America/New_York');
    vi.stubEnv('FRONTDESK_NOW', '2026-12-01T09:00');
    vi.stubEnv('LOG_LEVEL', 'silent');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  function useFhir(baseUrl: string, privateKey = keys.privateKey) {
    const keyFile = join(directory, 'client.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    vi.stubEnv('FRONTDESK_EHR', 'fhir');
    vi.stubEnv('FRONTDESK_FHIR_URL', baseUrl);
    vi.stubEnv('FRONTDESK_FHIR_CLIENT_ID', 'frontdesk');
    vi.stubEnv('FRONTDESK_FHIR_PRIVATE_KEY', keyFile);
    vi.stubEnv('FRONTDESK_FHIR_KEY_ID', 'key-1');
  }

  it('reports an authenticated FHIR server with its practitioners and free slots, exit 0', async () => {
    server = await startFhirServer({ now: clinicNow, auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId: 'key-1' } });
    useFhir(server.baseUrl);
    expect(await main(['ehr', 'check'])).toBe(0);
    expect(output).toContain(`EHR: fhir ${server.baseUrl}`);
    expect(output).toContain(`authentication: SMART Backend Services (token from ${server.tokenUrl}): authenticated`);
    expect(output).toContain('practitioners: 8 (family medicine 2, cardiology 2, dermatology 2, pediatrics 2)');
    expect(output).toMatch(/free slots in the next 14 days: [1-9]\d*/);
    expect(output).toContain('searches the server refused: none');
    expect(output).toContain('can serve a call: yes');
  });

  it('names a search the server refuses, and still serves calls without it', async () => {
    server = await startFhirServer({ now: clinicNow, auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId: 'key-1' } });
    server.fault = (request) => (request.url.includes('specialty%3Atext') ? { status: 400 } : undefined);
    useFhir(server.baseUrl);
    expect(await main(['ehr', 'check'])).toBe(0);
    expect(output).toContain('searches the server refused: PractitionerRole?specialty:text');
    expect(output).toContain('practitioners: 7');
  });

  it('exits 1 when the token endpoint refuses the key', async () => {
    server = await startFhirServer({ now: clinicNow, auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId: 'key-1' } });
    useFhir(server.baseUrl, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect(await main(['ehr', 'check'])).toBe(1);
    expect(output).toContain('NOT authenticated');
    expect(output).toContain('can serve a call: NO');
  });

  it('exits 1 when nothing answers at the URL', async () => {
    server = await startFhirServer({ now: clinicNow });
    const baseUrl = server.baseUrl;
    await server.close();
    server = undefined;
    vi.stubEnv('FRONTDESK_EHR', 'fhir');
    vi.stubEnv('FRONTDESK_FHIR_URL', baseUrl);
    expect(await main(['ehr', 'check'])).toBe(1);
    expect(output).toContain('reachable: no');
  });

  it('checks the embedded EHR too', async () => {
    expect(await main(['ehr', 'check'])).toBe(0);
    expect(output).toContain(`EHR: sqlite ${join(directory, 'ehr.sqlite')}`);
    expect(output).toContain('practitioners: 8');
  });

  it('exits 2 naming the variable when the configuration is incomplete', async () => {
    vi.stubEnv('FRONTDESK_EHR', 'fhir');
    expect(await main(['ehr', 'check'])).toBe(2);
    expect(output).toContain('FRONTDESK_FHIR_URL');
  });
});
