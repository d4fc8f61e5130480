// The one place that reads process.env: every setting read once, validated with zod, and frozen.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { specialties, type Specialty } from './ehr/types.ts';
import { FrontdeskError } from './errors.ts';

export const sttProviderNames = ['offline', 'deepgram', 'openai'] as const;
export const ttsProviderNames = ['offline', 'elevenlabs', 'openai'] as const;
export const llmProviderNames = ['none', 'openai'] as const;
export const recordingStoreNames = ['local', 's3', 'none'] as const;
export const ehrBackendNames = ['sqlite', 'fhir'] as const;
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type SttProviderName = (typeof sttProviderNames)[number];
export type TtsProviderName = (typeof ttsProviderNames)[number];
export type LlmProviderName = (typeof llmProviderNames)[number];
export type RecordingStoreName = (typeof recordingStoreNames)[number];
export type EhrBackendName = (typeof ehrBackendNames)[number];

/** SMART Backend Services scopes asked for by default: read what a call reads, write slots and appointments. */
export const defaultFhirScope =
  'system/Patient.read system/Practitioner.read system/PractitionerRole.read system/Location.read system/Schedule.read system/Slot.read system/Slot.write system/Appointment.read system/Appointment.write';

/** ElevenLabs' premade "Rachel": calm and clear, available on every account. */
export const defaultElevenLabsVoiceId = '21m00Tcm4TlvDq8ikWAM';
/** File under the data directory holding the generated recording key. */
export const recordingKeyFileName = 'recording.key';

/** Every variable `loadConfig` reads; overrides use the same names (e.g. a CLI's `--port` becomes `PORT`). */
export const configVariables = [
  'FRONTDESK_STT',
  'FRONTDESK_TTS',
  'FRONTDESK_LLM',
  'FRONTDESK_STT_FALLBACK',
  'FRONTDESK_TTS_FALLBACK',
  'FRONTDESK_LLM_MODEL',
  'FRONTDESK_LLM_TIMEOUT_MS',
  'FRONTDESK_LLM_PHRASING',
  'FRONTDESK_LLM_PHRASING_TIMEOUT_MS',
  'DEEPGRAM_API_KEY',
  'OPENAI_API_KEY',
  'ELEVENLABS_API_KEY',
  'ELEVENLABS_VOICE_ID',
  'OPENAI_BASE_URL',
  'DEEPGRAM_BASE_URL',
  'ELEVENLABS_BASE_URL',
  'PORT',
  'HOST',
  'FRONTDESK_DATA_DIR',
  'FRONTDESK_DB',
  'FRONTDESK_AUDIT_FILE',
  'FRONTDESK_AUDIT_KEY',
  'FRONTDESK_TIMEZONE',
  'FRONTDESK_FLOW',
  'FRONTDESK_NOW',
  'FRONTDESK_RECORDINGS',
  'FRONTDESK_RECORDING_KEY',
  'FRONTDESK_S3_BUCKET',
  'FRONTDESK_S3_REGION',
  'FRONTDESK_S3_ENDPOINT',
  'FRONTDESK_S3_KMS_KEY_ID',
  'FRONTDESK_S3_FORCE_PATH_STYLE',
  'AWS_REGION',
  'TWILIO_AUTH_TOKEN',
  'FRONTDESK_PUBLIC_URL',
  'FRONTDESK_MAX_CALLS',
  'FRONTDESK_HANDOFF_NUMBER',
  'LOG_LEVEL',
  'FRONTDESK_NO_INPUT_MS',
  'FRONTDESK_VAD_THRESHOLD',
  'FRONTDESK_VAD_SILENCE_MS',
  'FRONTDESK_VAD_MIN_SPEECH_MS',
  'FRONTDESK_VAD_PAD_MS',
  'FRONTDESK_VAD_FLOOR_DBFS',
  'FRONTDESK_STT_THREADS',
  'FRONTDESK_STT_PHONE_ADAPTATION',
  'FRONTDESK_EHR',
  'FRONTDESK_FHIR_URL',
  'FRONTDESK_FHIR_CLIENT_ID',
  'FRONTDESK_FHIR_PRIVATE_KEY',
  'FRONTDESK_FHIR_KEY_ID',
  'FRONTDESK_FHIR_TOKEN_URL',
  'FRONTDESK_FHIR_SCOPE',
  'FRONTDESK_FHIR_TIMEOUT_MS',
  'FRONTDESK_FHIR_SPECIALTY_CODES',
  'FRONTDESK_DATABASE_URL',
  'FRONTDESK_INSTANCE_ID',
] as const;
export type ConfigVariable = (typeof configVariables)[number];
export type ConfigOverrides = Partial<Record<ConfigVariable, string | undefined>>;

