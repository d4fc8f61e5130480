// Runs in a worker thread: loads one flow, walks it at a lower priority than the calls, posts its coverage (or the error's message) and is done.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadFlow } from './catalogue.ts';
import { computeCoverage } from './coverage.ts';

/** Nice value of the walk: below speech workers (10), since nothing waits on it but a page. */
const niceness = 15;

// Linux keeps a nice value per thread, named by the last part of /proc/thread-self; raising it needs no privilege.
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, niceness);
} catch {
  // No /proc, or the system refused: the walk runs at the process's priority.
}

const { flow } = workerData as { flow: string };
try {
  parentPort!.postMessage({ coverage: computeCoverage(await loadFlow(flow)) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
