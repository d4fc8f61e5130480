// The audit key: from FRONTDESK_AUDIT_KEY (passed in by config), else a 0600 key file beside the audit trail, generated when new.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { FrontdeskError } from '../errors.ts';
import type { AuditKey } from './chain.ts';

const hexKey = /^[0-9a-fA-F]{64}$/;

/** The key file used when FRONTDESK_AUDIT_KEY is unset: `audit.key` in the audit file's directory. */
export function defaultAuditKeyFile(auditFile: string): string {
  return join(dirname(auditFile), 'audit.key');
}

/** Where the signed checkpoints of an audit file go: `audit.jsonl` → `audit.checkpoints.jsonl`, beside it. */
export function defaultCheckpointFile(auditFile: string): string {
  const name = basename(auditFile);
  const stem = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : name;
  return join(dirname(auditFile), `${stem}.checkpoints.jsonl`);
}

export interface AuditKeySource {
  /** 64 hex characters (FRONTDESK_AUDIT_KEY); wins over the file. */
  keyHex?: string;
  /** Key file read (or, with `create`, generated 0600) when no hex key is given. */
  keyFile: string;
  /** Generate the key file when it does not exist (a trail being written); verification never creates one. */
  create: boolean;
}

/** Loads the audit key; a malformed key or a missing file (without `create`) is a CONFIG_INVALID naming FRONTDESK_AUDIT_KEY. */
export function loadAuditKey(source: AuditKeySource): { key: AuditKey; source: 'environment' | 'file' | 'generated' } {
  if (source.keyHex !== undefined) {
    if (!hexKey.test(source.keyHex)) throw new FrontdeskError('CONFIG_INVALID', 'FRONTDESK_AUDIT_KEY must be 64 hexadecimal characters (a 256-bit HMAC key)');
    return { key: Buffer.from(source.keyHex, 'hex'), source: 'environment' };
  }
  const readKeyFile = (): AuditKey => {
    const stored = readFileSync(source.keyFile, 'utf8').trim();
    if (!hexKey.test(stored)) throw new FrontdeskError('CONFIG_INVALID', `FRONTDESK_AUDIT_KEY is unset and ${source.keyFile} does not hold 64 hexadecimal characters`);
    if ((statSync(source.keyFile).mode & 0o077) !== 0) chmodSync(source.keyFile, 0o600);
    return Buffer.from(stored, 'hex');
  };
  try {
    return { key: readKeyFile(), source: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!source.create) {
      throw new FrontdeskError('CONFIG_INVALID', `no audit key: FRONTDESK_AUDIT_KEY is unset and ${source.keyFile} does not exist`, { cause: error });
    }
  }
  mkdirSync(dirname(source.keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    // "wx": two processes starting at once must not each write a different key.
    writeFileSync(source.keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(source.keyFile, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: readKeyFile(), source: 'file' };
    throw error;
  }
  return { key, source: 'generated' };
}