export interface Config {
  stt: {
    provider: SttProviderName;
    /** Tried in order after `provider` fails; never contains `provider`. */
    fallbacks: SttProviderName[];
    /** Worker threads decoding offline speech; unset: one per core (1–4). */
    offlineThreads?: number;
    /** The offline recognizer's transform for telephone audio: a file, null for none; unset: the one shipped. */
    offlinePhoneAdaptation?: string | null;
  };
  tts: { provider: TtsProviderName; fallbacks: TtsProviderName[] };
  llm: {
    provider: LlmProviderName;
    /** Chat model for extraction and phrasing, default "gpt-4o-mini". */
    model: string;
    /** Longest wait for an extraction before the rules answer instead, ms. Default 1500. */
    timeoutMs: number;
    /** Rephrase reply templates with the LLM (numbers, names and codes kept verbatim). Default false. */
    phrasing: boolean;
    /** Longest wait for a rephrasing before the template is spoken as is, ms. Default 1200. */
    phrasingTimeoutMs: number;
  };
  deepgram: { apiKey?: string; baseUrl?: string };
  openai: { apiKey?: string; baseUrl?: string };
  elevenlabs: { apiKey?: string; baseUrl?: string; voiceId: string };
  server: {
    port: number;
    /** Default 127.0.0.1: a PHI-handling service is not exposed by accident; set HOST=0.0.0.0 in a container. */
    host: string;
    /** Public base URL (https://…) used to build the Twilio Media Streams wss:// URL. */
    publicUrl?: string;
    /** Calls in progress at most (all channels); a call beyond it is turned away (Twilio: sent to the hand-off number). Unset: no limit. */
    maxCalls?: number;
  };
  ehr: {
    /** Default "sqlite": the embedded EHR seeded from fixtures. */
    backend: EhrBackendName;
    /** Set when `backend` is "fhir". */
    fhir?: {
      /** FHIR R4 base URL without a trailing slash, e.g. https://ehr.example.org/fhir/R4 */
      baseUrl: string;
      /** SMART Backend Services client; set together with `privateKeyFile`. */
      clientId?: string;
      /** Absolute path of the PEM private key (RSA → RS384, P-384 → ES384); read when the EHR opens, never logged. */
      privateKeyFile?: string;
      /** `kid` of the client assertion; default the key's RFC 7638 thumbprint. */
      keyId?: string;
      /** Default: token_endpoint of <baseUrl>/.well-known/smart-configuration. */
      tokenUrl?: string;
      scope: string;
      /** Per HTTP request, ms. Default 5000. */
      timeoutMs: number;
      /** Codes replacing the defaults for the specialties named. */
      specialtyCodes: Partial<Record<Specialty, Array<{ system?: string; code: string }>>>;
    };
  };
  /** Absolute paths. */
  dataDir: string;
  /** The embedded EHR's file; with FRONTDESK_EHR=fhir, only the verification lockouts are kept in it. */
  databaseFile: string;
  auditFile: string;
  /** FRONTDESK_DATABASE_URL: shared state (lockouts, the embedded EHR, the audit chain, Twilio hand-offs) in PostgreSQL; unset = SQLite and files. */
  database?: {
    /** postgres://user:password@host:port/database; never logged with its password. */
    url: string;
    /** This instance's name in the shared audit (calls left open by a crash are closed when the same instance restarts); default host name and port. */
    instanceId: string;
  };
  /** FRONTDESK_AUDIT_KEY (64 hex, lower case); unset = the 0600 key file `audit.key` beside the audit file, generated when new. */
  auditKey?: string;
  /** Clinic IANA time zone, e.g. "America/New_York". */
  timeZone: string;
  /** The flow every call runs: a name in flows/index.ts or a path to a flow module; unset = the catalogue's default. Checked when the flow is loaded. */
  flow?: string;
  /** Fixed start of the clinic clock; unset means real time. */
  now?: Date;
  recordings: {
    store: RecordingStoreName;
    /** 64 hex characters (AES-256) for the local store; set only when `store` is "local". */
    key?: string;
    /** Where the key came from: the environment, the key file, or generated now into the key file. */
    keySource?: 'environment' | 'file' | 'generated';
    s3?: { bucket: string; region: string; endpoint?: string; kmsKeyId?: string; forcePathStyle: boolean };
  };
  twilio: {
    /** Enables Twilio request signature validation when set. */
    authToken?: string;
    /** E.164 number (+15550123456) a Twilio call handed off to staff is transferred to; unset means the call is hung up. */
    handoffNumber?: string;
  };
  logLevel: (typeof logLevels)[number];
  /** Silence after the agent's last line before the call hears a silent turn, ms, voice and text alike. Default 8000. */
  noInputMs: number;
  vad: {
    /** Speech probability above which a frame is speech, 0–1. Default 0.5. */
    threshold: number;
    /** Silence that ends an utterance, ms. Default 800. */
    silenceMs: number;
    /** Shorter speech is dropped as noise, ms. Default 250. */
    minSpeechMs: number;
    /** Audio kept before the detected speech start, ms. Default 300. */
    padMs: number;
    /** dBFS under which a window is silence without running the model; null: every window is scored. Default −60. */
    silenceFloorDbfs: number | null;
  };
  /** Things an operator should know at start-up (generated key, unknown FRONTDESK_ variables); no secrets. */
  warnings: string[];
}

