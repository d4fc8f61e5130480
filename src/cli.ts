// The `frontdesk` command line: each command a thin call into the modules; bad usage exits 2 with a message naming the problem.
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createInterface } from 'node:readline';
import { chainProblemDescriptions } from './audit/chain.ts';
import { verifyAuditFile } from './audit/verify-audit-file.ts';
import { auditKeySetting, loadConfig, type ConfigOverrides } from './config.ts';
import { isFrontdeskError } from './errors.ts';
import { createLogger } from './log.ts';
import { buildCall } from './runtime/build-call.ts';
import { channelEvent, runJsonlChannel } from './transports/text-channel.ts';
import { runConsoleChat } from './transports/console-chat.ts';

/** Exit codes: 0 done, 1 a check failed (e.g. a tampered audit file), 2 bad usage or an input that cannot be opened. */
export const exitCodes = { ok: 0, checkFailed: 1, usage: 2 } as const;

class UsageError extends Error {}

/** Each command's usage: its synopsis lines, then what it does; `frontdesk <command> --help` prints one, `frontdesk help` all. */
const commandUsages = {
  chat: `chat [--flow NAME] [--jsonl] [--slots] [--db PATH] [--audit PATH] [--now ISO-8601] [--timezone ZONE]
    Talk to the agent in text. --jsonl: one caller line per stdin line, one JSON event per stdout line;
    an empty line is a silent turn, {"dtmf":"0115"} sends keypad digits, end of input hangs up. --slots also prints the masked slots.`,
  call: `call --in caller.wav --out agent.wav [--flow NAME] [--stereo call.wav] [--jsonl] [--realtime] [--pacing turn-taking|timeline]
     [--no-early-endpointing] [--db PATH] [--audit PATH] [--now ISO-8601] [--timezone ZONE]
    A spoken call from a WAV: VAD → speech-to-text → the call → text-to-speech. --jsonl adds transcript and latency events.`,
  serve: `serve [--port N] [--host H] [--flow NAME] [--data-dir DIR] [--db PATH] [--audit PATH] [--now ISO-8601]
    The call server (what npm start runs): playground at /, /ws/text, /ws/call, /twilio/media, /metrics.`,
  graph: `graph [--flow NAME | --machine turn-taking] [--format mermaid|svg]
    Prints the flow's statechart (or, with --machine, an engine machine's, e.g. how a voice call takes turns), drawn from its machine definition.`,
  paths: `paths [--flow NAME|PATH]
    Walks the flow's graph: states visited, paths, PHI actors only under verification, no question asked more than
    3 times in a row. Exit 0 when every check passes, 1 when one fails (the state named).`,
  test: `test [--flow NAME|PATH] FILE…
    Runs scenario files (docs/scenarios.md), each on a fresh SQLite EHR and audit file; a diff of what was expected
    and what happened for each that fails. Exit 0 all passed, 1 one failed, 2 a file cannot be read.`,
  replay: `replay FILE [--flow NAME|PATH] [--key HEX] [--data-dir DIR]
    Re-runs a call log kept by serve (docs/replay.md) against the flow as it is now, with the recorded caller events
    and tool outcomes; prints the first turn whose states, agent lines or tools differ. Exit 0 identical, 1 a
    difference, 2 bad input (no such file, wrong key).`,
  audit: `audit verify FILE [--key-file PATH] [--checkpoints PATH]
    Checks the audit file's MAC chain (key: FRONTDESK_AUDIT_KEY, else --key-file, default audit.key beside FILE)
    against its signed checkpoints (default FILE's name with .checkpoints.jsonl); exit 0 when intact, 1 naming each
    kind of tampering found and where.
audit verify | audit export [FILE]
    With FRONTDESK_DATABASE_URL: verifies the audit chain kept in the database (FRONTDESK_AUDIT_KEY, else the key
    kept there), or writes it as JSON lines to FILE (stdout without one).`,
  ehr: `ehr check [--now ISO-8601] [--json]
    What the configured EHR (FRONTDESK_EHR) serves: authentication, practitioners, free slots in the next 14 days,
    searches the server refused; exit 1 when it cannot serve a call.`,
  help: `help
    This text; \`frontdesk <command> --help\` prints one command's part of it.`,
} as const;

type CommandName = keyof typeof commandUsages;

/** Every command `frontdesk` has, in the order the usage lists them. */
export const commandNames = Object.keys(commandUsages) as readonly CommandName[];

const environmentNote = 'Environment: see README (FRONTDESK_DATA_DIR, FRONTDESK_DB, FRONTDESK_AUDIT_FILE, FRONTDESK_EHR, FRONTDESK_FHIR_URL, FRONTDESK_LLM, LOG_LEVEL, …).';

const indent = (text: string, by: string) => text.replace(/^/gm, by);

const usage = `usage: frontdesk <command> [options]

commands:
${commandNames.map((name) => indent(commandUsages[name], '  ')).join('\n')}

${environmentNote}`;

