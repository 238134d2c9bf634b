import type { FixResult, ManualStep, PlannedFix } from '../core/fix-plan.js';
import { terminalSafe } from './escape.js';
import { linesText, type Line } from './terminal-lines.js';

const text = (s: string): Line => ({ indent: 0, hang: 0, spans: [{ text: terminalSafe(s) }] });
/** `  • step`, its continuation rows under the step's first word. */
const bullet = (mark: string, s: string): Line => ({ indent: 2, hang: mark.length + 1, spans: [{ text: `${mark} ${terminalSafe(s)}` }] });

/** The plan: safe fixes (or what --dry-run would do), then the steps left to a person; wrapped to `columns` in a terminal. */
export function fixPlanText(fixes: readonly PlannedFix[], manual: readonly ManualStep[], dryRun: boolean, columns?: number): string {
  const out = [text('')];
  if (fixes.length) {
    out.push(text(dryRun ? `Would apply ${fixes.length} safe fix${fixes.length === 1 ? '' : 'es'} (--dry-run: nothing is changed):` : `Safe fixes (${fixes.length}):`));
    for (const f of fixes) out.push(bullet('•', f.describe));
  } else {
    out.push(text('No safe fixes to apply.'));
  }
  if (manual.length) {
    out.push(text(''), text('Left for you (keyward does not do these):'));
    for (const m of manual) out.push(bullet('•', m.step));
  }
  return linesText(out, columns);
}

/** What was done and what was skipped (with why), then the summary of the rerun; wrapped to `columns` in a terminal. */
export function fixResultsText(results: readonly FixResult[], summaryAfter: string, columns?: number): string {
  const out = [text('')];
  for (const r of results) {
    if (r.applied) out.push(bullet('✓', `${r.fix.describe}${r.note ? ` (${r.note})` : ''}`));
    else out.push(bullet('-', `skipped: ${r.fix.describe}: ${r.reason}`));
  }
  out.push(text(''), text(`After the fixes: ${summaryAfter}`));
  return linesText(out, columns);
}
