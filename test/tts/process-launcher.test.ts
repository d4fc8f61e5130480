// The process launcher: programs started through its small helper process stream their output back, take their stdin,
// can be killed, and a helper that dies fails only what it was running.
import { describe, expect, it } from 'vitest';
import { launch, launcherPid, type LaunchedProcess } from '../../src/tts/process-launcher.ts';

async function output(launched: LaunchedProcess): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of launched.stdout) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('process launcher', () => {
  it('runs a program with its stdin and streams its stdout back, byte for byte', async () => {
    const text = 'a caller line\n'.repeat(5000);
    const launched = launch('cat', [], text);
    expect(await output(launched)).toBe(text);
    expect(await launched.exited).toEqual({ code: 0, signal: null, error: null });
    const failing = launch('sh', ['-c', 'exit 3'], '');
    expect(await output(failing)).toBe('');
    expect(await failing.exited).toMatchObject({ code: 3 });
  });

  it('reports a program that does not exist instead of hanging', async () => {
    const launched = launch('frontdesk-no-such-program', [], '');
    expect(await output(launched)).toBe('');
    expect((await launched.exited).error).toMatch(/ENOENT/);
  });

  it('kills a program on request', async () => {
    const launched = launch('sleep', ['30'], '');
    launched.kill();
    expect(await launched.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('ends what a dead helper was running with an error, and starts a new helper for the next program', async () => {
    const running = launch('sleep', ['30'], '');
    const first = launcherPid();
    expect(first).toBeTypeOf('number');
    process.kill(first as number, 'SIGKILL');
    expect((await running.exited).error).toBe('the process launcher exited');
    const next = launch('echo', ['again'], '');
    expect(await output(next)).toBe('again\n');
    expect(launcherPid()).not.toBe(first);
  });
});
