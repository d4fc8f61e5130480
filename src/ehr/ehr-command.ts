// `frontdesk ehr check`: opens the configured EHR and prints what it can serve; exit 1 when it cannot serve a call, 2 on bad usage or configuration.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryAuditTrail } from '../audit/memory-audit-trail.ts';
import { createClock } from '../clock.ts';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { isFrontdeskError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { checkEhr, formatEhrCheck } from './ehr-check.ts';
import { openEhr } from './registry.ts';

const usage = 'usage: frontdesk ehr check [--now ISO-8601] [--json]';

export async function ehrCommand(argv: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`frontdesk ehr: ${message}\n`);
    return 2;
  };
  let values: { now?: string; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { now: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: true }));
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
  if (positionals.length !== 1 || positionals[0] !== 'check') return fail(usage);
  const overrides: ConfigOverrides = { FRONTDESK_RECORDINGS: 'none', ...(values.now ? { FRONTDESK_NOW: values.now } : {}) };
  let config;
  try {
    config = loadConfig(process.env, overrides);
  } catch (error) {
    if (isFrontdeskError(error)) return fail(error.message);
    throw error;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const clock = createClock({ timeZone: config.timeZone, ...(config.now ? { startAt: config.now } : {}) });
  let ehr;
  let database;
  try {
    mkdirSync(dirname(config.databaseFile), { recursive: true });
    // With FRONTDESK_DATABASE_URL the embedded EHR lives in PostgreSQL: that is the one checked.
    if (config.database) database = await (await import('../postgres/database.ts')).openDatabase({ url: config.database.url, logger });
    ehr = await openEhr(config, { clock, auditTrail: createMemoryAuditTrail({ clock }), logger, ...(database ? { database } : {}) });
  } catch (error) {
    await database?.close();
    if (isFrontdeskError(error) && error.code.startsWith('CONFIG_')) return fail(error.message);
    process.stdout.write(`EHR could not be opened: ${error instanceof Error ? error.message : String(error)}\ncan serve a call: NO\n`);
    return 1;
  }
  try {
    const report = await checkEhr(ehr, clock);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatEhrCheck(report));
    return report.canServeCalls ? 0 : 1;
  } finally {
    await ehr.close();
    await database?.close();
  }
}
