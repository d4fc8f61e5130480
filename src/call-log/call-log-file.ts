// A call log on disk: an append-only file of records, each encrypted on its own with AES-256-GCM under the recording key and bound to its file and position.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { close as closeFile, fsync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FrontdeskError } from '../errors.ts';

// File: magic "FDCL" | version (1 byte) | file id (16 random bytes), then records:
// length (uint32 BE, of what follows) | IV (12 bytes) | ciphertext | GCM tag (16 bytes).
// Each record's associated data is the file header and the record's index, so a record cannot be moved, reordered or
// spliced in from another call's log without failing its tag. A crash can only lose the tail: a reader stops there.
const magic = Buffer.from('FDCL', 'ascii');
const version = 1;
const fileIdBytes = 16;
const headerBytes = magic.length + 1 + fileIdBytes;
const ivBytes = 12;
const tagBytes = 16;

function assertKey(key: Uint8Array): void {
  if (key.byteLength !== 32) throw new FrontdeskError('CONFIG_INVALID', `the recording key must be 32 bytes (AES-256), got ${key.byteLength}`);
}

function associatedData(header: Buffer, index: number): Buffer {
  const position = Buffer.alloc(4);
  position.writeUInt32BE(index);
  return Buffer.concat([header, position]);
}

export interface CallLogFileWriter {
  /** Appends one record (a JSON value), in the kernel's hands when it returns. Throws if the file cannot be written. */
  append(record: unknown): void;
  /** Syncs to disk and closes; appends after it are refused. */
  close(): Promise<void>;
}

/**
 * Creates `path` (0600, in a 0700 directory) and returns a writer of encrypted records; nothing is on disk until the first
 * append. Each append is one synchronous write of a few hundred bytes (tens of µs): queued behind libuv's thread pool, a
 * write could still be waiting when the process dies (a server busy loading speech models held them for seconds), and a
 * call log is for exactly the call that was running then.
 */
export function createCallLogFile(path: string, key: Uint8Array): CallLogFileWriter {
  assertKey(key);
  const header = Buffer.concat([magic, Buffer.from([version]), randomBytes(fileIdBytes)]);
  let descriptor: number | undefined;
  let index = 0;
  let closed = false;

  const opened = (): number => {
    if (descriptor === undefined) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      descriptor = openSync(path, 'wx', 0o600);
      writeAll(descriptor, header);
    }
    return descriptor;
  };

  return {
    append(record) {
      if (closed) throw new FrontdeskError('CALL_LOG_UNREADABLE', 'the call log is closed', { retryable: false });
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(associatedData(header, index));
      index += 1;
      const body = Buffer.concat([iv, cipher.update(JSON.stringify(record), 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      // One write per record: a crash leaves whole records and at most one cut one at the end.
      writeAll(opened(), Buffer.concat([length, body]));
    },
    async close() {
      if (closed) return;
      closed = true;
      if (descriptor === undefined) return;
      const fd = descriptor;
      try {
        await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
      } finally {
        await new Promise<void>((resolve) => closeFile(fd, () => resolve()));
      }
    },
  };
}

function writeAll(descriptor: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(descriptor, bytes, offset, bytes.length - offset);
}

export interface CallLogFileContents {
  records: unknown[];
  /** True when the file ends in a cut record (the process stopped while writing); the records before it are whole. */
  truncated: boolean;
}

/**
 * Reads and decrypts a call log. Throws CALL_LOG_UNREADABLE naming the problem: not a call log, a wrong key (the first
 * record does not authenticate), or a record altered, moved or removed.
 */
export async function readCallLogFile(path: string, key: Uint8Array): Promise<CallLogFileContents> {
  assertKey(key);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FrontdeskError('CALL_LOG_UNREADABLE', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, retryable: false });
  }
  if (bytes.length < headerBytes || !bytes.subarray(0, magic.length).equals(magic)) {
    throw new FrontdeskError('CALL_LOG_UNREADABLE', `${path} is not a frontdesk call log`, { retryable: false });
  }
  if (bytes[magic.length] !== version) {
    throw new FrontdeskError('CALL_LOG_UNREADABLE', `${path} has call log version ${bytes[magic.length]}, this frontdesk reads version ${version}`, { retryable: false });
  }
  const header = bytes.subarray(0, headerBytes);
  const records: unknown[] = [];
  let offset = headerBytes;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) return { records, truncated: true };
    const length = bytes.readUInt32BE(offset);
    if (length < ivBytes + tagBytes || offset + 4 + length > bytes.length) return { records, truncated: true };
    const body = bytes.subarray(offset + 4, offset + 4 + length);
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, ivBytes));
    decipher.setAAD(associatedData(header, records.length));
    decipher.setAuthTag(body.subarray(body.length - tagBytes));
    let plaintext: string;
    try {
      plaintext = Buffer.concat([decipher.update(body.subarray(ivBytes, body.length - tagBytes)), decipher.final()]).toString('utf8');
    } catch (error) {
      const problem =
        records.length === 0
          ? 'does not decrypt with this key (the wrong recording key, or the file was altered)'
          : `record ${records.length + 1} does not authenticate (altered, moved or removed records)`;
      throw new FrontdeskError('CALL_LOG_UNREADABLE', `${path} ${problem}`, { cause: error, retryable: false });
    }
    records.push(JSON.parse(plaintext));
    offset += 4 + length;
  }
  return { records, truncated: false };
}