/** One command's usage: `usage: frontdesk` before each synopsis line. */
function commandUsage(name: CommandName): string {
  const prefix = 'usage: frontdesk ';
  // A synopsis goes on in lines indented by 5 and opening with "["; they line up under the first line's options.
  const lines = commandUsages[name].replace(/^(?! )/gm, prefix).replace(/^ {5}(?=\[)/gm, ' '.repeat(prefix.length + 5));
  return `${lines}\n\n${environmentNote}`;
}

const callOptions = {
  flow: { type: 'string' },
  db: { type: 'string' },
  audit: { type: 'string' },
  now: { type: 'string' },
  timezone: { type: 'string' },
} satisfies ParseArgsConfig['options'];

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The call options as configuration overrides, each checked with a message naming the flag. */
function callOverrides(values: { flow?: string; db?: string; audit?: string; now?: string; timezone?: string }): ConfigOverrides {
  if (values.now !== undefined && (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(values.now) || Number.isNaN(Date.parse(values.now)))) {
    throw new UsageError(`--now must be an ISO-8601 date-time such as 2026-12-01T09:00:00-05:00 (got "${values.now}")`);
  }
  if (values.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: values.timezone });
    } catch {
      throw new UsageError(`--timezone must be an IANA time zone such as America/New_York (got "${values.timezone}")`);
    }
  }
  if (values.db === '') throw new UsageError('--db needs a file path');
  if (values.audit === '') throw new UsageError('--audit needs a file path');
  if (values.flow === '') throw new UsageError('--flow needs a flow name or a path to a flow module');
  return {
    ...(values.flow !== undefined ? { FRONTDESK_FLOW: values.flow } : {}),
    ...(values.db !== undefined ? { FRONTDESK_DB: values.db } : {}),
    ...(values.audit !== undefined ? { FRONTDESK_AUDIT_FILE: values.audit } : {}),
    ...(values.now !== undefined ? { FRONTDESK_NOW: values.now } : {}),
    ...(values.timezone !== undefined ? { FRONTDESK_TIMEZONE: values.timezone } : {}),
  };
}

async function chat(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...callOptions, jsonl: { type: 'boolean' }, slots: { type: 'boolean' } });
  // A text call records no audio, so it needs no recording key.
  const config = loadConfig(process.env, { FRONTDESK_RECORDINGS: 'none', ...callOverrides(values) });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const { runtime, close } = await buildCall(config, { logger });
  try {
    const session = runtime.openSession();
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    if (values.jsonl) {
      await runJsonlChannel({
        session,
        lines,
        write: (line) => process.stdout.write(`${line}\n`),
        onInvalidLine: (message, lineNumber) => process.stderr.write(`frontdesk: stdin line ${lineNumber} skipped: ${message}\n`),
        slots: values.slots ?? false,
      });
    } else {
      await runConsoleChat({ session, input: process.stdin, output: process.stdout });
    }
    lines.close();
    return exitCodes.ok;
  } finally {
    await close();
  }
}

