import type { Report } from '../core/report.js';

/** design.md's `keyward.report/v1` document, as printed by `--json`. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