type Environment = Record<string, string | undefined>;

const providerKeys = {
  deepgram: 'DEEPGRAM_API_KEY',
  openai: 'OPENAI_API_KEY',
  elevenlabs: 'ELEVENLABS_API_KEY',
} as const;

function invalid(variable: string, detail: string): FrontdeskError {
  return new FrontdeskError('CONFIG_INVALID', `${variable} ${detail}`);
}

/** Reads one variable; an empty string counts as unset (compose files often leave `VAR=`). */
function reader(env: Environment, overrides: ConfigOverrides) {
  return (variable: ConfigVariable): string | undefined => {
    const value = variable in overrides ? overrides[variable] : env[variable];
    const trimmed = value?.trim();
    return trimmed === '' ? undefined : trimmed;
  };
}

function parseWith<T>(variable: string, value: string, schema: z.ZodType<T>, expected: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(variable, `must be ${expected}, got "${value}"`);
  return parsed.data;
}

function providerName<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(lower)) {
    throw new FrontdeskError('CONFIG_UNKNOWN_PROVIDER', `${variable}="${value}"; allowed values: ${allowed.join(', ')}`);
  }
  return lower as T;
}

function fallbackList<T extends string>(variable: string, value: string | undefined, allowed: readonly T[], primary: T): T[] {
  if (value === undefined) return primary === ('offline' as T) ? [] : (['offline'] as T[]);
  if (value.toLowerCase() === 'none') return [];
  const names = value.split(',').map((name) => name.trim()).filter(Boolean).map((name) => providerName(variable, name, allowed));
  return [...new Set(names)].filter((name) => name !== primary);
}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const booleanText = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((value) => ['1', 'true', 'yes', 'on'].includes(value));
const urlText = z.url({ protocol: /^(https?|wss?)$/ });

function integerSetting(read: (variable: ConfigVariable) => string | undefined, variable: ConfigVariable, fallback: number, min: number, max: number): number {
  const value = read(variable);
  return value === undefined ? fallback : parseWith(variable, value, integer(min, max), `a whole number from ${min} to ${max}`);
}

function validTimeZone(variable: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw invalid(variable, `must be an IANA time zone such as America/New_York, got "${zone}"`);
  }
}

