// Configuration: defaults, one named-variable message per invalid setting, frozen results, and the recording key file.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultElevenLabsVoiceId, describeConfig, loadConfig, recordingKeyFileName } from '../src/config.ts';
import { FrontdeskError } from '../src/errors.ts';

const directories: string[] = [];
function dataDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-config-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** Loads with recordings off unless the test sets them, so most tests touch no file. */
function load(env: Record<string, string>) {
  return loadConfig({ FRONTDESK_RECORDINGS: 'none', ...env });
}

function failure(env: Record<string, string>): FrontdeskError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(FrontdeskError);
    return error as FrontdeskError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig defaults', () => {
  it('runs fully offline with no variables at all', () => {
    const config = load({});
    expect(config.stt).toEqual({ provider: 'offline', fallbacks: [] });
    expect(config.tts).toEqual({ provider: 'offline', fallbacks: [] });
    expect(config.llm).toEqual({ provider: 'none', model: 'gpt-4o-mini', timeoutMs: 1500, phrasing: false, phrasingTimeoutMs: 1200 });
    expect(config.server).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.dataDir).toBe(resolve('data'));
    expect(config.databaseFile).toBe(join(resolve('data'), 'ehr.sqlite'));
    expect(config.auditFile).toBe(join(resolve('data'), 'audit.jsonl'));
    expect(config.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(config.now).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.vad).toEqual({ threshold: 0.5, silenceMs: 800, minSpeechMs: 250, padMs: 300, silenceFloorDbfs: -60 });
    expect(config.elevenlabs.voiceId).toBe(defaultElevenLabsVoiceId);
    expect(config.twilio.authToken).toBeUndefined();
    expect(config.server.maxCalls).toBeUndefined();
  });

  it('reads the VAD silence floor (or off) and the offline STT threads', () => {
    const config = load({ FRONTDESK_VAD_FLOOR_DBFS: '-52.5', FRONTDESK_STT_THREADS: '3' });
    expect(config.vad.silenceFloorDbfs).toBe(-52.5);
    expect(config.stt.offlineThreads).toBe(3);
    expect(load({ FRONTDESK_VAD_FLOOR_DBFS: 'OFF' }).vad.silenceFloorDbfs).toBeNull();
  });

  it('reads the telephone transform of offline speech: a file, or none', () => {
    expect(load({}).stt.offlinePhoneAdaptation).toBeUndefined();
    const file = join(dataDirectory(), 'clinic-phone.mllr');
    writeFileSync(file, '1\n');
    expect(load({ FRONTDESK_STT_PHONE_ADAPTATION: file }).stt.offlinePhoneAdaptation).toBe(file);
    expect(load({ FRONTDESK_STT_PHONE_ADAPTATION: 'none' }).stt.offlinePhoneAdaptation).toBeNull();
  });

  it('reads the limit on calls in progress', () => {
    expect(load({ FRONTDESK_MAX_CALLS: '40' }).server.maxCalls).toBe(40);
  });

  it('falls back to offline speech behind a cloud provider unless told otherwise', () => {
    const config = load({ FRONTDESK_STT: 'deepgram', DEEPGRAM_API_KEY: 'dg-key', FRONTDESK_TTS: 'OpenAI', OPENAI_API_KEY: 'sk-test' });
    expect(config.stt).toEqual({ provider: 'deepgram', fallbacks: ['offline'] });
    expect(config.tts).toEqual({ provider: 'openai', fallbacks: ['offline'] });
    expect(config.deepgram.apiKey).toBe('dg-key');
  });

  it('reads fallback chains as comma lists, dropping the primary and repeats; "none" means no fallback', () => {
    const config = load({
      FRONTDESK_STT: 'openai',
      FRONTDESK_STT_FALLBACK: 'deepgram, openai,offline,deepgram',
      FRONTDESK_TTS: 'elevenlabs',
      FRONTDESK_TTS_FALLBACK: 'none',
      OPENAI_API_KEY: 'sk-test',
      DEEPGRAM_API_KEY: 'dg-key',
      ELEVENLABS_API_KEY: 'el-key',
    });
    expect(config.stt.fallbacks).toEqual(['deepgram', 'offline']);
    expect(config.tts.fallbacks).toEqual([]);
  });

  it('places the database and audit file under the data directory, and reads clinic time in the clinic zone', () => {
    const config = load({ FRONTDESK_DATA_DIR: '/srv/frontdesk', FRONTDESK_TIMEZONE: 'America/New_York', FRONTDESK_NOW: '2026-11-25T09:00' });
    expect(config.databaseFile).toBe('/srv/frontdesk/ehr.sqlite');
    expect(config.auditFile).toBe('/srv/frontdesk/audit.jsonl');
    // 09:00 in New York in November is 14:00 UTC (EST, UTC−5).
    expect(config.now?.toISOString()).toBe('2026-11-25T14:00:00.000Z');
    expect(load({ FRONTDESK_TIMEZONE: 'America/New_York', FRONTDESK_NOW: '2026-07-01T09:00' }).now?.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(load({ FRONTDESK_NOW: '2026-11-25T09:00:00Z' }).now?.toISOString()).toBe('2026-11-25T09:00:00.000Z');
  });

  it('lets overrides (CLI flags) win over the environment, and treats empty values as unset', () => {
    const config = loadConfig({ PORT: '8080', HOST: '', FRONTDESK_RECORDINGS: 'none' }, { PORT: '9090' });
    expect(config.server.port).toBe(9090);
    expect(config.server.host).toBe('127.0.0.1');
  });

  it('is frozen all the way down', () => {
    const config = load({ FRONTDESK_STT: 'deepgram', DEEPGRAM_API_KEY: 'dg-key' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.stt.fallbacks)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.stt.fallbacks as string[]).push('openai')).toThrow(TypeError);
  });

  it('warns about FRONTDESK_ variables it does not know (typos)', () => {
    expect(load({ FRONTDESK_STTT: 'deepgram' }).warnings).toEqual(['FRONTDESK_STTT is not a frontdesk setting and was ignored']);
  });
});

