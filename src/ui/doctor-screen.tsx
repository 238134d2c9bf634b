import type { Report } from '../core/report.js';
import type { OutStream } from '../core/io.js';
import { DoctorView, Working } from './DoctorView.js';
import { openScreen } from './screen.js';

/** The doctor in a terminal: a spinner while it works, then the report, printed once. */
export function openDoctorScreen(stdout: OutStream): { finish(report: Report, opts: { verbose: boolean }): Promise<void> } {
  const screen = openScreen(stdout, <Working label="Checking keys…" />);
  return {
    finish: (report, { verbose }) => screen.finish(<DoctorView report={report} columns={stdout.columns ?? 80} verbose={verbose} />),
  };
}
