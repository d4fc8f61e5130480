// Writes a chunked audio body the way vendors do (odd-sized chunks, paced), honouring a scripted drop or stall.
import type { ServerResponse } from 'node:http';
import type { ProviderFailure } from './provider-failure.ts';

/** Sends `audio` in `chunkBytes` pieces every `intervalMs`; odd sizes make PCM samples straddle chunks on purpose. */
export async function writeAudioChunks(
  response: ServerResponse,
  audio: Buffer,
  options: { chunkBytes?: number; intervalMs?: number; failure?: ProviderFailure | undefined },
): Promise<void> {
  const chunkBytes = options.chunkBytes ?? 1001;
  const intervalMs = options.intervalMs ?? 5;
  const failure = options.failure?.kind === 'status' ? undefined : options.failure;
  let sent = 0;
  while (sent < audio.length) {
    if (response.destroyed) return;
    if (failure && sent >= (failure.afterBytes ?? 0)) {
      if (failure.kind === 'drop') response.socket?.destroy();
      // A stall keeps the connection open and silent until the client gives up.
      return;
    }
    const end = Math.min(audio.length, sent + chunkBytes);
    response.write(audio.subarray(sent, end));
    sent = end;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  response.end();
}

export async function readBody(request: import('node:http').IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
