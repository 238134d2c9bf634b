import type { Report } from '../core/report.js';
import { linesText, reportLines } from './terminal-lines.js';

/** How the plain-text report is laid out. */
export interface TextOptions {
  /** Rule and check ids beside their words, and every app of a monorepo in full. @default false */
  verbose?: boolean;
  /** The window's width to wrap to; none for a pipe (a line per line). */
  columns?: number;
}

/** The plain-text report: no colour, no cursor movement (pipes, CI logs, NO_COLOR). */
export function renderText(report: Report, title = 'keyward doctor', { verbose = false, columns }: TextOptions = {}): string {
  return linesText(reportLines(report, { title, verbose }), columns);
}
