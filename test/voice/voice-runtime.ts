// The call runtime the voice tests talk to: a seeded SQLite EHR and an audit file in fresh temp directories, the clinic's clock fixed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCallRuntime, type CallRuntime } from '../../src/dialog/call-runtime.ts';
import { silentLogger } from '../../src/log.ts';

export function openVoiceTestRuntime(prefix: string): Promise<CallRuntime> {
  return openCallRuntime({
    databaseFile: join(mkdtempSync(join(tmpdir(), prefix)), 'ehr.db'),
    auditFile: join(mkdtempSync(join(tmpdir(), prefix)), 'audit.jsonl'),
    now: new Date('2026-12-01T09:00:00-05:00'),
    logger: silentLogger(),
  });
}