/** Milliseconds to add to UTC to get the wall time in `timeZone` at `instant`. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - (instant - (instant % 1000));
}

/** "2026-11-25T09:00Z" or "+02:00" is an instant; "2026-11-25T09:00" is clinic wall time in `timeZone`. */
function parseStartInstant(variable: string, value: string, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  const expected = 'an ISO-8601 date-time such as 2026-11-25T09:00 (clinic time) or 2026-11-25T14:00Z';
  if (!match) throw invalid(variable, `must be ${expected}, got "${value}"`);
  if (match[7]) {
    const instant = new Date(value.replace(' ', 'T'));
    if (Number.isNaN(instant.getTime())) throw invalid(variable, `must be ${expected}, got "${value}"`);
    return instant;
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) => Number(match[index] ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) throw invalid(variable, `must be ${expected}, got "${value}"`);
  // Two passes settle the offset across a daylight-saving change.
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/** "cardiology=http://nucc.org/provider-taxonomy|207RC0000X,394579002;dermatology=…": codes per specialty, a system optional. */
function parseSpecialtyCodes(variable: string, value: string): Partial<Record<Specialty, Array<{ system?: string; code: string }>>> {
  const expected = 'specialty=system|code,… separated by ";" (specialties: ' + specialties.join(', ') + ')';
  const result: Partial<Record<Specialty, Array<{ system?: string; code: string }>>> = {};
  for (const part of value.split(';').map((entry) => entry.trim()).filter(Boolean)) {
    const [name, list] = part.split('=', 2).map((entry) => entry.trim()) as [string, string | undefined];
    const specialty = specialties.find((candidate) => candidate === name.toLowerCase());
    if (!specialty || !list) throw invalid(variable, `must be ${expected}, got "${value}"`);
    result[specialty] = list.split(',').map((entry) => {
      const pipe = entry.trim().lastIndexOf('|');
      const code = entry.trim().slice(pipe + 1);
      const system = pipe > 0 ? entry.trim().slice(0, pipe) : undefined;
      if (!code) throw invalid(variable, `must be ${expected}, got "${value}"`);
      return system ? { system, code } : { code };
    });
  }
  return result;
}

/** The FHIR settings: a base URL, and a SMART client id and key given together (the key file must be readable). */
function fhirSettings(read: (variable: ConfigVariable) => string | undefined, optionalUrl: (variable: ConfigVariable) => string | undefined): NonNullable<Config['ehr']['fhir']> {
  const baseUrl = optionalUrl('FRONTDESK_FHIR_URL');
  if (baseUrl === undefined) throw invalid('FRONTDESK_FHIR_URL', 'is required when FRONTDESK_EHR=fhir (the FHIR R4 base URL, e.g. https://ehr.example.org/fhir/R4)');
  if (!/^https?:/.test(baseUrl)) throw invalid('FRONTDESK_FHIR_URL', `must be an http(s) URL, got "${baseUrl}"`);
  const clientId = read('FRONTDESK_FHIR_CLIENT_ID');
  const keyText = read('FRONTDESK_FHIR_PRIVATE_KEY');
  if (clientId !== undefined && keyText === undefined) throw invalid('FRONTDESK_FHIR_PRIVATE_KEY', 'is required with FRONTDESK_FHIR_CLIENT_ID (path of the PEM private key)');
  if (keyText !== undefined && clientId === undefined) throw invalid('FRONTDESK_FHIR_CLIENT_ID', 'is required with FRONTDESK_FHIR_PRIVATE_KEY');
  let privateKeyFile: string | undefined;
  if (keyText !== undefined) {
    privateKeyFile = isAbsolute(keyText) ? keyText : resolve(keyText);
    try {
      if (!statSync(privateKeyFile).isFile()) throw new Error('not a file');
      readFileSync(privateKeyFile);
    } catch {
      throw invalid('FRONTDESK_FHIR_PRIVATE_KEY', `must be the path of a readable PEM file, got "${keyText}"`);
    }
  }
  const tokenUrl = optionalUrl('FRONTDESK_FHIR_TOKEN_URL');
  const keyId = read('FRONTDESK_FHIR_KEY_ID');
  const codesText = read('FRONTDESK_FHIR_SPECIALTY_CODES');
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(privateKeyFile !== undefined ? { privateKeyFile } : {}),
    ...(keyId !== undefined ? { keyId } : {}),
    ...(tokenUrl !== undefined ? { tokenUrl } : {}),
    scope: (read('FRONTDESK_FHIR_SCOPE') ?? defaultFhirScope).split(/\s+/).join(' '),
    timeoutMs: integerSetting(read, 'FRONTDESK_FHIR_TIMEOUT_MS', 5000, 100, 120_000),
    specialtyCodes: codesText === undefined ? {} : parseSpecialtyCodes('FRONTDESK_FHIR_SPECIALTY_CODES', codesText),
  };
}