describe('loadConfig refusals name the variable', () => {
  it.each([
    [{ FRONTDESK_STT: 'azure' }, 'FRONTDESK_STT="azure"; allowed values: offline, deepgram, openai'],
    [{ FRONTDESK_TTS: 'polly' }, 'FRONTDESK_TTS="polly"; allowed values: offline, elevenlabs, openai'],
    [{ FRONTDESK_LLM: 'claude' }, 'FRONTDESK_LLM="claude"; allowed values: none, openai'],
    [{ FRONTDESK_STT_FALLBACK: 'offline,whisper' }, 'FRONTDESK_STT_FALLBACK="whisper"; allowed values: offline, deepgram, openai'],
    [{ FRONTDESK_TTS_FALLBACK: 'espeak' }, 'FRONTDESK_TTS_FALLBACK="espeak"; allowed values: offline, elevenlabs, openai'],
    [{ FRONTDESK_RECORDINGS: 'dropbox' }, 'FRONTDESK_RECORDINGS="dropbox"; allowed values: local, s3, none'],
  ])('unknown provider %j', (env, message) => {
    const error = failure(env);
    expect(error.code).toBe('CONFIG_UNKNOWN_PROVIDER');
    expect(error.message).toContain(message);
  });

  it.each([
    [{ FRONTDESK_STT: 'deepgram' }, 'FRONTDESK_STT=deepgram needs DEEPGRAM_API_KEY'],
    [{ FRONTDESK_STT: 'openai' }, 'FRONTDESK_STT=openai needs OPENAI_API_KEY'],
    [{ FRONTDESK_TTS: 'elevenlabs' }, 'FRONTDESK_TTS=elevenlabs needs ELEVENLABS_API_KEY'],
    [{ FRONTDESK_TTS: 'openai' }, 'FRONTDESK_TTS=openai needs OPENAI_API_KEY'],
    [{ FRONTDESK_LLM: 'openai' }, 'FRONTDESK_LLM=openai needs OPENAI_API_KEY'],
    [{ FRONTDESK_STT: 'openai', OPENAI_API_KEY: 'sk', FRONTDESK_STT_FALLBACK: 'deepgram' }, 'FRONTDESK_STT_FALLBACK=deepgram needs DEEPGRAM_API_KEY'],
  ])('missing key %j', (env, message) => {
    const error = failure(env);
    expect(error.code).toBe('CONFIG_MISSING_KEY');
    expect(error.message).toBe(`Missing API key: ${message}`);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['FRONTDESK_TIMEZONE', 'Mars/Olympus_Mons'],
    ['FRONTDESK_NOW', 'next tuesday'],
    ['FRONTDESK_NOW', '2026-02-30T09:00'],
    ['OPENAI_BASE_URL', 'ftp://example.test'],
    ['DEEPGRAM_BASE_URL', 'not a url'],
    ['FRONTDESK_PUBLIC_URL', 'example.test'],
    ['LOG_LEVEL', 'verbose'],
    ['FRONTDESK_VAD_THRESHOLD', '1.5'],
    ['FRONTDESK_VAD_SILENCE_MS', '-1'],
    ['FRONTDESK_VAD_MIN_SPEECH_MS', 'lots'],
    ['FRONTDESK_VAD_PAD_MS', '2.5'],
    ['FRONTDESK_VAD_FLOOR_DBFS', 'quiet'],
    ['FRONTDESK_VAD_FLOOR_DBFS', '6'],
    ['FRONTDESK_STT_THREADS', '0'],
    ['FRONTDESK_MAX_CALLS', '0'],
    ['FRONTDESK_MAX_CALLS', 'many'],
    ['FRONTDESK_LLM_TIMEOUT_MS', '0'],
    ['FRONTDESK_LLM_PHRASING', 'maybe'],
    ['FRONTDESK_S3_FORCE_PATH_STYLE', 'sometimes'],
  ])('invalid %s=%s', (variable, value) => {
    const env: Record<string, string> = { [variable]: value };
    if (variable === 'FRONTDESK_S3_FORCE_PATH_STYLE') Object.assign(env, { FRONTDESK_RECORDINGS: 's3', FRONTDESK_S3_BUCKET: 'calls' });
    const error = failure(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(variable);
  });

  it('refuses a telephone transform file that is not there', () => {
    expect(() => load({ FRONTDESK_STT_PHONE_ADAPTATION: '/srv/missing-phone.mllr' })).toThrow(/FRONTDESK_STT_PHONE_ADAPTATION must be an MLLR transform file that exists, or none/);
  });

  it('needs a bucket for S3 recordings and an LLM for phrasing', () => {
    expect(failure({ FRONTDESK_RECORDINGS: 's3' }).message).toContain('FRONTDESK_S3_BUCKET is required when FRONTDESK_RECORDINGS=s3');
    expect(failure({ FRONTDESK_LLM_PHRASING: 'true' }).message).toContain('FRONTDESK_LLM_PHRASING needs FRONTDESK_LLM=openai');
  });

  it('accepts S3 settings', () => {
    const config = load({ FRONTDESK_RECORDINGS: 's3', FRONTDESK_S3_BUCKET: 'calls', FRONTDESK_S3_ENDPOINT: 'http://127.0.0.1:4569', FRONTDESK_S3_FORCE_PATH_STYLE: 'true', FRONTDESK_S3_KMS_KEY_ID: 'alias/calls' });
    expect(config.recordings).toMatchObject({ store: 's3', s3: { bucket: 'calls', region: 'us-east-1', endpoint: 'http://127.0.0.1:4569', kmsKeyId: 'alias/calls', forcePathStyle: true } });
    // Uploads that fail are spooled to disk encrypted, so S3 needs the local key too.
    expect(config.recordings.key).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('recording key', () => {
  const key = 'ab'.repeat(32);

  it('takes FRONTDESK_RECORDING_KEY when set and refuses one that is not 64 hex characters', () => {
    const directory = dataDirectory();
    const config = loadConfig({ FRONTDESK_DATA_DIR: directory, FRONTDESK_RECORDING_KEY: key.toUpperCase() });
    expect(config.recordings).toEqual({ store: 'local', key, keySource: 'environment' });
    const error = (() => {
      try {
        loadConfig({ FRONTDESK_DATA_DIR: directory, FRONTDESK_RECORDING_KEY: 'abc' });
      } catch (caught) {
        return caught as FrontdeskError;
      }
    })();
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain('FRONTDESK_RECORDING_KEY');
  });

  it('generates a key once into a 0600 file under the data directory, warns, and reuses it on the next start', () => {
    const directory = join(dataDirectory(), 'nested');
    const first = loadConfig({ FRONTDESK_DATA_DIR: directory });
    expect(first.recordings.keySource).toBe('generated');
    expect(first.recordings.key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.warnings.join('\n')).toContain('generated a recording key');
    expect(first.warnings.join('\n')).not.toContain(first.recordings.key!);
    const keyFile = join(directory, recordingKeyFileName);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first.recordings.key);

    const second = loadConfig({ FRONTDESK_DATA_DIR: directory });
    expect(second.recordings).toEqual({ store: 'local', key: first.recordings.key, keySource: 'file' });
    expect(second.warnings).toEqual([]);
  });

  it('refuses a damaged key file rather than silently making recordings unreadable', () => {
    const directory = dataDirectory();
    writeFileSync(join(directory, recordingKeyFileName), 'not a key\n', { mode: 0o600 });
    expect(() => loadConfig({ FRONTDESK_DATA_DIR: directory })).toThrow(/FRONTDESK_RECORDING_KEY/);
  });
});

describe('describeConfig', () => {
  it('lists the chosen providers without any secret', () => {
    const directory = dataDirectory();
    const secrets = { DEEPGRAM_API_KEY: 'dg-secret-1', OPENAI_API_KEY: 'sk-secret-2', ELEVENLABS_API_KEY: 'el-secret-3', TWILIO_AUTH_TOKEN: 'tw-secret-4', FRONTDESK_RECORDING_KEY: 'cd'.repeat(32) };
    const config = loadConfig({
      ...secrets,
      FRONTDESK_DATA_DIR: directory,
      FRONTDESK_STT: 'deepgram',
      FRONTDESK_STT_FALLBACK: 'openai,offline',
      FRONTDESK_TTS: 'elevenlabs',
      FRONTDESK_LLM: 'openai',
      FRONTDESK_LLM_PHRASING: 'on',
    });
    const description = describeConfig(config);
    expect(description).toMatchObject({ stt: 'deepgram>openai>offline', tts: 'elevenlabs>offline', llm: 'openai:gpt-4o-mini', llmPhrasing: true, recordings: 'local', twilioSignatureValidation: true });
    const text = JSON.stringify(description);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  });
});
