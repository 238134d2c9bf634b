/**
 * Where long work stands, as the services report it: the scanner (listing, working tree,
 * history), the live calls, the apps of a monorepo. Each event is the whole state of its step
 * (not a delta), so a reader can drop any of them and keep the last.
 */
export type ProgressEvent =
  /** git is listing the working tree's files; `files` is 0 until the list is in. */
  | { step: 'listing'; files: number }
  /** Files read of those listed, and their bytes. */
  | { step: 'worktree'; done: number; total: number; bytes: number }
  /**
   * The history: `commits` walked so far (`walked` once the walk ended), blobs read from cat-file
   * (`done`) of those the walk has asked for so far (`total`, final once `walked`), and their bytes.
   */
  | { step: 'history'; commits: number; walked: boolean; done: number; total: number; bytes: number }
  /** Live calls (the doctor's, `scan --verify`'s). */
  | { step: 'calls'; done: number; total: number }
  /** The apps of a monorepo, each checked on its own. */
  | { step: 'apps'; done: number; total: number };

export type ProgressStep = ProgressEvent['step'];

/** Where the services send their events; it must be cheap, as the scanner calls it for every chunk git writes. */
export type ProgressSink = (event: ProgressEvent) => void;

/** A step's latest event. */
export interface StepState {
  event: ProgressEvent;
  /** When the history's blob reading began: its rate (MB/s, time left) is counted from the first blob read. */
  readingSinceMs?: number;
}

/** True when the event says its step has nothing left to do. */
export function isFinished(e: ProgressEvent): boolean {
  switch (e.step) {
    case 'listing':
      return false;
    case 'history':
      return e.walked && e.done >= e.total;
    default:
      return e.done >= e.total;
  }
}

/**
 * The steps as the events left them, in the order they began. The listing is over once the
 * working tree's reading begins. Pure: the caller gives the time.
 */
export class ProgressBoard {
  readonly #steps = new Map<ProgressStep, StepState>();

  update(e: ProgressEvent, nowMs: number): void {
    const prior = this.#steps.get(e.step);
    if (prior) {
      prior.event = e;
      if (e.step === 'history' && e.done > 0) prior.readingSinceMs ??= nowMs;
      return;
    }
    if (e.step === 'worktree') this.#steps.delete('listing');
    this.#steps.set(e.step, { event: e, ...(e.step === 'history' && e.done > 0 ? { readingSinceMs: nowMs } : {}) });
  }

  /** The steps still under way, oldest first. */
  active(): StepState[] {
    return [...this.#steps.values()].filter((s) => !isFinished(s.event));
  }

  /** The step that began last among those not finished: what a stop interrupted. */
  unfinished(): ProgressEvent | null {
    const active = this.active();
    return active.length > 0 ? active[active.length - 1]!.event : null;
  }
}
