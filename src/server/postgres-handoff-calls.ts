// The Twilio hand-off map in the shared PostgreSQL: a call handed off on one instance is transferred by whichever instance Twilio's <Connect> action reaches.
import type { Database } from '../postgres/database.ts';
import type { Logger } from '../log.ts';
import { createHandoffCalls, defaultHandoffMemoryMs, type HandoffCalls } from './handoff-calls.ts';

export interface PostgresHandoffCallsOptions {
  database: Database;
  logger?: Logger;
  /** ms; default 5 minutes, on the database's clock so every instance expires entries alike. */
  memoryMs?: number;
}

/**
 * Writes through to the database and keeps the in-memory map as well: when the database cannot be read, the instance
 * that carried the call still transfers it. Expired rows are swept by every remember().
 */
export function createPostgresHandoffCalls(options: PostgresHandoffCallsOptions): HandoffCalls {
  const memoryMs = options.memoryMs ?? defaultHandoffMemoryMs;
  const local = createHandoffCalls({ memoryMs });
  const { database } = options;

  async function store(callSid: string): Promise<void> {
    // A few tries: the caller hears the hand-off line for seconds before Twilio asks for the action.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        await database.query(
          `WITH swept AS (DELETE FROM handoff_calls WHERE expires_at < now())
           INSERT INTO handoff_calls (call_sid, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
           ON CONFLICT (call_sid) DO UPDATE SET expires_at = excluded.expires_at`,
          [callSid, memoryMs],
        );
        return;
      } catch (error) {
        if (attempt === 4) options.logger?.warn({ code: (error as { code?: string }).code }, 'hand-off not shared: the database could not be written');
        else await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
  }

  return {
    remember(callSid) {
      local.remember(callSid);
      void store(callSid);
    },
    async isHandoff(callSid) {
      if (local.isHandoff(callSid)) return true;
      try {
        const { rowCount } = await database.query('SELECT 1 FROM handoff_calls WHERE call_sid = $1 AND expires_at > now()', [callSid]);
        return (rowCount ?? 0) > 0;
      } catch (error) {
        options.logger?.warn({ code: (error as { code?: string }).code }, 'hand-off lookup failed: the database could not be read');
        return false;
      }
    },
    get size() {
      return local.size;
    },
  };
}