async function call(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...callOptions,
    in: { type: 'string' },
    out: { type: 'string' },
    stereo: { type: 'string' },
    jsonl: { type: 'boolean' },
    realtime: { type: 'boolean' },
    pacing: { type: 'string' },
    'no-early-endpointing': { type: 'boolean' },
  });
  if (!values.in || !values.out) throw new UsageError('usage: frontdesk call --in caller.wav --out agent.wav [--stereo call.wav] [--jsonl] [--realtime]');
  if (values.pacing !== undefined && values.pacing !== 'turn-taking' && values.pacing !== 'timeline') {
    throw new UsageError(`--pacing must be turn-taking or timeline (got "${values.pacing}")`);
  }
  let callerWav: Uint8Array;
  try {
    callerWav = readFileSync(values.in);
  } catch (error) {
    throw new UsageError(`cannot read ${values.in}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const config = loadConfig(process.env, { FRONTDESK_RECORDINGS: 'none', ...callOverrides(values) });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const built = await buildCall(config, { logger, speech: true });
  try {
    const { runtime, speech: { stt, tts } } = built;
    const { runWavCall } = await import('./transports/wav-call.ts');
    const write = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
    // The end event goes out last, after the goodbye's audio and latency.
    let endEvent: object | undefined;
    const result = await runWavCall({
      session: runtime.openSession(),
      stt,
      tts,
      clock: runtime.clock,
      logger,
      callerWav,
      realtime: values.realtime ?? false,
      pacing: (values.pacing as 'turn-taking' | 'timeline' | undefined) ?? 'turn-taking',
      voice: { slotAwareEndpointing: !values['no-early-endpointing'], turns: { threshold: config.vad.threshold, endSilenceMs: config.vad.silenceMs, silenceFloorDbfs: config.vad.silenceFloorDbfs } },
      onEvent: (event) => {
        if (!values.jsonl) {
          if (event.type === 'agent') process.stdout.write(`agent: ${event.text}\n`);
          else if (event.type === 'transcript' && event.final) process.stdout.write(`caller: ${event.text}\n`);
          return;
        }
        if (event.type === 'transcript') write({ type: 'transcript', text: event.text, final: event.final });
        else if (event.type === 'latency') write({ type: 'latency', ...event.latency });
        else if (event.type === 'barge-in') write({ type: 'barge-in', heardMs: Math.round(event.interruption.heardMs) });
        else if (event.type !== 'agent-audio' && event.type !== 'caller-audio' && event.type !== 'caller-speech' && event.type !== 'turn-state') {
          const wire = channelEvent(event);
          if (wire?.type === 'end') endEvent = wire;
          else if (wire) write(wire);
        }
      },
    });
    if (endEvent) write(endEvent);
    writeFileSync(values.out, result.agentWav);
    if (values.stereo) writeFileSync(values.stereo, result.stereoWav);
    if (!values.jsonl) process.stdout.write(`call ended: ${result.endReason}; agent audio ${Math.round(result.durationMs / 100) / 10} s written to ${values.out}\n`);
    return exitCodes.ok;
  } finally {
    await built.close();
  }
}

async function audit(argv: string[]): Promise<number> {
  const { positionals, values } = parse(argv, { 'key-file': { type: 'string' }, checkpoints: { type: 'string' } }, true);
  const [action, file, ...rest] = positionals;
  // The shared chain in PostgreSQL (FRONTDESK_DATABASE_URL): verify without a file, export as JSON lines.
  if ((action === 'verify' && !file) || (action === 'export' && rest.length === 0)) {
    return (await import('./audit/database-audit-command.ts')).databaseAuditCommand(action, file);
  }
  if (action !== 'verify' || !file || rest.length > 0) throw new UsageError('usage: frontdesk audit verify FILE [--key-file PATH] [--checkpoints PATH]');
  try {
    accessSync(file, constants.R_OK);
    if (!statSync(file).isFile()) throw new Error('not a regular file');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const keyHex = auditKeySetting(process.env);
  const result = verifyAuditFile(file, {
    ...(keyHex !== undefined ? { keyHex } : {}),
    ...(values['key-file'] !== undefined ? { keyFile: values['key-file'] } : {}),
    ...(values.checkpoints !== undefined ? { checkpointFile: values.checkpoints } : {}),
  });
  const counts = `${result.records} records, ${result.segments} segment${result.segments === 1 ? '' : 's'}, ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'}`;
  if (result.ok) {
    process.stdout.write(`audit file intact: ${counts}, MAC chain verified\n`);
    return exitCodes.ok;
  }
  process.stdout.write(`audit file tampered: ${counts}\n`);
  for (const found of result.problems) {
    const named = found.detail ? ` (the break it names: ${found.detail})` : '';
    process.stdout.write(`line ${found.line}: ${found.problem}: ${chainProblemDescriptions[found.problem]}${named}\n`);
  }
  return exitCodes.checkFailed;
}

const commands: Record<CommandName, (argv: string[]) => Promise<number>> = {
  chat,
  call,
  audit,
  // Loaded on use: the server and the diagram pull in fastify and the layout engine, which a text chat does not need.
  serve: async (argv) => (await import('./server/serve-command.ts')).serveCommand(argv),
  graph: async (argv) => (await import('./graph/graph-command.ts')).graphCommand(argv),
  paths: async (argv) => (await import('./flow/paths-command.ts')).pathsCommand(argv),
  test: async (argv) => (await import('./flow/test-command.ts')).testCommand(argv),
  replay: async (argv) => (await import('./flow/replay-command.ts')).replayCommand(argv),
  ehr: async (argv) => (await import('./ehr/ehr-command.ts')).ehrCommand(argv),
  async help() {
    process.stdout.write(`${usage}\n`);
    return exitCodes.ok;
  },
};

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** Whether the arguments ask for help: -h or --help anywhere before a `--` (after it, they are file names). */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((argument) => argument === '--help' || argument === '-h');
}

/** Runs one command; returns the process exit code and never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === '--help' || name === '-h' ? commands.help : name && isCommandName(name) ? commands[name] : undefined;
  if (command && name && isCommandName(name) && asksForHelp(rest)) {
    process.stdout.write(`${commandUsage(name)}\n`);
    return exitCodes.ok;
  }
  if (!command) {
    process.stderr.write(`frontdesk: ${name ? `unknown command "${name}"` : 'no command given'}\n\n${usage}\n`);
    return exitCodes.usage;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`frontdesk ${name}: ${error.message}\n`);
      return exitCodes.usage;
    }
    if (isFrontdeskError(error) && (error.code.startsWith('CONFIG_') || error.code === 'AUDIT_TAMPERED' || error.code === 'EHR_UNAVAILABLE')) {
      process.stderr.write(`frontdesk ${name}: ${error.message}\n`);
      return exitCodes.usage;
    }
    process.stderr.write(`frontdesk ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodes.checkFailed;
  }
}
