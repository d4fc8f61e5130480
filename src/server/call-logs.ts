// Every call the server opens keeps an encrypted call log: the runtime the routes use opens each session with a call log recorder attached.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { recordCallLog } from '../call-log/call-log.ts';
import type { CallRuntime } from '../dialog/call-runtime.ts';
import type { Logger } from '../log.ts';

/** Directory under the data directory where call logs go, in YYYY/MM/DD folders. */
export const callLogDirectoryName = 'call-logs';

/** How long closing waits for the last call logs to be flushed, ms. */
const idleTimeoutMs = 5_000;

export interface CallLogSettings {
  /** Root of the call logs, e.g. <data dir>/call-logs. */
  directory: string;
  /** The recording key (32 bytes): call logs hold PHI and are encrypted with it. */
  key: Uint8Array;
}

export interface CallLoggingRuntime {
  runtime: CallRuntime;
  /** Resolves once every call log opened so far is on disk and closed. */
  whenIdle(): Promise<void>;
}

/** The call log settings for a data directory and a hex recording key. */
export function callLogSettings(dataDir: string, hexKey: string): CallLogSettings {
  return { directory: join(dataDir, callLogDirectoryName), key: Buffer.from(hexKey, 'hex') };
}

/** Wraps `runtime` so each session it opens records its call log; everything else is the runtime's own. */
export function withCallLogs(runtime: CallRuntime, settings: CallLogSettings, logger: Logger): CallLoggingRuntime {
  const pending = new Set<Promise<void>>();
  const logged: CallRuntime = {
    ...runtime,
    openSession(options = {}) {
      const sessionId = options.sessionId ?? randomUUID();
      // Filed under the clinic clock's date, as the call's recording is.
      const log = recordCallLog({ directory: settings.directory, key: settings.key, sessionId, logger, startedAt: runtime.clock.now() });
      const trace = options.trace;
      const session = runtime.openSession({
        ...options,
        sessionId,
        trace: (entry) => {
          log.trace(entry);
          trace?.(entry);
        },
      });
      session.subscribe((event) => log.event(event));
      const done = log.done.finally(() => pending.delete(done));
      pending.add(done);
      return session;
    },
  };
  return {
    runtime: logged,
    async whenIdle() {
      // A session that never ends (a transport that never hung it up) does not hold shutdown: its entries are on disk already.
      const deadline = Date.now() + idleTimeoutMs;
      while (pending.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all([...pending]), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
        clearTimeout(timer);
      }
    },
  };
}
