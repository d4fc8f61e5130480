// SMART Backend Services against the local FHIR server's token endpoint: signed client assertions (RS384, ES384), a cached token, and a refused key taking the call down the trouble path with nothing sensitive logged.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultFhirScope } from '../../../src/config.ts';
import { openCallRuntime } from '../../../src/dialog/call-runtime.ts';
import { createSmartAuth } from '../../../src/ehr/fhir/smart-auth.ts';
import { createLogger } from '../../../src/log.ts';
import { runJsonlChannel, type ChannelEvent } from '../../../src/transports/text-channel.ts';
import { startFhirServer, type FhirServer } from '../../helpers/fhir-server.ts';
import { clinicNow, openFhirFixture, type FhirFixture } from './fhir-test-support.ts';

const context = { sessionId: 'smart-test' };

function rsaKeys() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function pemOf(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('SMART Backend Services', () => {
  let fixture: FhirFixture | undefined;
  let server: FhirServer | undefined;
  let directory: string | undefined;
  afterEach(async () => {
    await fixture?.close();
    await server?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
    fixture = server = directory = undefined;
  });

  it('gets one token with an RS384 client assertion, found through .well-known, and sends it as a bearer on every request', async () => {
    const keys = rsaKeys();
    fixture = await openFhirFixture({
      server: { auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId: 'key-1' } },
      ehr: { smart: { clientId: 'frontdesk', privateKeyPem: pemOf(keys.privateKey), keyId: 'key-1', scope: defaultFhirScope } },
    });
    expect(await fixture.ehr.verifyPatient({ lastName: 'Smith', dateOfBirth: '1985-01-15', phone: '+15550101234' }, context)).toMatchObject({ outcome: 'verified' });
    const providers = await fixture.ehr.searchProviders({ specialty: 'cardiology' }, context);
    await fixture.ehr.getAvailableDates({ providerId: providers[0]!.providerId, after: '2026-12-01', limit: 3 }, context);
    expect(fixture.server.tokenRequests).toEqual([{ granted: true }]);
    expect(fixture.server.requests.length).toBeGreaterThan(5);
    expect(fixture.server.requests.every((request) => /^Bearer \S+$/.test(String(request.headers.authorization)))).toBe(true);
    expect(await fixture.ehr.diagnose!()).toMatchObject({ authenticated: true, authentication: `SMART Backend Services (token from ${fixture.server.tokenUrl})` });
  });

  it('signs ES384 with a P-384 key, the kid defaulting to the key’s thumbprint', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const keyId = await calculateJwkThumbprint(await exportJWK(keys.publicKey));
    fixture = await openFhirFixture({
      server: { auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId } },
      ehr: { smart: { clientId: 'frontdesk', privateKeyPem: pemOf(keys.privateKey), scope: defaultFhirScope } },
    });
    await fixture.ehr.ping();
    expect(fixture.server.tokenRequests).toEqual([{ granted: true }]);
  });

  it('renews the token a minute before it expires, and shares one token request among concurrent callers', async () => {
    const keys = rsaKeys();
    server = await startFhirServer({ now: clinicNow, auth: { clientId: 'frontdesk', publicKey: keys.publicKey, keyId: 'k', tokenLifetimeSeconds: 300 } });
    let now = Date.now();
    const auth = createSmartAuth({ baseUrl: server.baseUrl, clientId: 'frontdesk', privateKeyPem: pemOf(keys.privateKey), keyId: 'k', scope: defaultFhirScope, timeoutMs: 2000, now: () => now });
    const first = await Promise.all([auth.authorization(), auth.authorization(), auth.authorization()]);
    expect(new Set(first).size).toBe(1);
    now += 230_000;
    expect(await auth.authorization()).toBe(first[0]);
    now += 15_000;
    expect(await auth.authorization()).not.toBe(first[0]);
    expect(server.tokenRequests).toEqual([{ granted: true }, { granted: true }]);
  });

  it('a wrong client key is refused by the token endpoint; the call takes the trouble path and no PHI or secret reaches any log', async () => {
    const registered = rsaKeys();
    const wrong = rsaKeys();
    server = await startFhirServer({ now: clinicNow, auth: { clientId: 'frontdesk', publicKey: registered.publicKey, keyId: 'key-1' } });
    directory = mkdtempSync(join(tmpdir(), 'frontdesk-smart-'));
    const keyFile = join(directory, 'client.pem');
    writeFileSync(keyFile, pemOf(wrong.privateKey), { mode: 0o600 });
    const logLines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }) });
    const runtime = await openCallRuntime({
      databaseFile: join(directory, 'lockouts.sqlite'),
      auditFile: join(directory, 'audit.jsonl'),
      ehr: {
        backend: 'fhir',
        fhir: { baseUrl: server.baseUrl, clientId: 'frontdesk', privateKeyFile: keyFile, keyId: 'key-1', scope: defaultFhirScope, timeoutMs: 2000, specialtyCodes: {} },
      },
      timeZone: 'America/New_York',
      now: clinicNow,
      logger,
    });
    const events: ChannelEvent[] = [];
    try {
      await runJsonlChannel({
        session: runtime.openSession(),
        lines: (async function* () {
          yield* ["I'd like to make an appointment", 'my last name is Smith, born January fifteenth nineteen eighty five', '555 010 1234', 'no thank you'];
        })(),
        write: (line) => events.push(JSON.parse(line) as ChannelEvent),
      });
    } finally {
      await runtime.close();
    }
    const agentLines = events.flatMap((event) => (event.type === 'agent' ? [event.text] : []));
    expect(agentLines.join('\n')).toMatch(/trouble reaching our scheduling system/);
    expect(events).toContainEqual({ type: 'tool', name: 'verify_patient', ok: false, durationMs: expect.any(Number) });
    expect(server.tokenRequests.length).toBeGreaterThan(0);
    expect(server.tokenRequests.every((request) => !request.granted)).toBe(true);
    expect(server.requests.filter((request) => request.url.startsWith('/Patient'))).toEqual([]);

    const logs = logLines.join('');
    // The call logged its turns and the EHR failure (at trace level everything is written), just nothing sensitive.
    expect(logLines.length).toBeGreaterThan(3);
    expect(logs).toContain('EHR_UNAVAILABLE');
    // Hashes, timestamps and durations may hold any run of digits ("…11985ea…", "time":1796413841555): they are not what is being checked.
    const withoutHashes = (text: string) =>
      text
        .replace(/"(?:mac|previousMac)":"[0-9a-f]+"/g, '')
        .replace(/"(?:time|durationMs)":\d+/g, '')
        .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, '');
    const audit = withoutHashes(readFileSync(join(directory, 'audit.jsonl'), 'utf8'));
    for (const text of [withoutHashes(logs), audit]) {
      for (const sensitive of ['Smith', '1985', 'January', '555', '5550101234', 'PRIVATE KEY', 'eyJ', 'client_assertion']) {
        expect(text, sensitive).not.toContain(sensitive);
      }
    }
  });
});
