import type { ProgressBoard, ProgressEvent, StepState } from '../core/progress.js';

let numbers: Intl.NumberFormat | undefined;

/** `12,345`. The formatter is made on first use: starting ICU's number formatting costs 30-150 ms, and most runs draw no progress line. */
function count(n: number): string {
  numbers ??= new Intl.NumberFormat('en-US');
  return numbers.format(n);
}

function counted(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

function timeLeft(seconds: number): string {
  if (seconds >= 90) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.max(1, Math.round(seconds))} s left`;
}

/** The history's line: the walk with what it read so far, then the reading with its rate and, once the total is known, the time left. */
function historyLine(e: Extract<ProgressEvent, { step: 'history' }>, readingSinceMs: number | undefined, nowMs: number): string {
  const seconds = readingSinceMs === undefined ? 0 : (nowMs - readingSinceMs) / 1000;
  const rate = seconds > 0.2 ? `, ${megabytes(e.bytes / seconds)}/s` : '';
  if (!e.walked) return `Walking history… ${counted(e.commits, 'commit')}, ${counted(e.done, 'blob')} read${rate}`;
  const left = seconds > 0.2 && e.done > 0 ? `, ${timeLeft(((e.total - e.done) * seconds) / e.done)}` : '';
  return `Reading history… ${count(e.done)} / ${count(e.total)} blobs${rate}${left}`;
}

/** One step's line, as a person reads it in the terminal. */
export function stepLine(s: StepState, nowMs: number): string {
  const e = s.event;
  switch (e.step) {
    case 'listing':
      return e.files > 0 ? `Listing files… ${count(e.files)}` : 'Listing files…';
    case 'worktree':
      return `Reading the working tree… ${count(e.done)} / ${count(e.total)} files, ${megabytes(e.bytes)}`;
    case 'history':
      return historyLine(e, s.readingSinceMs, nowMs);
    case 'calls':
      return `Live calls… ${count(e.done)} / ${count(e.total)}`;
    case 'apps':
      return `Checking apps… ${count(e.done)} / ${count(e.total)}`;
  }
}

/** The lines to show now: the steps under way, at most the two that began last. */
export function progressLines(board: ProgressBoard, nowMs: number): string[] {
  return board
    .active()
    .slice(-2)
    .map((s) => stepLine(s, nowMs));
}

/** What a Ctrl-C left undone, as the one line keyward ends with. */
export function stoppedLine(e: ProgressEvent | null): string {
  const nothing = 'Nothing was changed.';
  if (!e) return `Stopped. ${nothing}`;
  switch (e.step) {
    case 'listing':
      return `Stopped: listing the files not finished. ${nothing}`;
    case 'worktree':
      return `Stopped: working tree scan not finished (${count(e.done)} of ${count(e.total)} files). ${nothing}`;
    case 'history':
      return e.walked
        ? `Stopped: history scan not finished (${count(e.done)} of ${count(e.total)} blobs read). ${nothing}`
        : `Stopped: history walk not finished (${counted(e.commits, 'commit')} walked, ${counted(e.done, 'blob')} read). ${nothing}`;
    case 'calls':
      return `Stopped: live calls not finished (${count(e.done)} of ${count(e.total)}). ${nothing}`;
    case 'apps':
      return `Stopped: app checks not finished (${count(e.done)} of ${count(e.total)} apps). ${nothing}`;
  }
}