/** FRONTDESK_DATABASE_URL and FRONTDESK_INSTANCE_ID; nothing when the URL is unset (SQLite and files, as without it). */
function databaseSettings(read: (variable: ConfigVariable) => string | undefined, port: number): Pick<Config, 'database'> {
  const url = read('FRONTDESK_DATABASE_URL');
  const instanceId = read('FRONTDESK_INSTANCE_ID');
  if (url === undefined) {
    if (instanceId !== undefined) throw invalid('FRONTDESK_INSTANCE_ID', 'is only used with FRONTDESK_DATABASE_URL');
    return {};
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('FRONTDESK_DATABASE_URL', 'must be a postgres:// URL such as postgres://frontdesk:secret@db.internal:5432/frontdesk');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw invalid('FRONTDESK_DATABASE_URL', `must be a postgres:// URL such as postgres://frontdesk:secret@db.internal:5432/frontdesk, got a ${parsed.protocol} URL`);
  }
  if (instanceId !== undefined && !/^[\w.:-]{1,100}$/.test(instanceId)) throw invalid('FRONTDESK_INSTANCE_ID', `must be 1–100 letters, digits, '.', ':', '_' or '-', got "${instanceId}"`);
  return { database: { url, instanceId: instanceId ?? `${hostname()}:${port}` } };
}

/** A database URL with its password masked, for the start-up line. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const hexKey = /^[0-9a-fA-F]{64}$/;

/** FRONTDESK_AUDIT_KEY, checked (64 hex characters), for the commands that only verify an audit file. */
export function auditKeySetting(env: Environment = process.env, overrides: ConfigOverrides = {}): string | undefined {
  const value = reader(env, overrides)('FRONTDESK_AUDIT_KEY');
  if (value === undefined) return undefined;
  if (!hexKey.test(value)) throw invalid('FRONTDESK_AUDIT_KEY', 'must be 64 hexadecimal characters (a 256-bit HMAC key)');
  return value.toLowerCase();
}

