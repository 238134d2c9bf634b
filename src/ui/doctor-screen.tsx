import type { Report } from '../core/report.js';
import type { OutStream } from '../core/io.js';
import { DoctorView, Working } from './DoctorView.js';
import type { LineDrawer } from './progress-line.js';
import { openScreen } from './screen.js';

const LABEL = 'Checking keys…';

export interface DoctorScreen {
  /** The spinner names the steps under way (a progress line each); none: the doctor's own words. */
  lines: LineDrawer;
  finish(report: Report, opts: { verbose: boolean }): Promise<void>;
  /** Ctrl-C: the spinner goes, nothing is left on screen. */
  close(): Promise<void>;
}

/** The doctor in a terminal: a spinner while it works, then the report, printed once. */
export function openDoctorScreen(stdout: OutStream): DoctorScreen {
  const screen = openScreen(stdout, <Working label={LABEL} />);
  const columns = stdout.columns ?? 80;
  return {
    lines: {
      draw: (lines) => screen.show(<Working label={lines.length > 0 ? lines.map((l) => l.slice(0, columns - 3)).join('\n  ') : LABEL} />),
      clear: () => screen.show(<Working label={LABEL} />),
    },
    finish: (report, { verbose }) => screen.finish(<DoctorView report={report} columns={columns} verbose={verbose} />),
    close: () => screen.close(),
  };
}
