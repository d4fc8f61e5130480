// A SpeechToText whose engine runs on worker threads: the offline recogniser's decoding, resampling, grammar compiling and
// decoder loading then use the machine's other cores and never stall the event loop that carries every call's audio.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FrontdeskError, type ErrorCode } from '../errors.ts';
import type { PcmFrame } from '../audio/types.ts';
import { silentLogger, type Logger } from '../log.ts';
import { EventQueue } from './event-queue.ts';
import type { SpeechToText, SttStream, SttStreamOptions, TranscriptEvent } from './types.ts';
import { MessageBatch, type SerializedError, type ToWorker, type FromWorker } from './worker-protocol.ts';

export interface WorkerSttOptions {
  /** Reported as the STT's name, e.g. "pocketsphinx". */
  name: string;
  /** file: URL of the module that builds the engine inside each worker. */
  moduleUrl: string;
  /** Its export: a function taking `engineOptions` and returning a SpeechToText (or a promise of one). */
  exportName: string;
  /** Passed to that function; must survive structured cloning (plain data). */
  engineOptions?: unknown;
  /** Worker threads, each with its own engine; a stream stays on one. Default: one per core, 1–4 (at `niceness`, they yield to the event loop). */
  threads?: number;
  /** Worker crashes and restarts (no audio, no transcripts). */
  logger?: Logger;
  /**
   * Nice value each worker thread runs at (Linux: per thread; 0 keeps the process's). Default 10: when the cores are
   * all busy, the event loop carrying every call's audio runs first and recognition waits, so overload shows as slower
   * replies, not as callers' audio falling behind.
   */
  niceness?: number;
}

/** Nice value of speech worker threads unless told otherwise. */
export const defaultSttNiceness = 10;

