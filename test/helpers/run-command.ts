// Runs a `frontdesk` subcommand in-process with captured output, as the command tests read it.
import { PassThrough } from 'node:stream';

type Command = (argv: string[], output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }) => Promise<number>;

export async function runCommand(command: Command, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: '', stderr: '' };
  stdout.on('data', (chunk) => (chunks.stdout += String(chunk)));
  stderr.on('data', (chunk) => (chunks.stderr += String(chunk)));
  const code = await command(argv, { stdout, stderr });
  return { code, ...chunks };
}
