/**
 * The open event streams, so that shutdown can end them: each stream registers how to stop
 * itself, and `closeAll` stops every one (their handlers then return and the responses end).
 */

export interface StreamRegistry {
  /** Registers a stream's stop; returns the unregister. */
  add(stop: () => void): () => void;
  /** Stops every open stream; new ones are refused from now on. */
  closeAll(): void;
  readonly closing: boolean;
  readonly size: number;
}

/**
 * A registry of open streams.
 *
 * @example const streams = createStreamRegistry(); const done = streams.add(() => stop());
 */
export function createStreamRegistry(): StreamRegistry {
  const open = new Set<() => void>();
  let closing = false;
  return {
    add(stop) {
      open.add(stop);
      return () => open.delete(stop);
    },
    closeAll() {
      closing = true;
      for (const stop of [...open]) stop();
      open.clear();
    },
    get closing() {
      return closing;
    },
    get size() {
      return open.size;
    },
  };
}