/** The local recording key: from the environment, else the key file under the data directory, else generated into it (0600). */
function resolveRecordingKey(read: (variable: ConfigVariable) => string | undefined, dataDir: string, warnings: string[]): { key: string; keySource: 'environment' | 'file' | 'generated' } {
  const fromEnvironment = read('FRONTDESK_RECORDING_KEY');
  if (fromEnvironment !== undefined) {
    if (!hexKey.test(fromEnvironment)) throw invalid('FRONTDESK_RECORDING_KEY', 'must be 64 hexadecimal characters (a 256-bit AES key)');
    return { key: fromEnvironment.toLowerCase(), keySource: 'environment' };
  }
  const keyFile = join(dataDir, recordingKeyFileName);
  const readKeyFile = (): string => {
    const stored = readFileSync(keyFile, 'utf8').trim();
    if (!hexKey.test(stored)) throw invalid('FRONTDESK_RECORDING_KEY', `is unset and ${keyFile} does not hold 64 hexadecimal characters`);
    if ((statSync(keyFile).mode & 0o077) !== 0) {
      chmodSync(keyFile, 0o600);
      warnings.push(`${keyFile} was readable by other users; its mode is now 0600`);
    }
    return stored.toLowerCase();
  };
  try {
    return { key: readKeyFile(), keySource: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  try {
    // "wx": two processes starting at once must not each write a different key.
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: readKeyFile(), keySource: 'file' };
    throw error;
  }
  warnings.push(`FRONTDESK_RECORDING_KEY is unset: generated a recording key in ${keyFile} (mode 0600); back it up, recordings cannot be read without it`);
  return { key, keySource: 'generated' };
}

function requireKey(read: (variable: ConfigVariable) => string | undefined, setting: string, vendor: keyof typeof providerKeys): void {
  const variable = providerKeys[vendor];
  if (read(variable) === undefined) throw new FrontdeskError('CONFIG_MISSING_KEY', `${setting} needs ${variable}`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads, validates and freezes the configuration. `overrides` take precedence over `env` and use the same variable
 * names. Throws `FrontdeskError` CONFIG_UNKNOWN_PROVIDER / CONFIG_MISSING_KEY / CONFIG_INVALID naming the variable.
 * With recordings on (local, or S3 with its local spool) and no FRONTDESK_RECORDING_KEY, the key file under the data directory is read or created.
 */
export function loadConfig(env: Environment = process.env, overrides: ConfigOverrides = {}): Readonly<Config> {
  const read = reader(env, overrides);
  const warnings: string[] = [];

  const stt = providerName('FRONTDESK_STT', read('FRONTDESK_STT') ?? 'offline', sttProviderNames);
  const tts = providerName('FRONTDESK_TTS', read('FRONTDESK_TTS') ?? 'offline', ttsProviderNames);
  const llm = providerName('FRONTDESK_LLM', read('FRONTDESK_LLM') ?? 'none', llmProviderNames);
  const sttFallbacks = fallbackList('FRONTDESK_STT_FALLBACK', read('FRONTDESK_STT_FALLBACK'), sttProviderNames, stt);
  const ttsFallbacks = fallbackList('FRONTDESK_TTS_FALLBACK', read('FRONTDESK_TTS_FALLBACK'), ttsProviderNames, tts);

  if (stt !== 'offline') requireKey(read, `FRONTDESK_STT=${stt}`, stt);
  for (const name of sttFallbacks) if (name !== 'offline') requireKey(read, `FRONTDESK_STT_FALLBACK=${name}`, name);
  if (tts !== 'offline') requireKey(read, `FRONTDESK_TTS=${tts}`, tts);
  for (const name of ttsFallbacks) if (name !== 'offline') requireKey(read, `FRONTDESK_TTS_FALLBACK=${name}`, name);
  if (llm !== 'none') requireKey(read, `FRONTDESK_LLM=${llm}`, llm);

  const phrasingText = read('FRONTDESK_LLM_PHRASING');
  const phrasing = phrasingText === undefined ? false : parseWith('FRONTDESK_LLM_PHRASING', phrasingText.toLowerCase(), booleanText, 'true or false');
  if (phrasing && llm === 'none') throw invalid('FRONTDESK_LLM_PHRASING', 'needs FRONTDESK_LLM=openai');

  const optionalUrl = (variable: ConfigVariable): string | undefined => {
    const value = read(variable);
    return value === undefined ? undefined : parseWith(variable, value, urlText, 'an http(s) or ws(s) URL');
  };

  const dataDir = resolve(read('FRONTDESK_DATA_DIR') ?? 'data');
  const underData = (variable: ConfigVariable, fileName: string): string => {
    const value = read(variable);
    if (value === undefined) return join(dataDir, fileName);
    return isAbsolute(value) ? value : resolve(value);
  };

  const ehrBackend = providerName('FRONTDESK_EHR', read('FRONTDESK_EHR') ?? 'sqlite', ehrBackendNames);
  const ehr: Config['ehr'] = ehrBackend === 'fhir' ? { backend: ehrBackend, fhir: fhirSettings(read, optionalUrl) } : { backend: ehrBackend };

  const timeZoneText = read('FRONTDESK_TIMEZONE');
  const timeZone = timeZoneText === undefined ? Intl.DateTimeFormat().resolvedOptions().timeZone : validTimeZone('FRONTDESK_TIMEZONE', timeZoneText);
  const nowText = read('FRONTDESK_NOW');

  const store = providerName('FRONTDESK_RECORDINGS', read('FRONTDESK_RECORDINGS') ?? 'local', recordingStoreNames);
  const recordings: Config['recordings'] = { store };
  // The local store encrypts with the key; S3 uploads that fail are spooled locally, encrypted with it too.
  if (store !== 'none') Object.assign(recordings, resolveRecordingKey(read, dataDir, warnings));
  if (store === 's3') {
    const bucket = read('FRONTDESK_S3_BUCKET');
    if (bucket === undefined) throw invalid('FRONTDESK_S3_BUCKET', 'is required when FRONTDESK_RECORDINGS=s3');
    const forcePathStyleText = read('FRONTDESK_S3_FORCE_PATH_STYLE');
    const endpoint = optionalUrl('FRONTDESK_S3_ENDPOINT');
    const kmsKeyId = read('FRONTDESK_S3_KMS_KEY_ID');
    recordings.s3 = {
      bucket,
      region: read('FRONTDESK_S3_REGION') ?? read('AWS_REGION') ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      forcePathStyle: forcePathStyleText === undefined ? false : parseWith('FRONTDESK_S3_FORCE_PATH_STYLE', forcePathStyleText.toLowerCase(), booleanText, 'true or false'),
    };
  }

  const thresholdText = read('FRONTDESK_VAD_THRESHOLD');
  const floorText = read('FRONTDESK_VAD_FLOOR_DBFS');
  const sttThreadsText = read('FRONTDESK_STT_THREADS');
  const phoneAdaptationText = read('FRONTDESK_STT_PHONE_ADAPTATION');
  const logLevelText = read('LOG_LEVEL');
  const publicUrl = optionalUrl('FRONTDESK_PUBLIC_URL');
  const maxCallsText = read('FRONTDESK_MAX_CALLS');
  const keyOf = (variable: ConfigVariable) => {
    const value = read(variable);
    return value === undefined ? {} : { apiKey: value };
  };
  const baseUrlOf = (variable: ConfigVariable) => {
    const value = optionalUrl(variable);
    return value === undefined ? {} : { baseUrl: value };
  };
  const twilioToken = read('TWILIO_AUTH_TOKEN');
  const handoffNumberText = read('FRONTDESK_HANDOFF_NUMBER');
  // E.164: a plus, a country code that does not start with 0, at most 15 digits in all (what <Dial><Number> accepts).
  const handoffNumber =
    handoffNumberText === undefined ? undefined : parseWith('FRONTDESK_HANDOFF_NUMBER', handoffNumberText, z.string().regex(/^\+[1-9]\d{1,14}$/), 'an E.164 phone number such as +15550123456');

  const known = new Set<string>(configVariables);
  for (const name of Object.keys(env)) {
    if (name.startsWith('FRONTDESK_') && !known.has(name)) warnings.push(`${name} is not a frontdesk setting and was ignored`);
  }

  const config: Config = {
    stt: {
      provider: stt,
      fallbacks: sttFallbacks,
      ...(sttThreadsText === undefined ? {} : { offlineThreads: parseWith('FRONTDESK_STT_THREADS', sttThreadsText, integer(1, 64), 'a whole number from 1 to 64') }),
      ...(phoneAdaptationText === undefined
        ? {}
        : {
            offlinePhoneAdaptation:
              phoneAdaptationText === 'none' ? null : parseWith('FRONTDESK_STT_PHONE_ADAPTATION', phoneAdaptationText, z.string().refine((path) => existsSync(path)), 'an MLLR transform file that exists, or none'),
          }),
    },
    tts: { provider: tts, fallbacks: ttsFallbacks },
    llm: {
      provider: llm,
      model: read('FRONTDESK_LLM_MODEL') ?? 'gpt-4o-mini',
      timeoutMs: integerSetting(read, 'FRONTDESK_LLM_TIMEOUT_MS', 1500, 100, 60_000),
      phrasing,
      phrasingTimeoutMs: integerSetting(read, 'FRONTDESK_LLM_PHRASING_TIMEOUT_MS', 1200, 100, 60_000),
    },
    deepgram: { ...keyOf('DEEPGRAM_API_KEY'), ...baseUrlOf('DEEPGRAM_BASE_URL') },
    openai: { ...keyOf('OPENAI_API_KEY'), ...baseUrlOf('OPENAI_BASE_URL') },
    elevenlabs: { ...keyOf('ELEVENLABS_API_KEY'), ...baseUrlOf('ELEVENLABS_BASE_URL'), voiceId: read('ELEVENLABS_VOICE_ID') ?? defaultElevenLabsVoiceId },
    server: {
      port: integerSetting(read, 'PORT', 3000, 0, 65_535),
      host: read('HOST') ?? '127.0.0.1',
      ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, '') } : {}),
      ...(maxCallsText === undefined ? {} : { maxCalls: parseWith('FRONTDESK_MAX_CALLS', maxCallsText, integer(1, 100_000), 'a whole number from 1 to 100000') }),
    },
    ehr,
    dataDir,
    // A remote EHR keeps only verification lockouts locally, in a file of their own.
    databaseFile: underData('FRONTDESK_DB', ehrBackend === 'fhir' ? 'fhir-lockouts.sqlite' : 'ehr.sqlite'),
    auditFile: underData('FRONTDESK_AUDIT_FILE', 'audit.jsonl'),
    ...databaseSettings(read, integerSetting(read, 'PORT', 3000, 0, 65_535)),
    ...(auditKeySetting(env, overrides) !== undefined ? { auditKey: auditKeySetting(env, overrides) } : {}),
    timeZone,
    ...(read('FRONTDESK_FLOW') ? { flow: read('FRONTDESK_FLOW') } : {}),
    ...(nowText === undefined ? {} : { now: parseStartInstant('FRONTDESK_NOW', nowText, timeZone) }),
    recordings,
    twilio: { ...(twilioToken === undefined ? {} : { authToken: twilioToken }), ...(handoffNumber === undefined ? {} : { handoffNumber }) },
    logLevel: logLevelText === undefined ? 'info' : parseWith('LOG_LEVEL', logLevelText.toLowerCase(), z.enum(logLevels), `one of ${logLevels.join(', ')}`),
    noInputMs: integerSetting(read, 'FRONTDESK_NO_INPUT_MS', 8000, 1000, 120_000),
    vad: {
      threshold: thresholdText === undefined ? 0.5 : parseWith('FRONTDESK_VAD_THRESHOLD', thresholdText, z.coerce.number().gt(0).lt(1), 'a number between 0 and 1'),
      silenceMs: integerSetting(read, 'FRONTDESK_VAD_SILENCE_MS', 800, 100, 10_000),
      minSpeechMs: integerSetting(read, 'FRONTDESK_VAD_MIN_SPEECH_MS', 250, 0, 10_000),
      padMs: integerSetting(read, 'FRONTDESK_VAD_PAD_MS', 300, 0, 5_000),
      silenceFloorDbfs:
        floorText === undefined
          ? -60
          : floorText.toLowerCase() === 'off'
            ? null
            : parseWith('FRONTDESK_VAD_FLOOR_DBFS', floorText, z.coerce.number().min(-120).max(0), 'a level in dBFS from -120 to 0, or off'),
    },
    warnings,
  };
  return deepFreeze(config);
}

