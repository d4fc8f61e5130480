// The process launcher's helper: a small Node process that starts short-lived programs (espeak-ng) for the server and
// relays their output. Plain JavaScript, no dependencies: it stays ~40 MB, so its fork()s cost ~2 ms where the server's,
// at a gigabyte of memory under load, cost ~50 ms of its event loop each.
import { spawn } from 'node:child_process';

const children = new Map();

process.on('message', (message) => {
  if (message.type === 'spawn') {
    let child;
    try {
      child = spawn(message.command, message.args, { stdio: ['pipe', 'pipe', 'ignore'] });
    } catch (error) {
      process.send({ type: 'exit', id: message.id, code: null, signal: null, error: String(error?.message ?? error) });
      return;
    }
    children.set(message.id, child);
    let failure = null;
    let reported = false;
    const finish = (code, signal) => {
      if (reported) return;
      reported = true;
      children.delete(message.id);
      process.send({ type: 'exit', id: message.id, code, signal, error: failure });
    };
    child.on('error', (error) => {
      failure = error.message;
      // Never started (no such program): no close will follow.
      if (child.pid === undefined) finish(null, null);
    });
    child.stdout.on('data', (data) => process.send({ type: 'data', id: message.id, data }));
    child.on('close', finish);
    child.stdin.on('error', () => {});
    child.stdin.end(message.input ?? '');
  } else if (message.type === 'kill') {
    children.get(message.id)?.kill('SIGKILL');
  }
});
// The server is gone (exit, crash): so is this helper, and the programs it started.
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
process.send({ type: 'ready' });
