// `frontdesk serve`: reads the configuration, opens the runtime, listens, and shuts down gracefully on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { describeConfig, loadConfig, type Config, type ConfigOverrides } from '../config.ts';
import { isFrontdeskError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { buildCall, type BuiltCall } from '../runtime/build-call.ts';
import { offlineSpeechAvailable } from '../stt/offline-speech.ts';
import { buildApp } from './app.ts';
import { callLogSettings } from './call-logs.ts';
import { closeGracefully } from './graceful-shutdown.ts';
import { launchedByNpm, watchLauncher } from './launcher-watch.ts';
import { privateFileCreation, secureDataDirectory } from './data-directory.ts';
import { voiceMediaRoutes } from './voice-setup.ts';

/** How long shutdown waits for open calls and uploads before closing anyway, ms; under Kubernetes' default 30 s grace. */
export const shutdownTimeoutMs = 10_000;

/** The line printed when the offline speech packages are missing. */
export const voiceDisabledMessage = 'voice disabled, text only: install espeak-ng pocketsphinx pocketsphinx-en-us';

const flagVariables = {
  port: 'PORT',
  host: 'HOST',
  'data-dir': 'FRONTDESK_DATA_DIR',
  db: 'FRONTDESK_DB',
  audit: 'FRONTDESK_AUDIT_FILE',
  now: 'FRONTDESK_NOW',
  flow: 'FRONTDESK_FLOW',
} as const;

class UsageError extends Error {}

function overridesFrom(argv: string[]): ConfigOverrides {
  let values: Partial<Record<keyof typeof flagVariables, string>>;
  try {
    const options = Object.fromEntries(Object.keys(flagVariables).map((flag) => [flag, { type: 'string' as const }]));
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.port !== undefined && (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${values.port}")`);
  }
  const overrides: ConfigOverrides = {};
  for (const [flag, variable] of Object.entries(flagVariables)) {
    const value = values[flag as keyof typeof flagVariables];
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`--${flag} needs a value`);
    overrides[variable] = value;
  }
  return overrides;
}

/** Voice needs the offline speech packages only when a configured STT or TTS chain includes the offline provider. */
function voiceAvailable(config: Readonly<Config>): boolean {
  const usesOffline = [config.stt.provider, ...config.stt.fallbacks, config.tts.provider, ...config.tts.fallbacks].includes('offline');
  if (!usesOffline) return true;
  try {
    const speech = offlineSpeechAvailable();
    return speech.stt && speech.tts;
  } catch {
    return false;
  }
}

/** Runs the server until SIGTERM or SIGINT; returns the exit code (0 after a clean shutdown, 2 bad usage or configuration). */
export async function serveCommand(argv: string[]): Promise<number> {
  const fail = (message: string, code = 2) => {
    process.stderr.write(`frontdesk serve: ${message}\n`);
    return code;
  };
  // Before anything is written (the recording key, the EHR, the audit trail): data files are private whatever the umask.
  privateFileCreation();
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env, overridesFrom(argv));
  } catch (error) {
    if (error instanceof UsageError || isFrontdeskError(error)) return fail(error.message);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    secureDataDirectory(config.dataDir);
  } catch (error) {
    return fail(`cannot secure the data directory ${config.dataDir} (FRONTDESK_DATA_DIR): ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const warning of config.warnings) logger.warn({ warning }, 'configuration warning');
  logger.info(describeConfig(config), 'configuration');

  const voice = voiceAvailable(config);
  if (!voice) process.stderr.write(`frontdesk serve: ${voiceDisabledMessage}\n`);

  let call: BuiltCall;
  try {
    call = await buildCall(config, { logger, speech: voice });
  } catch (error) {
    if (isFrontdeskError(error)) return fail(error.message);
    throw error;
  }
  const { runtime, speech } = call;
  const app = buildApp({
    config,
    runtime,
    logger,
    routes: speech ? voiceMediaRoutes(config, speech) : [],
    ...(speech?.recordingStore ? { recordingStore: speech.recordingStore } : {}),
    // Call logs hold PHI: kept only with a recording key to encrypt them (FRONTDESK_RECORDINGS=none keeps none).
    ...(config.recordings.key ? { callLogs: callLogSettings(config.dataDir, config.recordings.key) } : {}),
  });
  // Signals are taken before the server says it is listening: a Ctrl-C (or npm passing one on) that came between the
  // "listening" line and the handlers met the default action, and the process ended with nothing closed (the signals
  // test saw it under load). A signal during the shutdown (npm passing on the one it got, a second Ctrl-C) must not cut
  // it short either; the shutdown is bounded by shutdownTimeoutMs.
  const duringShutdown = (received: NodeJS.Signals) => logger.info({ signal: received }, 'already shutting down');
  let release = (): void => {};
  const stopped = new Promise<NodeJS.Signals | 'launcher-gone'>((resolve) => {
    const stop = (received: NodeJS.Signals | 'launcher-gone') => {
      release();
      process.on('SIGTERM', duringShutdown);
      process.on('SIGINT', duringShutdown);
      resolve(received);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // npm's shell may die of the signal without passing it on: the server is then re-parented, and stops the same way.
    // The environment is read here, not in config: it says how the process was launched, not how it is configured.
    const stopWatching = watchLauncher({ launchedByNpm: launchedByNpm(process.env), onGone: () => stop('launcher-gone') });
    release = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      stopWatching();
    };
  });
  let address: string;
  try {
    address = await app.listen({ port: config.server.port, host: config.server.host });
  } catch (error) {
    release();
    await app.close();
    await call.close();
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`cannot listen on ${config.server.host}:${config.server.port} (HOST, PORT): ${reason}`);
  }
  process.stdout.write(`frontdesk: listening on ${address} (playground at ${address}/)\n`);
  const signal = await stopped;
  logger.info({ signal }, 'shutting down');
  await closeGracefully(app, { timeoutMs: shutdownTimeoutMs });
  process.off('SIGTERM', duringShutdown);
  process.off('SIGINT', duringShutdown);
  return 0;
}
