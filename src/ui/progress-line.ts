import { ProgressBoard, type ProgressSink } from '../core/progress.js';
import type { OutStream } from '../core/io.js';
import { progressLines } from '../report/progress-text.js';

/** Redraws at most this often: at 10 a second the line costs nothing measurable. */
const REDRAW_MS = 100;

/** Where the lines go: drawn in place, and cleared without a trace. */
export interface LineDrawer {
  draw(lines: readonly string[]): void;
  clear(): void;
}

export interface ProgressTracker {
  /** Hand this to the services. */
  sink: ProgressSink;
  /** Where each step stands, for the line a Ctrl-C leaves. */
  board: ProgressBoard;
  /** No more redraws. */
  stop(): void;
}

/**
 * Keeps the board up to date from the events and, once `delayMs` has passed (a fast run shows
 * nothing), hands its lines to `drawer` at most every REDRAW_MS: on the next event (the event loop
 * may be busy scanning) or on a timer (it may be waiting on git). Without a drawer, only the board.
 */
export function trackProgress(opts: { clock: () => number; delayMs: number; drawer: ((lines: readonly string[]) => void) | null }): ProgressTracker {
  const board = new ProgressBoard();
  const { clock, drawer } = opts;
  const showFrom = clock() + opts.delayMs;
  let last = Number.NEGATIVE_INFINITY;
  let stopped = false;
  const paint = (now: number): void => {
    last = now;
    drawer?.(progressLines(board, now));
  };
  let interval: NodeJS.Timeout | undefined;
  const start = drawer
    ? setTimeout(() => {
        if (stopped) return;
        paint(clock());
        interval = setInterval(() => {
          const now = clock();
          if (now - last >= REDRAW_MS) paint(now);
        }, REDRAW_MS).unref();
      }, opts.delayMs).unref()
    : undefined;
  return {
    board,
    sink: (e) => {
      const now = clock();
      board.update(e, now);
      if (drawer && !stopped && now >= showFrom && now - last >= REDRAW_MS) paint(now);
    },
    stop: () => {
      stopped = true;
      clearTimeout(start);
      clearInterval(interval);
    },
  };
}

/** A line longer than the window wraps, and a wrapped line cannot be cleared by going up one line per line drawn. */
function fit(line: string, columns: number): string {
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
}

/** Draws the lines in place at the bottom of `out` (stderr), with cursor moves and erase codes only. */
export function terminalLines(out: OutStream): LineDrawer {
  let drawn = 0;
  let shown = '';
  const erase = (): string => `${drawn > 1 ? `\x1b[${drawn - 1}A` : ''}\r\x1b[J`;
  return {
    draw(lines) {
      const text = lines.map((l) => fit(l, out.columns ?? 80)).join('\n');
      if (text === shown) return;
      out.write(`${erase()}${text}`);
      shown = text;
      drawn = lines.length;
    },
    clear() {
      if (drawn === 0) return;
      out.write(erase());
      drawn = 0;
      shown = '';
    },
  };
}
