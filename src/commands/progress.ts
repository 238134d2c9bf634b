import { performance } from 'node:perf_hooks';
import { cancelled } from '../core/errors.js';
import type { ProgressSink } from '../core/progress.js';
import type { Deps } from '../deps.js';
import type { GitRunner } from '../git/git.js';
import { stoppedLine } from '../report/progress-text.js';
import { terminalLines, trackProgress, type LineDrawer } from '../ui/progress-line.js';

/** How long work runs before its progress shows, unless KEYWARD_PROGRESS_DELAY_MS says otherwise (tests set 0). */
const DEFAULT_DELAY_MS = 500;

/** What the work gets: where to report, and a stop that also reaches its git processes. */
export interface Watch {
  progress: ProgressSink;
  signal: AbortSignal;
  /** deps.git, killed on stop. */
  git: GitRunner;
}

/**
 * A person watches: stderr and stdout are a terminal (so `--json` into a pipe shows nothing),
 * stdin too, no CI, no NO_COLOR or --no-color (deps.terminal says both), and no --quiet.
 */
export function progressWanted(deps: Deps, quiet: boolean | undefined): boolean {
  return !quiet && deps.terminal.rich && deps.terminal.interactive && Boolean(deps.stderr.isTTY);
}

function delayMs(deps: Deps): number {
  const n = Number(deps.env.KEYWARD_PROGRESS_DELAY_MS);
  return deps.env.KEYWARD_PROGRESS_DELAY_MS && Number.isFinite(n) && n >= 0 ? n : DEFAULT_DELAY_MS;
}

/**
 * Runs `work` with its progress drawn on `view` and Ctrl-C taken over: a stop
 * kills the work's git processes, clears the drawing, and rejects with a `cancelled` error that
 * says what was not finished (exit 130).
 */
export async function watched<T>(deps: Deps, view: ProgressView, work: (w: Watch) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const { lines, close } = view;
  const tracker = trackProgress({ clock: () => performance.now(), delayMs: delayMs(deps), drawer: lines ? (l) => lines.draw(l) : null });
  let stop: (e: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  const release = deps.trapSignals(['SIGINT'], () => {
    if (abort.signal.aborted) return;
    abort.abort();
    tracker.stop();
    lines?.clear();
    const message = stoppedLine(tracker.board.unfinished());
    void (close?.() ?? Promise.resolve()).then(() => stop(cancelled(message)));
  });
  const signal = abort.signal;
  const git: GitRunner = (args, o) => deps.git(args, { ...o, signal });
  const job = work({ progress: tracker.sink, signal, git });
  // After a stop the work fails on its own (killed git, aborted scan); nobody waits for it any more.
  job.catch(() => undefined);
  // The stop wins over work that ended because of it: killed git fails a scan, and the doctor turns
  // that failure into a report with a gap, both often before the screen has closed.
  try {
    const result = await Promise.race([job, stopped]);
    if (abort.signal.aborted) await stopped;
    return result;
  } catch (e) {
    if (abort.signal.aborted) await stopped;
    throw e;
  } finally {
    release();
    tracker.stop();
    lines?.clear();
  }
}

/** Where progress shows (none: only the line a Ctrl-C leaves), and what a Ctrl-C must take off the screen first. */
export interface ProgressView {
  lines?: LineDrawer;
  close?: () => Promise<void>;
}

/** The stderr progress line, when a person watches. */
export function stderrProgress(deps: Deps, quiet: boolean | undefined): ProgressView {
  return progressWanted(deps, quiet) ? { lines: terminalLines(deps.stderr) } : {};
}
