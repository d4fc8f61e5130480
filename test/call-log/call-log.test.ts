// A call's log as the server keeps it: a spoken turn with its confidence, keypad digits, a silence and the hang-up, in order; the debug log holds none of it; the call replays.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCallLog } from '../../src/call-log/call-log.ts';
import { openCallRuntime } from '../../src/dialog/call-runtime.ts';
import { loadFlow } from '../../src/flow/catalogue.ts';
import { replayCall } from '../../src/flow/replay.ts';
import { createLogger } from '../../src/log.ts';
import { callLogSettings, withCallLogs } from '../../src/server/call-logs.ts';

describe('call log', () => {
  it('keeps what a voice caller said with its confidence, the keypad, a silence and the hang-up, in order, and none of it in the debug log', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'frontdesk-call-log-'));
    const debugLog = new PassThrough();
    let logged = '';
    debugLog.on('data', (chunk) => (logged += String(chunk)));
    const logger = createLogger({ level: 'debug', destination: debugLog });
    const runtime = await openCallRuntime({
      databaseFile: join(directory, 'ehr.sqlite'),
      auditFile: join(directory, 'audit.jsonl'),
      now: new Date('2026-12-01T09:00:00-05:00'),
      flow: await loadFlow('scheduling'),
      logger,
    });
    const key = randomBytes(32).toString('hex');
    const settings = callLogSettings(directory, key);
    const logging = withCallLogs(runtime, settings, logger);
    try {
      const session = logging.runtime.openSession();
      await session.start();
      await session.hear({ text: 'I want to book an appointment', confidence: 0.62 });
      await session.hear({ text: 'Smith', confidence: 0.91 });
      await session.hear({ dtmf: '01151985' });
      await session.silence();
      session.hangUp();
      await session.ended;
      await logging.whenIdle();

      // Filed under the clinic clock's date (UTC), as recordings are.
      const recording = await readCallLog(join(settings.directory, '2026', '12', '01', `${session.sessionId}.calllog`), Buffer.from(key, 'hex'));
      const heard = recording.entries.filter((entry) => ['caller', 'silence', 'hangup'].includes(entry.type));
      expect(heard).toMatchObject([
        { type: 'caller', text: 'I want to book an appointment', confidence: 0.62, event: { type: 'caller.spoke' } },
        { type: 'caller', text: 'Smith', confidence: 0.91 },
        { type: 'caller', dtmf: '01151985' },
        { type: 'silence', event: { type: 'caller.stayed_silent' } },
        { type: 'hangup', event: { type: 'caller.hung_up' } },
      ]);
      expect(recording.entries.at(-1)).toEqual({ type: 'end', reason: 'hangup' });
      expect(recording.complete).toBe(true);
      expect(logged).toContain(session.sessionId);
      expect(logged).not.toMatch(/Smith|01151985|book an appointment/);

      const replayed = await replayCall(runtime.flow, recording);
      expect(replayed.difference).toBeUndefined();
      expect(replayed.replayedTurns).toHaveLength(6);
    } finally {
      await runtime.close();
    }
  });
});
