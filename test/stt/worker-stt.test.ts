// Speech-to-text on worker threads: the offline recogniser keeps its contract and its words across the thread boundary,
// errors keep their codes, and a worker that dies costs only the streams it carried.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isFrontdeskError } from '../../src/errors.ts';
import { createPocketSphinxStt } from '../../src/stt/pocketsphinx.ts';
import type { SpeechToText, SttStream, TranscriptEvent } from '../../src/stt/types.ts';
import { createWorkerStt } from '../../src/stt/worker-stt.ts';
import { callerUtterance, framesOf } from './caller-audio.ts';
import { runSttContract } from './contract.ts';

const names = ['smith', 'jones', 'garcia', 'okafor', 'nguyen', 'patel'];
const pocketsphinxModule = new URL('../../src/stt/pocketsphinx.ts', import.meta.url).href;
const echoModule = new URL('./echo-engine.ts', import.meta.url).href;

const onWorkers = (threads: number) =>
  createWorkerStt({ name: 'pocketsphinx', moduleUrl: pocketsphinxModule, exportName: 'createPocketSphinxStt', engineOptions: { names, blocking: true }, threads });

/** Nice value of each thread of this process (Linux /proc), by thread id. */
function threadNiceness(): Map<number, number> {
  const result = new Map<number, number>();
  for (const id of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    // Fields after the parenthesised name start at field 3 (state); nice is field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    result.set(Number(id), Number(fields[19 - 3]));
  }
  return result;
}

async function collect(stream: SttStream): Promise<TranscriptEvent[]> {
  const events: TranscriptEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

runSttContract('pocketsphinx on worker threads', {
  create: () => onWorkers(2),
  sample: async () => {
    const utterance = await callerUtterance('five five five zero one zero one two three four', { voice: 'en-us+klatt', sampleRate: 8000 });
    return { frames: framesOf(utterance), sampleRate: 8000, expectation: { slots: ['phone'] }, expectedWords: ['five', 'zero', 'four'] };
  },
});

describe('speech-to-text on worker threads', () => {
  const opened: SpeechToText[] = [];
  afterAll(() => Promise.all(opened.map((stt) => stt.close?.())));

  it('runs its workers at a lower priority than the event loop carrying the audio', async () => {
    const before = threadNiceness();
    const stt = await onWorkers(2);
    opened.push(stt);
    const utterance = await callerUtterance('my last name is smith', { voice: 'en-us+klatt', sampleRate: 8000 });
    const stream = await stt.open({ sampleRate: 8000, expectation: { slots: ['lastName'] } });
    const events = collect(stream);
    for (const frame of framesOf(utterance)) stream.push(frame);
    stream.end();
    expect((await events).find((event) => event.type === 'final')).toMatchObject({ type: 'final', text: 'my last name is smith', confidence: expect.any(Number) });
    const added = [...threadNiceness()].filter(([id]) => !before.has(id)).map(([, nice]) => nice);
    // Two workers at nice 10 (Node's own helper threads for them stay at 0); the process's main thread unchanged.
    expect(added.filter((nice) => nice === 10)).toHaveLength(2);
    expect(threadNiceness().get(process.pid)).toBe(before.get(process.pid));
  }, 60_000);
  const echo = async (threads: number) => {
    const stt = await createWorkerStt({ name: 'echo', moduleUrl: echoModule, exportName: 'createEchoStt', engineOptions: { label: 'heard' }, threads });
    opened.push(stt);
    return stt;
  };

  it('hears exactly what the in-process recogniser hears', async () => {
    const inProcess = createPocketSphinxStt({ names });
    const worker = await onWorkers(1);
    opened.push(inProcess, worker);
    const utterance = await callerUtterance('january fifteenth nineteen eighty five', { voice: 'en-us+klatt', sampleRate: 8000 });
    const finals = await Promise.all(
      [inProcess, worker].map(async (stt) => {
        const stream = await stt.open({ sampleRate: 8000, expectation: { slots: ['dateOfBirth'] } });
        const events = collect(stream);
        for (const frame of framesOf(utterance)) stream.push(frame);
        stream.end();
        return (await events).find((event) => event.type === 'final');
      }),
    );
    expect(finals[0]).toMatchObject({ type: 'final', text: 'january fifteenth nineteen eighty five' });
    expect(finals[1]).toEqual(finals[0]);
  }, 30000);

  it('carries many streams over two threads, each getting its own frames, rate and expectation, and the caller keeps its frames', async () => {
    const stt = await echo(2);
    const streams = await Promise.all(Array.from({ length: 6 }, (_, index) => stt.open({ sampleRate: 8000 + index * 1000, expectation: { slots: index % 2 ? ['phone'] : ['lastName'] } })));
    const results = streams.map(collect);
    const frames = streams.map((_, index) => Array.from({ length: 5 + index }, () => Int16Array.from({ length: 160 }, () => 100 + index)));
    streams.forEach((stream, index) => {
      for (const samples of frames[index] ?? []) stream.push({ samples, sampleRate: 8000 + index * 1000 });
      stream.end();
    });
    const finals = (await Promise.all(results)).map((events) => events.at(-1));
    finals.forEach((final, index) => {
      expect(final).toEqual({ type: 'final', text: `heard ${(5 + index) * 160} samples at ${8000 + index * 1000} first ${100 + index} slots ${index % 2 ? 'phone' : 'lastName'}`, confidence: 0.75 });
    });
    // Copies crossed the boundary: the frames pushed are still whole on this side.
    expect(frames[0]?.[0]?.length).toBe(160);
    expect(() => streams[0]?.push({ samples: new Int16Array(160), sampleRate: 16000 })).not.toThrow();
    const open = await stt.open({ sampleRate: 8000 });
    expect(() => open.push({ samples: new Int16Array(160), sampleRate: 16000 })).toThrow(/16000 Hz pushed to a 8000 Hz stream/);
    open.close();
  });

  it('rejects an open the engine refuses with the engine’s own error code', async () => {
    const stt = await echo(1);
    await expect(stt.open({ sampleRate: 4000 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'AUDIO_INVALID') && /4000 Hz/.test((error as Error).message));
  });

  it('fails a start the engine cannot make (missing packages) with its CONFIG_INVALID and install hint', async () => {
    const failure = createWorkerStt({
      name: 'pocketsphinx',
      moduleUrl: pocketsphinxModule,
      exportName: 'createPocketSphinxStt',
      engineOptions: { libraryPath: 'libpocketsphinx-not-installed.so.3' },
      threads: 1,
    });
    await expect(failure).rejects.toSatisfy((error) => isFrontdeskError(error, 'CONFIG_INVALID') && /apt-get install pocketsphinx/.test((error as Error).message));
  });

  it('ends the streams of a worker that dies with an error, and serves the next stream on a new worker', async () => {
    const stt = await echo(1);
    const running = await stt.open({ sampleRate: 8000 });
    const events = collect(running);
    running.push({ samples: new Int16Array(160), sampleRate: 8000 });
    await expect(stt.open({ sampleRate: 4444 })).rejects.toSatisfy((error) => isFrontdeskError(error, 'PROVIDER_FAILED'));
    const received = await events;
    expect(received.at(-1)).toMatchObject({ type: 'error' });
    expect(received.some((event) => event.type === 'final')).toBe(false);
    const next = await stt.open({ sampleRate: 8000 });
    const nextEvents = collect(next);
    next.push({ samples: new Int16Array(320), sampleRate: 8000 });
    next.end();
    expect((await nextEvents).at(-1)).toEqual({ type: 'final', text: 'heard 320 samples at 8000 first 0 slots none', confidence: 0.75 });
  });
});