/** The chosen providers and settings for the start-up log line: no keys, tokens or recording key. */
export function describeConfig(config: Config): Record<string, string | number | boolean> {
  return {
    stt: [config.stt.provider, ...config.stt.fallbacks].join('>'),
    tts: [config.tts.provider, ...config.tts.fallbacks].join('>'),
    llm: config.llm.provider === 'none' ? 'none' : `${config.llm.provider}:${config.llm.model}`,
    llmPhrasing: config.llm.phrasing,
    ehr: config.ehr.fhir ? `fhir ${config.ehr.fhir.baseUrl}${config.ehr.fhir.clientId ? ' (SMART Backend Services)' : ''}` : config.ehr.backend,
    recordings: config.recordings.store,
    host: config.server.host,
    port: config.server.port,
    maxCalls: config.server.maxCalls ?? 'no limit',
    timeZone: config.timeZone,
    clock: config.now ? `fixed start ${config.now.toISOString()}` : 'real time',
    dataDir: config.dataDir,
    twilioSignatureValidation: config.twilio.authToken !== undefined,
    twilioHandoffTransfer: config.twilio.handoffNumber !== undefined,
    sharedState: config.database ? `postgres ${redactedUrl(config.database.url)} as ${config.database.instanceId}` : 'sqlite and files',
    logLevel: config.logLevel,
  };
}
