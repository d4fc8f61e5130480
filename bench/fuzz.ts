// bench:fuzz — malformed messages across every socket of a real `frontdesk serve` process: it must not crash, its memory must stay flat, its error log must stay small, and a booking must still succeed afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { verifyAuditFile } from '../src/audit/verify-audit-file.ts';

const root = join(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
/** Rounds of connections; memory is sampled after each, so a leak shows as growth from round to round. */
const rounds = quick ? 2 : 6;
/** Connections per round, by route. */
const perRound = { text: 40, call: 10, twilio: 40 };
/** Malformed messages per connection before its last (connection-closing) frame. */
const messagesPerConnection = quick ? 60 : 190;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Soft malformed messages per route: each refused by the route with the connection kept open. */
const malformed: Record<keyof typeof perRound, Array<() => { data: Buffer | string; binary: boolean }>> = {
  text: [
    () => ({ data: randomBytes(1 + Math.floor(Math.random() * 64)), binary: true }),
    () => ({ data: 'x'.repeat(4097 + Math.floor(Math.random() * 4000)), binary: false }),
    () => ({ data: '{"dtmf": 12}', binary: false }),
    () => ({ data: '{"text": ["not", "a", "string"]}', binary: false }),
    () => ({ data: `{"${randomBytes(4).toString('hex')}": true}`, binary: false }),
    () => ({ data: '[1,2,3]', binary: false }),
    () => ({ data: '{"dtmf": "12ab"}', binary: false }),
  ],
  call: [
    () => ({ data: randomBytes(1 + 2 * Math.floor(Math.random() * 50)), binary: true }),
    () => ({ data: '{"type":"nonsense"}', binary: false }),
    () => ({ data: 'not json at all', binary: false }),
    () => ({ data: '{"dtmf":"abc"}', binary: false }),
    () => ({ data: JSON.stringify({ type: 'hangup', extra: randomBytes(8).toString('hex') }), binary: false }),
  ],
  twilio: [
    () => ({ data: 'not json', binary: false }),
    () => ({ data: JSON.stringify({ event: `bogus-${randomBytes(2).toString('hex')}` }), binary: false }),
    () => ({ data: JSON.stringify({ event: 'media', media: { payload: 42 } }), binary: false }),
    () => ({ data: JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: randomBytes(160).toString('base64') } }), binary: false }),
    () => ({ data: JSON.stringify({ event: 'start', start: { mediaFormat: { encoding: 'audio/wav' } } }), binary: false }),
    () => ({ data: JSON.stringify({ event: 'dtmf', dtmf: { digit: 'Z' } }), binary: false }),
    () => ({ data: randomBytes(40), binary: true }),
    () => ({ data: '{"event":"mark","mark":', binary: false }),
  ],
};

/** The last frame of a connection: one the WebSocket layer refuses and closes on (over 1 MiB, or invalid UTF-8), or a plain close. */
const closers: Array<{ name: string; data?: Buffer; binary?: boolean }> = [
  { name: 'oversized frame', data: Buffer.alloc(1024 * 1024 + 16, 0x61), binary: false },
  { name: 'invalid UTF-8', data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false },
  { name: 'client close' },
];

interface ServerUnderTest {
  pid: number;
  port: number;
  exited: Promise<number | null>;
  alive: () => boolean;
  stop: () => Promise<number | null>;
}

