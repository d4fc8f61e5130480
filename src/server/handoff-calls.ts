// Twilio calls whose session ended in a hand-off, by CallSid, remembered for a few minutes so the <Connect> action that follows the stream can transfer them.
import type { EndReason } from '../flow/types.ts';

/** End reasons whose last line tells the caller they are being put through to staff: a hand-off, and a lockout ("Please hold while I transfer you"). */
export function endsInTransfer(reason: string): reason is Extract<EndReason, 'handoff' | 'lockout'> {
  return reason === 'handoff' || reason === 'lockout';
}

/** How long a hand-off is remembered, ms: Twilio requests the action as soon as the stream closes, so minutes is ample. */
export const defaultHandoffMemoryMs = 5 * 60_000;
/** Most hand-offs remembered at once; past it the oldest is forgotten first. */
export const defaultMaxHandoffs = 10_000;

export interface HandoffCalls {
  /** The call with this Twilio CallSid ended in a hand-off. */
  remember(callSid: string): void;
  /** True while a hand-off of this call is remembered (not yet forgotten by age or by the size bound); a shared map answers asynchronously. */
  isHandoff(callSid: string): boolean | Promise<boolean>;
  /** Entries held now, expired ones included until the next remember() sweeps them. */
  readonly size: number;
}

export interface HandoffCallsOptions {
  /** ms; default 5 minutes. */
  memoryMs?: number;
  /** Default 10,000. */
  maxEntries?: number;
  /** Monotonic ms; default performance.now(). */
  nowMs?: () => number;
}

export function createHandoffCalls(options: HandoffCallsOptions = {}): HandoffCalls & { isHandoff(callSid: string): boolean } {
  const memoryMs = options.memoryMs ?? defaultHandoffMemoryMs;
  const maxEntries = options.maxEntries ?? defaultMaxHandoffs;
  const nowMs = options.nowMs ?? (() => performance.now());
  // Insertion order is age order: every entry lives equally long, so the first ones expire first.
  const rememberedAt = new Map<string, number>();

  const forgetExpired = (now: number) => {
    for (const [callSid, at] of rememberedAt) {
      if (now - at < memoryMs) break;
      rememberedAt.delete(callSid);
    }
  };

  return {
    remember(callSid) {
      const now = nowMs();
      forgetExpired(now);
      rememberedAt.delete(callSid);
      rememberedAt.set(callSid, now);
      while (rememberedAt.size > maxEntries) rememberedAt.delete(rememberedAt.keys().next().value!);
    },
    isHandoff(callSid) {
      const at = rememberedAt.get(callSid);
      return at !== undefined && nowMs() - at < memoryMs;
    },
    get size() {
      return rememberedAt.size;
    },
  };
}
