import type { Finding } from '../core/finding.js';
import type { OutStream } from '../core/io.js';
import { openScreen } from './screen.js';
import { TestCallsView, type TargetRow } from './TestCallsView.js';

/** `keyward test` in a terminal: the calls redrawn as they run, then the final rows printed once. */
export interface TestCallsScreen {
  show(rows: TargetRow[], findings: Finding[], summary: string | null): void;
  finish(rows: TargetRow[], findings: Finding[], summary: string): Promise<void>;
}

/** Opens the live view of the test calls on `stdout`. */
export function openTestCallsScreen(stdout: OutStream): TestCallsScreen {
  // Ink keeps the props it was given: each frame gets its own copies of the rows that change.
  const view = (rows: TargetRow[], findings: Finding[], summary: string | null) => (
    <TestCallsView targets={rows.map((r) => ({ ...r, calls: r.calls.map((c) => ({ ...c })) }))} findings={[...findings]} summary={summary} />
  );
  const screen = openScreen(stdout, view([], [], null));
  return {
    show: (rows, findings, summary) => screen.show(view(rows, findings, summary)),
    finish: (rows, findings, summary) => screen.finish(view(rows, findings, summary)),
  };
}
