// Inside a speech-to-text worker thread: builds the engine named in workerData and serves the streams the main thread opens.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { SpeechToText, SttStream } from './types.ts';
import { MessageBatch, serializeError, type FromWorker, type ToWorker } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('stt-worker.ts runs only as a worker thread');
const { moduleUrl, exportName, engineOptions, niceness } = workerData as { moduleUrl: string; exportName: string; engineOptions?: unknown; niceness?: number };
lowerThisThreadsPriority(niceness ?? 0);
const outbox = new MessageBatch<FromWorker>((messages) => port.postMessage(messages));
const send = (message: FromWorker) => outbox.add(message);

let engine: SpeechToText;
try {
  const module = (await import(moduleUrl)) as Record<string, (options: unknown) => SpeechToText | Promise<SpeechToText>>;
  const build = module[exportName];
  if (typeof build !== 'function') throw new Error(`${moduleUrl} has no export ${exportName}`);
  engine = await build(engineOptions);
} catch (error) {
  send({ type: 'failed', error: serializeError(error) });
  outbox.flush();
  // Nothing to serve: end the thread once the message is out.
  port.close();
  throw error;
}

const streams = new Map<number, { stream: SttStream; sampleRate: number }>();
/** Streams still opening, and those of them closed meanwhile (closed as soon as they exist). */
const opening = new Set<number>();
const closedEarly = new Set<number>();

async function open(message: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  let stream: SttStream;
  opening.add(message.id);
  try {
    stream = await engine.open({ sampleRate: message.sampleRate, ...(message.expectation ? { expectation: message.expectation } : {}) });
  } catch (error) {
    send({ type: 'open-failed', id: message.id, error: serializeError(error) });
    return;
  } finally {
    opening.delete(message.id);
  }
  if (closedEarly.delete(message.id)) {
    stream.close();
    send({ type: 'opened', id: message.id });
    send({ type: 'done', id: message.id });
    return;
  }
  streams.set(message.id, { stream, sampleRate: message.sampleRate });
  send({ type: 'opened', id: message.id });
  try {
    for await (const event of stream) {
      send({ type: 'event', id: message.id, event: event.type === 'error' ? { type: 'error', error: serializeError(event.error) } : event });
    }
  } catch (error) {
    send({ type: 'event', id: message.id, event: { type: 'error', error: serializeError(error) } });
  }
  streams.delete(message.id);
  send({ type: 'done', id: message.id });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'open':
      void open(message);
      break;
    case 'push': {
      const open = streams.get(message.id);
      // The main thread checked the rate; a frame pushed after the stream ended is dropped, as the engine itself would.
      open?.stream.push({ samples: message.samples, sampleRate: open.sampleRate });
      break;
    }
    case 'end':
      streams.get(message.id)?.stream.end();
      break;
    case 'close': {
      const open = streams.get(message.id);
      if (open) open.stream.close();
      else if (opening.has(message.id)) closedEarly.add(message.id);
      break;
    }
  }
}

port.on('message', (messages: ToWorker[]) => {
  for (const message of messages) handle(message);
});
send({ type: 'ready' });

/**
 * Linux keeps a nice value per thread: this thread's id is the last part of /proc/thread-self. Raising it needs no
 * privilege.
 */
function lowerThisThreadsPriority(value: number): void {
  if (value === 0) return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, value);
  } catch {
    // No /proc, or the system refused: decoding still works, at the process's priority.
  }
}
