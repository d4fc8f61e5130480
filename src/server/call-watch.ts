// The live calls a watcher (the playground's "Watch") may follow: each call's id, transport and flow, and its call-machine and turn-taking states as they change. Never anything a caller said or gave.
/** One live call as a watcher sees it. */
export interface WatchedCallSummary {
  /** The session id: a random UUID, not the caller's number or Twilio's CallSid. */
  callId: string;
  /** Which endpoint carries the call: "twilio", "call" (/ws/call), "text". */
  transport: string;
  /** The name of the flow it runs (which statechart to draw). */
  flow: string;
  /** Epoch ms when the call opened. */
  startedAtMs: number;
}

/** What a watcher is sent: the call list on every change, then the chosen call's states (dotted paths joined with "+"), epoch ms. */
export type WatchMessage =
  | { type: 'calls'; calls: WatchedCallSummary[] }
  | { type: 'state'; callId: string; value: string; atMs: number }
  | { type: 'turn-state'; callId: string; value: string; atMs: number }
  | { type: 'ended'; callId: string; atMs: number }
  | { type: 'error'; message: string };

/** A call's side of the watch: the route carrying it reports state changes and the end. */
export interface WatchedCall {
  /** The call machine's state path (session `state` event). */
  state(value: string): void;
  /** The turn-taking machine's leaf paths (VoiceCall `turn-state` event). */
  turnState(value: string): void;
  /** The call is over; idempotent. */
  end(): void;
}

export interface CallWatch {
  /** Lists a call from now until `end()`. */
  add(call: Omit<WatchedCallSummary, 'startedAtMs'>): WatchedCall;
  list(): WatchedCallSummary[];
  /** Called with the new list whenever a call opens or ends; returns an unsubscribe function. */
  onCalls(listener: (calls: WatchedCallSummary[]) => void): () => void;
  /**
   * Follows one call: `listener` gets its latest states at once, then each change and its end. Undefined when no such call
   * is live. Returns an unsubscribe function.
   */
  follow(callId: string, listener: (message: Extract<WatchMessage, { callId: string }>) => void): (() => void) | undefined;
}

interface LiveEntry {
  summary: WatchedCallSummary;
  state?: { value: string; atMs: number };
  turnState?: { value: string; atMs: number };
  followers: Set<(message: Extract<WatchMessage, { callId: string }>) => void>;
}

export function createCallWatch(options: { nowMs?: () => number } = {}): CallWatch {
  const nowMs = options.nowMs ?? Date.now;
  const calls = new Map<string, LiveEntry>();
  const listListeners = new Set<(calls: WatchedCallSummary[]) => void>();
  const list = () => [...calls.values()].map((entry) => entry.summary);
  const announce = () => {
    const current = list();
    for (const listener of listListeners) listener(current);
  };
  const tell = (entry: LiveEntry, message: Extract<WatchMessage, { callId: string }>) => {
    for (const follower of entry.followers) follower(message);
  };

  return {
    add(call) {
      const entry: LiveEntry = { summary: { ...call, startedAtMs: nowMs() }, followers: new Set() };
      calls.set(call.callId, entry);
      announce();
      let ended = false;
      return {
        state(value) {
          if (ended || entry.state?.value === value) return;
          entry.state = { value, atMs: nowMs() };
          tell(entry, { type: 'state', callId: call.callId, ...entry.state });
        },
        turnState(value) {
          if (ended || entry.turnState?.value === value) return;
          entry.turnState = { value, atMs: nowMs() };
          tell(entry, { type: 'turn-state', callId: call.callId, ...entry.turnState });
        },
        end() {
          if (ended) return;
          ended = true;
          calls.delete(call.callId);
          tell(entry, { type: 'ended', callId: call.callId, atMs: nowMs() });
          entry.followers.clear();
          announce();
        },
      };
    },
    list,
    onCalls(listener) {
      listListeners.add(listener);
      return () => listListeners.delete(listener);
    },
    follow(callId, listener) {
      const entry = calls.get(callId);
      if (!entry) return undefined;
      if (entry.state) listener({ type: 'state', callId, ...entry.state });
      if (entry.turnState) listener({ type: 'turn-state', callId, ...entry.turnState });
      entry.followers.add(listener);
      return () => entry.followers.delete(listener);
    },
  };
}
