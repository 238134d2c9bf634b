import type { FixResult, ManualStep, PlannedFix } from '../fix/types.js';
import { terminalSafe } from './escape.js';

/** The plan: safe fixes (or what --dry-run would do), then the steps left to a person. */
export function fixPlanText(fixes: readonly PlannedFix[], manual: readonly ManualStep[], dryRun: boolean): string {
  const out = [''];
  if (fixes.length) {
    out.push(dryRun ? `Would apply ${fixes.length} safe fix${fixes.length === 1 ? '' : 'es'} (--dry-run: nothing is changed):` : `Safe fixes (${fixes.length}):`);
    for (const f of fixes) out.push(`  • ${f.describe}`);
  } else {
    out.push('No safe fixes to apply.');
  }
  if (manual.length) {
    out.push('', 'Left for you (keyward does not do these):');
    for (const m of manual) out.push(`  • ${m.step}`);
  }
  return `${out.map(terminalSafe).join('\n')}\n`;
}

/** What was done and what was skipped (with why), then the summary of the rerun. */
export function fixResultsText(results: readonly FixResult[], summaryAfter: string): string {
  const out = [''];
  for (const r of results) {
    if (r.applied) out.push(`  ✓ ${r.fix.describe}${r.note ? ` (${r.note})` : ''}`);
    else out.push(`  - skipped: ${r.fix.describe}: ${r.reason}`);
  }
  out.push('', `After the fixes: ${summaryAfter}`);
  return `${out.map(terminalSafe).join('\n')}\n`;
}
