// `frontdesk audit verify` with no file and `frontdesk audit export`: the audit chain kept in the shared PostgreSQL (FRONTDESK_DATABASE_URL).
import { writeFileSync } from 'node:fs';
import { auditKeySetting } from '../config.ts';
import { isFrontdeskError } from '../errors.ts';
import { openDatabase } from '../postgres/database.ts';
import { chainProblemDescriptions } from './chain.ts';
import { readPostgresAuditLines, verifyPostgresAudit } from './postgres-audit-trail.ts';

export const databaseAuditUsage = 'usage: frontdesk audit verify (with FRONTDESK_DATABASE_URL) | frontdesk audit export [FILE] (JSON lines; stdout without FILE)';

/** Exit 0 intact (or exported), 1 tampered, 2 no database configured or reachable. */
export async function databaseAuditCommand(action: 'verify' | 'export', file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = env.FRONTDESK_DATABASE_URL?.trim();
  if (!url) {
    process.stderr.write(`frontdesk audit: FRONTDESK_DATABASE_URL is unset: give the audit FILE to verify, or set it to read the shared chain\n${databaseAuditUsage}\n`);
    return 2;
  }
  let keyHex: string | undefined;
  let database;
  try {
    keyHex = auditKeySetting(env);
    database = await openDatabase({ url });
  } catch (error) {
    process.stderr.write(`frontdesk audit: ${isFrontdeskError(error) ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    if (action === 'export') {
      const lines = await readPostgresAuditLines(database);
      const text = lines.map((line) => `${line}\n`).join('');
      if (file) writeFileSync(file, text, { mode: 0o600 });
      else process.stdout.write(text);
      if (file) process.stdout.write(`audit chain exported: ${lines.length} records to ${file}\n`);
      return 0;
    }
    const result = await verifyPostgresAudit(database, keyHex === undefined ? undefined : Buffer.from(keyHex, 'hex'));
    const counts = `${result.records} records, ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'}`;
    if (result.ok) {
      process.stdout.write(`audit chain in the database intact: ${counts}, MAC chain verified\n`);
      return 0;
    }
    process.stdout.write(`audit chain in the database tampered: ${counts}\n`);
    for (const found of result.problems) process.stdout.write(`record ${found.line}: ${found.problem}: ${chainProblemDescriptions[found.problem]}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
