// Ends `serve` when the npm process that launched it is gone: a signal to `npm start` or `npx frontdesk serve` may kill npm and its shell but not the server.

/**
 * Polls the parent process id; when it changes (the launcher died and the server was re-parented), calls `onGone` once.
 * Only for a server launched through npm (`npm start`, `npx`): a server started directly, or under a supervisor that
 * signals it itself, is left alone. Returns a function that stops watching.
 */
export function watchLauncher(options: { launchedByNpm: boolean; onGone: () => void; intervalMs?: number }): () => void {
  if (!options.launchedByNpm) return () => {};
  const parentAtStart = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parentAtStart) return;
    clearInterval(timer);
    options.onGone();
  }, options.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether npm launched this process (`npm start`, `npm run`, `npx`): npm sets these in the environment of what it runs. */
export function launchedByNpm(environment: Record<string, string | undefined>): boolean {
  return environment.npm_lifecycle_event !== undefined || environment.npm_command !== undefined || environment.npm_execpath !== undefined;
}
