// `frontdesk replay FILE [--flow NAME|PATH] [--key HEX] [--data-dir DIR]`: re-runs a call `frontdesk serve` logged against the current flow and reports the first turn that differs.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCallLog, type RecordedCall } from '../call-log/call-log.ts';
import { loadConfig, recordingKeyFileName } from '../config.ts';
import { isFrontdeskError } from '../errors.ts';
import { loadFlow } from './catalogue.ts';
import { replayCall, type Observation, type ReplayResult, type Turn } from './replay.ts';

type Output = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Environment = Record<string, string | undefined>;

const hexKey = /^[0-9a-fA-F]{64}$/;

class BadInput extends Error {}

/**
 * The recording key the server would use: --key, else FRONTDESK_RECORDING_KEY, else the key file in the data directory
 * (--data-dir or FRONTDESK_DATA_DIR). Unlike the server, never generates one: a new key could read nothing.
 */
function recordingKey(flag: string | undefined, dataDir: string | undefined, env: Environment): Uint8Array {
  if (flag !== undefined) {
    if (!hexKey.test(flag)) throw new BadInput('--key must be 64 hexadecimal characters (the 256-bit recording key)');
    return Buffer.from(flag, 'hex');
  }
  const overrides = { FRONTDESK_RECORDINGS: 'none', ...(dataDir ? { FRONTDESK_DATA_DIR: dataDir } : {}) };
  const located = loadConfig(env, overrides);
  const keyFile = join(located.dataDir, recordingKeyFileName);
  if (env.FRONTDESK_RECORDING_KEY === undefined && !existsSync(keyFile)) {
    throw new BadInput(`no recording key: pass --key, set FRONTDESK_RECORDING_KEY, or point --data-dir at the server's data directory (no ${keyFile})`);
  }
  const config = loadConfig(env, { ...overrides, FRONTDESK_RECORDINGS: 'local' });
  return Buffer.from(config.recordings.key!, 'hex');
}

const quote = (text: string) => JSON.stringify(text);

function describeCaller(caller: Turn['caller']): string {
  if (!caller) return 'the greeting';
  if (caller.type === 'silence') return 'the caller stayed silent';
  if (caller.type === 'hangup') return 'the caller hung up';
  const heard = [caller.text !== undefined ? `said ${quote(caller.text)}` : '', caller.dtmf ? `pressed ${caller.dtmf}` : ''].filter(Boolean).join(' and ');
  const confidence = caller.confidence === undefined ? '' : ` (confidence ${caller.confidence.toFixed(2)})`;
  return `the caller ${heard}${confidence} → ${caller.event.type}`;
}

function describe(observation: Observation | undefined): string {
  if (!observation) return '(nothing: the turn ends here)';
  switch (observation.kind) {
    case 'state':
      return `state ${observation.value}`;
    case 'agent':
      return `agent [${observation.key}] ${quote(observation.text)}`;
    case 'tool':
      return observation.missing ? `tool ${observation.actor} (${observation.name}): invoked, but the recorded call has no outcome for it here` : `tool ${observation.actor} (${observation.name})`;
    case 'end':
      return `call ended (${observation.reason})`;
  }
}

/** The readable report of one replay. */
export function replayReport(recording: RecordedCall, flowName: string, result: ReplayResult): string[] {
  const { header } = recording;
  const callerTurns = result.recordedTurns.length - 1;
  const lines = [
    `call ${header.sessionId}: flow ${header.flow}, clinic time ${header.clinicNow}, ${callerTurns} caller turn${callerTurns === 1 ? '' : 's'}${recording.complete ? '' : ' (the log stops mid-call: the server stopped before the call ended)'}`,
    `replayed against flow ${flowName}${result.keysOnly ? ' (lines were reworded by an LLM when recorded: compared by prompt key)' : ''}`,
  ];
  const { difference } = result;
  if (!difference) {
    lines.push(`result: identical (${result.recordedTurns.length} turns: same states, agent lines, tools and end)`);
    return lines;
  }
  lines.push(`turn ${difference.turn} differs${difference.turn > 0 ? ` (turns 0–${difference.turn - 1} identical)` : ''}: ${describeCaller(difference.caller)}`);
  for (const observation of difference.same) lines.push(`  same      ${describe(observation)}`);
  lines.push(`  recorded  ${describe(difference.recorded)}`);
  lines.push(`  replayed  ${describe(difference.replayed)}`);
  lines.push(`result: DIFFERENT at turn ${difference.turn}`);
  return lines;
}

/** Runs the command; returns the exit code: 0 identical, 1 a difference, 2 bad input (usage, a missing file, a wrong key). */
export async function replayCommand(argv: string[], output: Output = process, env: Environment = process.env): Promise<number> {
  const fail = (message: string) => {
    output.stderr.write(`frontdesk replay: ${message}\n`);
    return 2;
  };
  let values: { flow?: string; key?: string; 'data-dir'?: string };
  let file: string | undefined;
  try {
    const parsed = parseArgs({ args: argv, options: { flow: { type: 'string' }, key: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true, allowPositionals: true });
    values = parsed.values;
    if (parsed.positionals.length !== 1) throw new BadInput('usage: frontdesk replay FILE [--flow NAME|PATH] [--key HEX] [--data-dir DIR]');
    file = parsed.positionals[0]!;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (!existsSync(file) || !statSync(file).isFile()) return fail(`cannot read ${file}: no such file`);
  let recording: RecordedCall;
  try {
    const key = recordingKey(values.key, values['data-dir'], env);
    recording = await readCallLog(file, key);
  } catch (error) {
    if (error instanceof BadInput || isFrontdeskError(error)) return fail(error.message);
    throw error;
  }
  let flow;
  try {
    // The recorded flow by name unless told otherwise: a changed flow file is picked up as it is now.
    flow = await loadFlow(values.flow ?? recording.header.flow);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const result = await replayCall(flow, recording);
  for (const line of replayReport(recording, flow.name, result)) output.stdout.write(`${line}\n`);
  return result.difference ? 1 : 0;
}
