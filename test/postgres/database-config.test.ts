// FRONTDESK_DATABASE_URL and FRONTDESK_INSTANCE_ID: unset keeps SQLite and files; a bad value stops the start naming the variable; the password never reaches the start-up line.
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { migrations } from '../../src/postgres/migrations.ts';

const base = { FRONTDESK_RECORDINGS: 'none', FRONTDESK_DATA_DIR: '/tmp/frontdesk-config-test' };

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (isFrontdeskError(error)) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted it');
}

describe('the shared database setting', () => {
  it('is off unless FRONTDESK_DATABASE_URL is set: SQLite and files as before', () => {
    const config = loadConfig(base);
    expect(config.database).toBeUndefined();
    expect(describeConfig(config).sharedState).toBe('sqlite and files');
  });

  it('takes a postgres:// URL, names the instance by host and port unless told, and masks the password in the start-up line', () => {
    const config = loadConfig({ ...base, PORT: '3100', FRONTDESK_DATABASE_URL: 'postgres://frontdesk:s3cret@db.internal:5432/frontdesk' });
    expect(config.database?.url).toBe('postgres://frontdesk:s3cret@db.internal:5432/frontdesk');
    expect(config.database?.instanceId).toMatch(/:3100$/);
    expect(String(describeConfig(config).sharedState)).not.toContain('s3cret');
    const named = loadConfig({ ...base, FRONTDESK_DATABASE_URL: 'postgresql://db/frontdesk', FRONTDESK_INSTANCE_ID: 'frontdesk-0' });
    expect(named.database?.instanceId).toBe('frontdesk-0');
  });

  it('refuses another scheme, a malformed URL or instance id, and an instance id without a database, naming the variable', () => {
    expect(configError({ FRONTDESK_DATABASE_URL: 'mysql://db/frontdesk' })).toContain('FRONTDESK_DATABASE_URL must be a postgres:// URL');
    expect(configError({ FRONTDESK_DATABASE_URL: 'not a url' })).toContain('FRONTDESK_DATABASE_URL');
    expect(configError({ FRONTDESK_DATABASE_URL: 'postgres://db/x', FRONTDESK_INSTANCE_ID: 'has spaces' })).toContain('FRONTDESK_INSTANCE_ID');
    expect(configError({ FRONTDESK_INSTANCE_ID: 'a' })).toContain('FRONTDESK_INSTANCE_ID is only used with FRONTDESK_DATABASE_URL');
  });

  it('numbers its migrations 1, 2, 3 … without gaps or repeats', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
  });
});
