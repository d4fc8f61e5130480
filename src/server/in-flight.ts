// Work that must finish before the process exits (a turn writing to the EHR, a recording upload): tracked, then awaited at shutdown.

export interface InFlightWork {
  /** Registers work and returns it unchanged; it leaves the registry when it settles, however it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** How much tracked work is still pending. */
  size(): number;
  /** Resolves once nothing is pending, including work tracked while waiting. Never rejects. */
  settled(): Promise<void>;
}

export function createInFlightWork(): InFlightWork {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work) {
      const entry = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(entry);
      void entry.then(() => pending.delete(entry));
      return work;
    },
    size: () => pending.size,
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
