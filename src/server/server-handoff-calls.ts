// The one hand-off memory of a server: in process, or shared in PostgreSQL when instances share a database.
import { createHandoffCalls, type HandoffCalls } from './handoff-calls.ts';
import { createPostgresHandoffCalls } from './postgres-handoff-calls.ts';
import type { ServerContext } from './types.ts';

const byServer = new WeakMap<ServerContext, HandoffCalls>();

/** The one hand-off memory of a server: /twilio/media writes it, /twilio/after-stream reads it. */
export function handoffCallsOf(context: ServerContext): HandoffCalls {
  let calls = byServer.get(context);
  if (!calls) {
    // With FRONTDESK_DATABASE_URL the map is shared: Twilio's webhook may reach another instance than the media stream.
    const database = context.runtime.database;
    calls = database ? createPostgresHandoffCalls({ database, logger: context.logger }) : createHandoffCalls();
    byServer.set(context, calls);
  }
  return calls;
}
