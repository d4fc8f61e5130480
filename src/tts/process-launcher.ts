// Starts short-lived programs (espeak-ng per sentence) through a small helper process: fork() copies the caller's page
// tables, which for a server holding a gigabyte under load blocks its event loop ~50 ms per program (measured), every
// call's audio waiting behind it. The helper forks at ~40 MB. Output streams back over the IPC channel.
import { fork, type ChildProcess } from 'node:child_process';

export interface LaunchedProcess {
  /** Its standard output, chunk by chunk; ends when the program has exited. */
  readonly stdout: AsyncIterable<Buffer>;
  /** How it ended: exit code or signal, or why it could not run (missing program, helper gone). */
  readonly exited: Promise<{ code: number | null; signal: string | null; error: string | null }>;
  /** SIGKILL now; idempotent. */
  kill(): void;
}

type FromHelper =
  | { type: 'ready' }
  | { type: 'data'; id: number; data: Uint8Array }
  | { type: 'exit'; id: number; code: number | null; signal: string | null; error: string | null };

interface Running {
  push(chunk: Buffer | null): void;
  exit(result: { code: number | null; signal: string | null; error: string | null }): void;
}

let helper: ChildProcess | undefined;
/** Resolves when the current helper is up and listening. */
let helperReady: Promise<void> = Promise.resolve();
const running = new Map<number, Running>();
let nextId = 1;

function startHelper(): ChildProcess {
  const child = fork(new URL('./spawn-helper.js', import.meta.url), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // The server's own flags (a TypeScript loader, inspector ports) are not the helper's.
    execArgv: [],
  });
  let markReady!: () => void;
  helperReady = new Promise((resolve) => (markReady = resolve));
  child.on('message', (message: FromHelper) => {
    if (message.type === 'ready') {
      markReady();
      return;
    }
    const target = running.get(message.id);
    if (!target) return;
    if (message.type === 'data') target.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
    else {
      running.delete(message.id);
      target.exit({ code: message.code, signal: message.signal, error: message.error });
      holdProcess();
    }
  });
  const gone = () => {
    markReady();
    if (helper === child) helper = undefined;
    for (const [id, target] of running) {
      running.delete(id);
      target.exit({ code: null, signal: null, error: 'the process launcher exited' });
    }
  };
  child.on('exit', gone);
  child.on('error', gone);
  return child;
}

/** The helper keeps the server alive only while programs it started are running, as their own pipes would. */
function holdProcess(): void {
  if (!helper) return;
  if (running.size > 0) {
    helper.ref();
    helper.channel?.ref();
  } else {
    helper.unref();
    helper.channel?.unref();
  }
}

/** Starts the helper now (~50 ms for Node to boot it), while this process is still small and nobody waits for a program; resolves once it is up. */
export function prepareLauncher(): Promise<void> {
  helper ??= startHelper();
  holdProcess();
  return helperReady;
}

/** Runs `command args`, writing `input` to its stdin; the helper starts on first use and again after it died. */
export function launch(command: string, args: string[], input: string): LaunchedProcess {
  helper ??= startHelper();
  const id = nextId;
  nextId += 1;
  const chunks: Array<Buffer | null> = [];
  let wake: (() => void) | undefined;
  let resolveExit!: (result: { code: number | null; signal: string | null; error: string | null }) => void;
  const exited = new Promise<{ code: number | null; signal: string | null; error: string | null }>((resolve) => (resolveExit = resolve));
  running.set(id, {
    push(chunk) {
      chunks.push(chunk);
      wake?.();
    },
    exit(result) {
      chunks.push(null);
      wake?.();
      resolveExit(result);
    },
  });
  const current = helper;
  current.send({ type: 'spawn', id, command, args, input });
  holdProcess();
  let killed = false;
  return {
    stdout: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const chunk = chunks.shift();
          if (chunk === null) return;
          if (chunk) {
            yield chunk;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    },
    exited,
    kill() {
      if (killed || !running.has(id)) return;
      killed = true;
      if (current.connected) current.send({ type: 'kill', id });
    },
  };
}

/** The helper's pid, once started (tests). */
export function launcherPid(): number | undefined {
  return helper?.pid;
}
