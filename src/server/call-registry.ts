// The calls this server has open, each with a way to hang up its transport; shutdown hangs them all up.

export interface OpenCall {
  sessionId: string;
  /** Which endpoint carries the call, e.g. "text", "call", "twilio". */
  transport: string;
  /** Ends the call from the server side: closes the transport, which hangs the session up. */
  hangUp(): void;
}

export interface CallRegistry {
  /** Registers an open call; the returned function removes it (call it when the transport closes). */
  add(call: OpenCall): () => void;
  size(): number;
  /** Hangs up every open call; used at shutdown. */
  hangUpAll(): void;
}

export function createCallRegistry(): CallRegistry {
  const calls = new Set<OpenCall>();
  return {
    add(call) {
      calls.add(call);
      return () => calls.delete(call);
    },
    size: () => calls.size,
    hangUpAll() {
      for (const call of [...calls]) call.hangUp();
    },
  };
}