/** One speech worker per core, 1–4: they run at a lower priority than the event loop, so they take only the CPU it leaves. */
export function defaultSttThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Starts the workers and waits until each has built its engine; a failure there (missing packages) is thrown as the engine threw it. */
export async function createWorkerStt(options: WorkerSttOptions): Promise<SpeechToText> {
  const logger = options.logger ?? silentLogger();
  const threads = options.threads ?? defaultSttThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new FrontdeskError('CONFIG_INVALID', `speech-to-text worker threads must be a positive integer, got ${threads}`);
  const workers = await Promise.all(Array.from({ length: threads }, () => SttWorker.start(options, logger)));
  const replacing = new Map<number, Promise<SttWorker>>();
  let closed = false;
  return {
    name: options.name,
    async open(streamOptions) {
      if (closed) throw new FrontdeskError('PROVIDER_FAILED', `${options.name} speech-to-text is closed`);
      // The least busy worker; one that died is replaced here, so a crash costs the streams it carried and nothing after.
      let chosen = 0;
      for (let index = 1; index < workers.length; index += 1) if ((workers[index] as SttWorker).load < (workers[chosen] as SttWorker).load) chosen = index;
      let worker = workers[chosen] as SttWorker;
      if (worker.dead) {
        // One replacement per slot, however many streams open while it starts.
        let starting = replacing.get(chosen);
        if (!starting) {
          starting = SttWorker.start(options, logger).finally(() => replacing.delete(chosen));
          replacing.set(chosen, starting);
        }
        worker = await starting;
        workers[chosen] = worker;
      }
      return worker.open(streamOptions);
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function revive(error: SerializedError): Error {
  const revived = error.code ? new FrontdeskError(error.code as ErrorCode) : new FrontdeskError('PROVIDER_FAILED');
  revived.message = error.message;
  return revived;
}

/** One worker thread and the streams it carries. */
class SttWorker {
  dead = false;
  private nextId = 1;
  private readonly streams = new Map<number, WorkerStream>();
  private readonly opening = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly outbox: MessageBatch<ToWorker>;

  private constructor(
    private readonly worker: Worker,
    private readonly name: string,
    private readonly logger: Logger,
  ) {
    this.outbox = new MessageBatch((messages, transfer) => {
      if (!this.dead) this.worker.postMessage(messages, transfer);
    });
  }

  static start(options: WorkerSttOptions, logger: Logger): Promise<SttWorker> {
    const worker = new Worker(new URL('./stt-worker-entry.js', import.meta.url), {
      workerData: { moduleUrl: options.moduleUrl, exportName: options.exportName, engineOptions: options.engineOptions, niceness: options.niceness ?? defaultSttNiceness },
    });
    return new Promise((resolve, reject) => {
      // Only these listeners come off once it is up: removeAllListeners would also take Node's own, which keep the port open.
      const onError = (error: Error) => failed(new FrontdeskError('PROVIDER_FAILED', `${options.name} worker failed to start`, { cause: error }));
      const onExit = (code: number) => failed(new FrontdeskError('PROVIDER_FAILED', `${options.name} worker exited with code ${code} while starting`));
      const onMessage = ([message]: FromWorker[]) => {
        if (message?.type !== 'ready') {
          detach();
          void worker.terminate();
          reject(message?.type === 'failed' ? revive(message.error) : new FrontdeskError('PROVIDER_FAILED', `${options.name} worker sent ${message?.type} before it was ready`));
          return;
        }
        const started = new SttWorker(worker, options.name, logger);
        started.holdProcess();
        worker.on('message', (messages: FromWorker[]) => {
          for (const next of messages) started.receive(next);
        });
        worker.on('error', (error) => started.die(error));
        worker.on('exit', (code) => started.die(new Error(`exited with code ${code}`)));
        // After the new listeners are on: the message listener count never drops to zero, which would stop the port.
        detach();
        resolve(started);
      };
      const detach = () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const failed = (error: Error) => {
        detach();
        void worker.terminate();
        reject(error);
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.on('message', onMessage);
    });
  }

  /** An idle worker never keeps the process alive (the server's shutdown decides when it exits); one with streams does, like a socket would. */
  holdProcess(): void {
    if (this.load > 0) this.worker.ref();
    else this.worker.unref();
  }

  get load(): number {
    return this.dead ? Number.POSITIVE_INFINITY : this.streams.size + this.opening.size;
  }

  open(options: SttStreamOptions): Promise<SttStream> {
    if (this.dead) return Promise.reject(new FrontdeskError('PROVIDER_FAILED', `${this.name} worker is gone`));
    const id = this.nextId;
    this.nextId += 1;
    const opened = new Promise<void>((resolve, reject) => this.opening.set(id, { resolve, reject }));
    this.post({ type: 'open', id, sampleRate: options.sampleRate, ...(options.expectation ? { expectation: options.expectation } : {}) });
    const stream = new WorkerStream(this, id, options);
    this.streams.set(id, stream);
    this.holdProcess();
    return opened.then(
      () => {
        stream.watchAbort();
        return stream;
      },
      (error: unknown) => {
        this.forget(id);
        throw error;
      },
    );
  }

  post(message: ToWorker, transfer?: ArrayBuffer): void {
    if (!this.dead) this.outbox.add(message, transfer);
  }

  forget(id: number): void {
    this.streams.delete(id);
    this.holdProcess();
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    if (message.type === 'opened' || message.type === 'open-failed') {
      const waiting = this.opening.get(message.id);
      this.opening.delete(message.id);
      if (message.type === 'opened') waiting?.resolve();
      else waiting?.reject(revive(message.error));
      return;
    }
    if (message.type !== 'event' && message.type !== 'done') return;
    const stream = this.streams.get(message.id);
    if (!stream) return;
    if (message.type === 'event') {
      const event = message.event;
      stream.deliver(event.type === 'error' ? { type: 'error', error: revive(event.error) } : event);
    } else {
      this.forget(message.id);
      stream.finish();
    }
  }

  private die(error: unknown): void {
    if (this.dead) return;
    this.dead = true;
    this.logger.error({ err: error, stt: this.name, streams: this.streams.size }, 'speech-to-text worker died; its streams end with an error');
    const failure = new FrontdeskError('PROVIDER_FAILED', `${this.name} worker died`, { cause: error });
    for (const waiting of this.opening.values()) waiting.reject(failure);
    this.opening.clear();
    for (const stream of this.streams.values()) {
      stream.deliver({ type: 'error', error: failure });
      stream.finish();
    }
    this.streams.clear();
  }
}

/** The main thread's end of one stream: frames go to the worker, transcript events come back in order. */
class WorkerStream implements SttStream {
  private readonly events = new EventQueue<TranscriptEvent>();
  private state: 'listening' | 'ending' | 'closed' = 'listening';
  private readonly onAbort = () => this.close();

  constructor(
    private readonly worker: SttWorker,
    private readonly id: number,
    private readonly options: SttStreamOptions,
  ) {}

  watchAbort(): void {
    if (this.options.abortSignal?.aborted) this.close();
    else this.options.abortSignal?.addEventListener('abort', this.onAbort, { once: true });
  }

  push(frame: PcmFrame): void {
    if (this.state !== 'listening') return;
    if (frame.sampleRate !== this.options.sampleRate) {
      throw new FrontdeskError('AUDIO_INVALID', `frame at ${frame.sampleRate} Hz pushed to a ${this.options.sampleRate} Hz stream`);
    }
    // Copied: the caller keeps its frame (the turn detector holds on to it), the copy's memory moves to the worker.
    const samples = frame.samples.slice();
    this.worker.post({ type: 'push', id: this.id, samples }, samples.buffer as ArrayBuffer);
  }

  end(): void {
    if (this.state !== 'listening') return;
    this.state = 'ending';
    this.worker.post({ type: 'end', id: this.id });
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.worker.post({ type: 'close', id: this.id });
    this.worker.forget(this.id);
    this.events.abandon();
    this.options.abortSignal?.removeEventListener('abort', this.onAbort);
  }

  deliver(event: TranscriptEvent): void {
    this.events.push(event);
  }

  finish(): void {
    this.state = 'closed';
    this.events.finish();
    this.options.abortSignal?.removeEventListener('abort', this.onAbort);
  }

  [Symbol.asyncIterator](): AsyncIterator<TranscriptEvent> {
    return this.events[Symbol.asyncIterator]();
  }
}
