// `frontdesk chat` for a person at a terminal: the agent's lines, the state and tool calls in brackets, a prompt for the caller.
import { createInterface } from 'node:readline';
import type { CallSession } from '../dialog/session.ts';
import { deliver, parseCallerLine } from './text-channel.ts';

export interface ConsoleChatOptions {
  session: CallSession;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Runs one call at the terminal until it ends or the input closes (Ctrl-D = hang up). */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<string> {
  const { session, output } = options;
  const color = (output as { isTTY?: boolean }).isTTY === true;
  const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[0m` : text);
  const unsubscribe = session.subscribe((event) => {
    if (event.type === 'agent') output.write(`agent: ${event.text}\n`);
    else if (event.type === 'state') output.write(dim(`  [state ${event.value}]\n`));
    else if (event.type === 'tool') output.write(dim(`  [${event.name} ${event.ok ? 'ok' : 'failed'} ${event.durationMs} ms]\n`));
    else if (event.type === 'end') output.write(dim(`  [call ended: ${event.reason}]\n`));
  });
  output.write(dim('Type what the caller says. Empty line = silence, {"dtmf":"1"} = keypad, Ctrl-D = hang up.\n'));
  const lines = createInterface({ input: options.input, output, terminal: color, prompt: 'you> ' });
  try {
    await session.start();
    if (!session.isEnded()) lines.prompt();
    for await (const line of lines) {
      const input = parseCallerLine(line);
      if (input.kind === 'invalid') output.write(`  (${input.message})\n`);
      else await deliver(session, input);
      if (session.isEnded()) break;
      lines.prompt();
    }
    if (!session.isEnded()) session.hangUp();
    return await session.ended;
  } finally {
    lines.close();
    unsubscribe();
  }
}
