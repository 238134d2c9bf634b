import { cancelled } from './errors.js';

/** Stops at Ctrl-C: rejects with a `cancelled` error once `interrupt` is aborted. */
export function untilInterrupted<T>(work: Promise<T>, interrupt: AbortSignal | undefined): Promise<T> {
  if (!interrupt) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (interrupt.aborted) onAbort();
    interrupt.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => interrupt.removeEventListener('abort', onAbort));
  });
}

/** What `interruptible` gives a wizard for the time before it changes anything. */
export interface BeforeChanges {
  /** `work`, or a `cancelled` error as soon as Ctrl-C comes. */
  race<T>(work: Promise<T>): Promise<T>;
  /** While `work` runs, a view that shows progress takes Ctrl-C over (it erases its progress before the cancelled error). */
  viewOwns<T>(work: () => Promise<T>): Promise<T>;
  release(): void;
}

/**
 * Ctrl-C outside a prompt (the prompts turn it into a `cancelled` error themselves), for setup and
 * rotate. Until the changes begin it ends the wizard at once, since nothing was written; the
 * test-calls view takes it over while its progress is on screen, so the progress is erased before
 * the message.
 */
export function beforeChanges(interrupt: AbortSignal | undefined): BeforeChanges {
  let viewOwns = false;
  let stop: (e: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => undefined);
  const onAbort = () => {
    if (!viewOwns) stop(cancelled());
  };
  interrupt?.addEventListener('abort', onAbort);
  return {
    race: <T>(work: Promise<T>): Promise<T> => Promise.race([work, stopped]),
    async viewOwns<T>(work: () => Promise<T>): Promise<T> {
      viewOwns = true;
      try {
        return await work();
      } finally {
        viewOwns = false;
        if (interrupt?.aborted) stop(cancelled());
      }
    },
    release: () => interrupt?.removeEventListener('abort', onAbort),
  };
}
