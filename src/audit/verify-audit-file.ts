// Verifies an audit file end to end with its key and signed checkpoints: the MAC chain of every segment, each checkpoint, every call_ended's call_started.
import { readFileSync } from 'node:fs';
import { defaultAuditKeyFile, defaultCheckpointFile, loadAuditKey } from './audit-key.ts';
import { verifyTrail, type AuditKey, type TrailVerification } from './chain.ts';
import { readCheckpointFile } from './file-audit-trail.ts';

export type AuditVerification = TrailVerification;

export interface VerifyAuditFileOptions {
  key?: AuditKey;
  /** FRONTDESK_AUDIT_KEY (64 hex); else the key file. */
  keyHex?: string;
  /** Default `audit.key` beside the audit file. */
  keyFile?: string;
  /** Default `<name>.checkpoints.jsonl` beside the audit file; a missing file means no checkpoints. */
  checkpointFile?: string;
}

/** Throws CONFIG_INVALID when no key can be found (a verifier never generates one). */
export function verifyAuditFile(path: string, options: VerifyAuditFileOptions = {}): AuditVerification {
  const key =
    options.key ??
    loadAuditKey({ ...(options.keyHex !== undefined ? { keyHex: options.keyHex } : {}), keyFile: options.keyFile ?? defaultAuditKeyFile(path), create: false }).key;
  const checkpoints = readCheckpointFile(options.checkpointFile ?? defaultCheckpointFile(path));
  return verifyAuditText(readFileSync(path, 'utf8'), key, checkpoints);
}

/** Same check over the file's text (one record per line; a final newline is expected, a missing one is a half-written line). */
export function verifyAuditText(text: string, key: AuditKey, checkpoints: readonly unknown[] = []): AuditVerification {
  if (text.length === 0) return verifyTrail([], checkpoints, key);
  const complete = text.endsWith('\n');
  const lines = (complete ? text.slice(0, -1) : text).split('\n');
  const records = lines.map((line, index) => {
    if (!complete && index === lines.length - 1) return undefined;
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return undefined;
    }
  });
  return verifyTrail(records, checkpoints, key);
}