async function startServer(dataDir: string, logFile: string): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [join(root, 'bin/frontdesk.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      FRONTDESK_DATA_DIR: dataDir,
      FRONTDESK_RECORDINGS: 'local',
      FRONTDESK_NOW: '2026-12-01T09:00:00-05:00',
      FRONTDESK_STT_THREADS: '1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  let stdout = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
  return {
    pid: child.pid!,
    port,
    exited,
    alive: () => exitCode === undefined,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function residentMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** One connection: opens, sends its malformed messages as fast as the socket takes them, then its closer; resolves with what was sent. */
async function fuzzConnection(url: string, route: keyof typeof perRound): Promise<{ sent: number; closeCode: number | undefined; opened: boolean }> {
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const opened = await Promise.race([new Promise<boolean>((resolve) => socket.once('open', () => resolve(true))), closed.then(() => false)]);
  if (!opened) return { sent: 0, closeCode: await closed, opened: false };
  let sent = 0;
  for (let index = 0; index < messagesPerConnection && socket.readyState === socket.OPEN; index += 1) {
    const { data, binary } = pick(malformed[route])();
    socket.send(data, { binary });
    sent += 1;
    // Let the server read: a client that only writes would measure its own socket buffer.
    if (index % 20 === 19) await sleep(5);
  }
  const closer = pick(closers);
  if (socket.readyState === socket.OPEN) {
    if (closer.data) {
      socket.send(closer.data, { binary: closer.binary ?? false });
      sent += 1;
    } else socket.close(1000, 'done');
  }
  const code = await Promise.race([closed, sleep(5000).then(() => undefined)]);
  if (code === undefined) socket.terminate();
  return { sent, closeCode: code, opened: true };
}

/** A whole booking over /ws/text (the happy-booking scenario's lines): resolves with how the call ended and whether the booking succeeded. */
async function bookOnce(url: string): Promise<{ end: string | undefined; booked: boolean }> {
  const steps = (JSON.parse(readFileSync(join(root, 'fixtures/scenarios/happy-booking.json'), 'utf8')) as { steps: string[] }).steps;
  const socket = new WebSocket(url);
  const frames: Array<{ type: string; [key: string]: unknown }> = [];
  let waiting: (() => void) | undefined;
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as { type: string });
    waiting?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('open', resolve));
  const agentLines = () => frames.filter((frame) => frame.type === 'agent').length;
  const waitForAgent = async (count: number) => {
    const deadline = Date.now() + 20_000;
    while (agentLines() < count && Date.now() < deadline) await new Promise<void>((resolve) => ((waiting = resolve), setTimeout(resolve, 200)));
  };
  await waitForAgent(1);
  for (const step of steps) {
    const before = agentLines();
    socket.send(step);
    await waitForAgent(before + 1);
  }
  await Promise.race([closed, sleep(10_000)]);
  socket.terminate();
  const end = frames.find((frame) => frame.type === 'end')?.reason as string | undefined;
  const booked = frames.some((frame) => frame.type === 'tool' && frame.name === 'book_appointment' && frame.ok === true);
  return { end, booked };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-fuzz-'));
  const logFile = join(dataDir, 'server.log');
  const server = await startServer(dataDir, logFile);
  const base = `ws://127.0.0.1:${server.port}`;
  const urls = { text: `${base}/ws/text`, call: `${base}/ws/call?sampleRate=16000`, twilio: `${base}/twilio/media` };
  const started = performance.now();
  const memory: number[] = [residentMegabytes(server.pid)];
  let messages = 0;
  let connections = 0;
  let refusedConnections = 0;
  const closeCodes: Record<string, number> = {};
  for (let round = 0; round < rounds && server.alive(); round += 1) {
    const jobs: Array<Promise<Awaited<ReturnType<typeof fuzzConnection>>>> = [];
    for (const route of Object.keys(perRound) as Array<keyof typeof perRound>) {
      for (let index = 0; index < perRound[route]; index += 1) jobs.push(fuzzConnection(urls[route], route));
    }
    for (const result of await Promise.all(jobs)) {
      connections += 1;
      messages += result.sent;
      if (!result.opened) refusedConnections += 1;
      const code = String(result.closeCode ?? 'open');
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    }
    // Let calls end and garbage be collected before sampling.
    await sleep(3000);
    if (server.alive()) memory.push(residentMegabytes(server.pid));
    process.stderr.write(`round ${round + 1}/${rounds}: ${messages} messages on ${connections} connections, RSS ${memory.at(-1)?.toFixed(0)} MB\n`);
  }
  const fuzzSeconds = (performance.now() - started) / 1000;
  const aliveAfterFuzz = server.alive();
  const health = aliveAfterFuzz ? (await fetch(`http://127.0.0.1:${server.port}/healthz`)).status : 0;
  const booking = aliveAfterFuzz ? await bookOnce(urls.text) : { end: undefined, booked: false };
  const metrics = aliveAfterFuzz ? await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text() : '';
  const protocolErrors = [...metrics.matchAll(/^frontdesk_protocol_errors_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  const exitCode = aliveAfterFuzz ? await server.stop() : await server.exited;
  await sleep(200);

  const logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const levels = logLines.map((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level ?? 0;
    } catch {
      return 0;
    }
  });
  const errorLines = levels.filter((level) => level >= 50).length;
  const warnLines = levels.filter((level) => level === 40).length;
  const stackLines = logLines.filter((line) => line.includes('"stack"')).length;
  const audit = verifyAuditFile(join(dataDir, 'audit.jsonl'));
  // Memory after the first round (warm: decoders, caches, JIT) against after the last.
  const warm = memory[1] ?? memory[0]!;
  const last = memory.at(-1)!;
  const result = {
    date: new Date().toISOString(),
    rounds,
    connections,
    connectionsByRoute: Object.fromEntries(Object.entries(perRound).map(([route, count]) => [route, count * rounds])),
    refusedConnections,
    messages,
    fuzzSeconds: Math.round(fuzzSeconds),
    crashes: aliveAfterFuzz ? 0 : 1,
    serverExitCode: exitCode,
    healthzAfter: health,
    rssMegabytes: memory.map((value) => Math.round(value)),
    rssGrowthAfterWarmup: Number((last / warm).toFixed(3)),
    logLines: logLines.length,
    errorLogLines: errorLines,
    warnLogLines: warnLines,
    logLinesWithStack: stackLines,
    logBytes: Buffer.byteLength(readFileSync(logFile)),
    protocolErrorsCounted: protocolErrors,
    closeCodes,
    bookingAfterwards: booking,
    auditChain: { ok: audit.ok, records: audit.records, problems: audit.problems.slice(0, 5) },
  };
  const passed =
    messages >= (quick ? 1 : 100_000) &&
    result.crashes === 0 &&
    exitCode === 0 &&
    errorLines <= connections &&
    result.rssGrowthAfterWarmup < 1.25 &&
    booking.booked &&
    audit.ok;
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const name = quick ? 'fuzz-quick' : 'fuzz';
  writeFileSync(join(root, `bench/results/${name}.json`), `${JSON.stringify({ ...result, passed }, null, 2)}\n`);
  const table = [
    `# bench:fuzz${quick ? ' (quick)' : ''}`,
    '',
    `${messages.toLocaleString('en-US')} malformed messages on ${connections} connections (${Object.entries(result.connectionsByRoute).map(([route, count]) => `${route} ${count}`).join(', ')}) in ${result.fuzzSeconds} s, against one \`frontdesk serve\` process (recordings on, offline speech).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| crashes | ${result.crashes} (exit code after SIGTERM: ${exitCode}) |`,
    `| RSS after each round, MB | ${result.rssMegabytes.join(', ')} |`,
    `| RSS last / after round 1 | ${result.rssGrowthAfterWarmup} |`,
    `| error-log lines (level ≥ error) | ${errorLines} (connections: ${connections}) |`,
    `| warn lines / lines with a stack / log bytes | ${warnLines} / ${stackLines} / ${result.logBytes.toLocaleString('en-US')} |`,
    `| protocol errors counted (metric) | ${protocolErrors.toLocaleString('en-US')} |`,
    `| close codes | ${Object.entries(closeCodes).map(([code, count]) => `${code}: ${count}`).join(', ')} |`,
    `| booking afterwards | ${booking.booked ? 'booked' : 'not booked'}, call ended ${booking.end ?? 'without an end'} |`,
    `| audit chain | ${audit.ok ? 'verifies' : `broken: ${JSON.stringify(audit.problems.slice(0, 3))}`}, ${audit.records} records |`,
    '',
    `Result: ${passed ? 'pass' : 'FAIL'}. Reproduce: \`npm run bench:fuzz\` (\`-- --quick\` for a short run).`,
    '',
  ].join('\n');
  writeFileSync(join(root, `bench/results/${name}.md`), table);
  process.stdout.write(table);
  process.exitCode = passed ? 0 : 1;
}

await main();
