// The call log file: records encrypted one by one, readable up to a cut (a crash mid-write), refusing a wrong key and records moved between positions.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCallLogFile, readCallLogFile } from '../../src/call-log/call-log-file.ts';

const key = randomBytes(32);

async function written(records: unknown[]): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'frontdesk-call-log-')), 'day', 'call.calllog');
  const file = createCallLogFile(path, key);
  for (const record of records) file.append(record);
  await file.close();
  return path;
}

describe('call log file', () => {
  it('reads back every record in order, and keeps none of them in plaintext (file mode 0600)', async () => {
    const path = await written([{ said: 'my name is Smith' }, { tool: 'verifyPatient' }, { end: 'completed' }]);
    expect(await readCallLogFile(path, key)).toEqual({ records: [{ said: 'my name is Smith' }, { tool: 'verifyPatient' }, { end: 'completed' }], truncated: false });
    expect(readFileSync(path).includes('Smith')).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('has every whole record on disk as soon as it is appended, and reads a file cut mid-record up to the cut', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'frontdesk-call-log-')), 'call.calllog');
    const file = createCallLogFile(path, key);
    file.append({ n: 1 });
    file.append({ n: 2 });
    // No close: the process died here.
    expect(await readCallLogFile(path, key)).toEqual({ records: [{ n: 1 }, { n: 2 }], truncated: false });
    writeFileSync(path, readFileSync(path).subarray(0, statSync(path).size - 7));
    expect(await readCallLogFile(path, key)).toEqual({ records: [{ n: 1 }], truncated: true });
    await file.close();
  });

  it('refuses a wrong key at the first record, and records swapped in place', async () => {
    const path = await written([{ n: 1 }, { n: 2 }]);
    await expect(readCallLogFile(path, randomBytes(32))).rejects.toThrow(/does not decrypt with this key/);
    const bytes = readFileSync(path);
    const header = bytes.subarray(0, 21);
    const first = bytes.subarray(21, 21 + 4 + bytes.readUInt32BE(21));
    const second = bytes.subarray(21 + first.length);
    writeFileSync(path, Buffer.concat([header, second, first]));
    await expect(readCallLogFile(path, key)).rejects.toThrow(/wrong recording key, or the file was altered/);
  });
});
