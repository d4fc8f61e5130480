// The recording sink: at a call's end the recorder's WAV is stored, the key reported, and shutdown can wait for it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCallRecorder, type CallRecorder } from '../../src/recording/call-recorder.ts';
import { createLocalRecordingStore, readLocalRecording } from '../../src/recording/local-store.ts';
import { createRecordingSink, type RecordingStoredEvent } from '../../src/recording/recording-sink.ts';
import { withSpoolAndRetry } from '../../src/recording/spool-and-retry.ts';
import type { RecordingStore } from '../../src/recording/types.ts';
import { tone } from './read-wav.ts';

const startedAt = new Date(Date.UTC(2026, 10, 25, 16, 45, 0));
const key = randomBytes(32);
let directory: string;

async function recorderWithAudio(): Promise<CallRecorder> {
  const recorder = await openCallRecorder({ sampleRate: 16000, startedAtMs: startedAt.getTime(), inputSampleRates: [8000, 24000] });
  recorder.caller({ samples: tone(440, 8000, 8000), sampleRate: 8000 });
  recorder.agent({ samples: tone(660, 24000, 12000), sampleRate: 24000 }, startedAt.getTime() + 300);
  return recorder;
}

/** The local store, holding each put until `release()` (the unit under test is the sink, not the store). */
function gatedStore(store: RecordingStore): RecordingStore & { release(): void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    name: store.name,
    ping: () => store.ping(),
    put: async (recording) => {
      await gate;
      return store.put(recording);
    },
    release: () => release(),
  };
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'frontdesk-sink-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('createRecordingSink', () => {
  it('finishes the recorder, stores its WAV and reports the key for the audit trail', async () => {
    const events: RecordingStoredEvent[] = [];
    const sink = createRecordingSink({ store: createLocalRecordingStore({ directory, key }), onStored: (event) => void events.push(event) });
    const recorder = await recorderWithAudio();
    const stored = await sink.finishCall({ callId: 'call-42', recorder });
    const wav = recorder.finish();
    expect(events).toEqual([{ callId: 'call-42', key: 'recordings/2026/11/25/call-42.wav', bytes: wav.byteLength, store: 'local', spooled: false }]);
    expect(stored.key).toBe('recordings/2026/11/25/call-42.wav');
    expect(await readLocalRecording({ directory, key }, stored.key)).toEqual(wav);
  });

  it('lets shutdown wait for recordings still being stored', async () => {
    const store = gatedStore(createLocalRecordingStore({ directory, key }));
    const events: RecordingStoredEvent[] = [];
    const sink = createRecordingSink({ store, onStored: (event) => void events.push(event) });
    const storing = sink.finishCall({ callId: 'call-1', recorder: await recorderWithAudio() });
    void sink.finishCall({ callId: 'call-2', recorder: await recorderWithAudio() });
    expect(sink.pending().size).toBe(2);

    let idle = false;
    const idleWait = sink.whenIdle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);
    expect(events).toEqual([]);

    store.release();
    await idleWait;
    expect(sink.pending().size).toBe(0);
    expect(events.map((event) => event.callId).sort()).toEqual(['call-1', 'call-2']);
    await expect(storing).resolves.toMatchObject({ key: 'recordings/2026/11/25/call-1.wav' });
  });

  it('rejects the call’s recording when the store fails, reports nothing as stored, and still goes idle', async () => {
    const blocked = join(directory, 'a-file');
    await writeFile(blocked, 'not a directory');
    const events: RecordingStoredEvent[] = [];
    const sink = createRecordingSink({ store: createLocalRecordingStore({ directory: join(blocked, 'x'), key }), onStored: (event) => void events.push(event) });
    await expect(sink.finishCall({ callId: 'call-3', recorder: await recorderWithAudio() })).rejects.toMatchObject({ code: 'RECORDING_STORE_FAILED' });
    await sink.whenIdle();
    expect(sink.pending().size).toBe(0);
    expect(events).toEqual([]);
  });

  it('reports a spooled recording with its final key and spooled: true', async () => {
    const blocked = join(directory, 'a-file');
    await writeFile(blocked, 'not a directory');
    const store = withSpoolAndRetry(createLocalRecordingStore({ directory: join(blocked, 'x'), key }), {
      spoolDirectory: join(directory, 'spool'),
      key,
      retryDelaysMs: [600_000],
    });
    const events: RecordingStoredEvent[] = [];
    const sink = createRecordingSink({ store, onStored: (event) => void events.push(event) });
    await sink.finishCall({ callId: 'call-4', recorder: await recorderWithAudio() });
    store.close();
    expect(events).toEqual([expect.objectContaining({ callId: 'call-4', key: 'recordings/2026/11/25/call-4.wav', store: 'local+spool', spooled: true })]);
  });
});
