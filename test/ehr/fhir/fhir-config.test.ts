// FRONTDESK_EHR and the FHIR settings: validated once, bad values named; the key file's path is checked, its contents never held in the configuration.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultFhirScope, describeConfig, loadConfig } from '../../../src/config.ts';

const base = { FRONTDESK_RECORDINGS: 'none' };

describe('EHR configuration', () => {
  let directory: string | undefined;
  afterEach(() => directory && rmSync(directory, { recursive: true, force: true }));

  it('defaults to the embedded SQLite EHR', () => {
    const config = loadConfig(base);
    expect(config.ehr).toEqual({ backend: 'sqlite' });
    expect(config.databaseFile).toMatch(/ehr\.sqlite$/);
  });

  it('reads the FHIR settings, with the default scope and lockouts in a file of their own', () => {
    directory = mkdtempSync(join(tmpdir(), 'frontdesk-config-'));
    const keyFile = join(directory, 'client.pem');
    writeFileSync(keyFile, 'not checked here');
    const config = loadConfig({
      ...base,
      FRONTDESK_DATA_DIR: directory,
      FRONTDESK_EHR: 'FHIR',
      FRONTDESK_FHIR_URL: 'https://ehr.example.org/fhir/R4/',
      FRONTDESK_FHIR_CLIENT_ID: 'frontdesk',
      FRONTDESK_FHIR_PRIVATE_KEY: keyFile,
      FRONTDESK_FHIR_SPECIALTY_CODES: 'cardiology=urn:clinic|CARD,CARD2; pediatrics=http://snomed.info/sct|394537008',
    });
    expect(config.ehr).toEqual({
      backend: 'fhir',
      fhir: {
        baseUrl: 'https://ehr.example.org/fhir/R4',
        clientId: 'frontdesk',
        privateKeyFile: keyFile,
        scope: defaultFhirScope,
        timeoutMs: 5000,
        specialtyCodes: { cardiology: [{ system: 'urn:clinic', code: 'CARD' }, { code: 'CARD2' }], pediatrics: [{ system: 'http://snomed.info/sct', code: '394537008' }] },
      },
    });
    expect(config.databaseFile).toBe(join(directory, 'fhir-lockouts.sqlite'));
    expect(describeConfig(config).ehr).toBe('fhir https://ehr.example.org/fhir/R4 (SMART Backend Services)');
  });

  it.each([
    [{ FRONTDESK_EHR: 'epic' }, /FRONTDESK_EHR="epic"; allowed values: sqlite, fhir/],
    [{ FRONTDESK_EHR: 'fhir' }, /FRONTDESK_FHIR_URL is required/],
    [{ FRONTDESK_EHR: 'fhir', FRONTDESK_FHIR_URL: 'ftp://x' }, /FRONTDESK_FHIR_URL/],
    [{ FRONTDESK_EHR: 'fhir', FRONTDESK_FHIR_URL: 'http://127.0.0.1/fhir', FRONTDESK_FHIR_CLIENT_ID: 'x' }, /FRONTDESK_FHIR_PRIVATE_KEY is required/],
    [{ FRONTDESK_EHR: 'fhir', FRONTDESK_FHIR_URL: 'http://127.0.0.1/fhir', FRONTDESK_FHIR_CLIENT_ID: 'x', FRONTDESK_FHIR_PRIVATE_KEY: '/nonexistent.pem' }, /FRONTDESK_FHIR_PRIVATE_KEY must be the path of a readable PEM file/],
    [{ FRONTDESK_EHR: 'fhir', FRONTDESK_FHIR_URL: 'http://127.0.0.1/fhir', FRONTDESK_FHIR_TIMEOUT_MS: '5s' }, /FRONTDESK_FHIR_TIMEOUT_MS/],
    [{ FRONTDESK_EHR: 'fhir', FRONTDESK_FHIR_URL: 'http://127.0.0.1/fhir', FRONTDESK_FHIR_SPECIALTY_CODES: 'oncology=X' }, /FRONTDESK_FHIR_SPECIALTY_CODES/],
  ])('refuses %j naming the variable', (environment, message) => {
    expect(() => loadConfig({ ...base, ...environment })).toThrow(message);
  });
});
