import type { Finding } from '../core/finding.js';
import { sortFindings, summarize, type Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';

/** Rules that say "no key here": in a deploy gate that is the runner's normal state, not a fault. */
const NO_KEY_RULES: ReadonlySet<string> = new Set(['missing.key', 'missing.empty']);

const CI_NOTE =
  ' In --ci a missing key is a note: CI runners rarely hold keys (they live in the deploy platform). Pass --require-keys, or set keyward.requireKeys, when this gate must have the key.';

/**
 * The deploy gate's view of missing keys (`doctor --ci`): each becomes a note unless the gate
 * needs the keys (`--require-keys` or the project's `requireKeys` setting); the summary and the
 * key check's status follow. Every other finding keeps its severity.
 */
export function gateMissingKeys(report: Report, opts: { requireKeys: boolean; failOn: Severity; notFatal?: ReadonlySet<string> }): Report {
  if (opts.requireKeys) return report;
  const noted = (f: Finding): Finding => (NO_KEY_RULES.has(f.rule) && f.severity !== 'info' ? { ...f, severity: 'info', detail: `${f.detail}${CI_NOTE}` } : f);
  const findings = sortFindings(report.findings.map(noted));
  const stillFailing = (app: string | undefined) => findings.some((f) => f.category === 'missing' && f.app === app && f.severity !== 'info');
  return {
    ...report,
    summary: summarize(findings, opts.failOn, opts.notFatal),
    checks: report.checks.map((c) => (c.id === 'keys.resolution' && c.status === 'fail' && !stillFailing(c.app) ? { ...c, status: 'pass' } : c)),
    findings,
  };
}
