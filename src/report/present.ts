import type { Category, CheckStatus, Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';

/** Checks and findings of one category. */
export interface CategoryGroup {
  category: Category;
  title: string;
  checks: Array<{ id: string; status: CheckStatus; note?: string }>;
  findings: Finding[];
}

/** What the text, Markdown and Ink views show, computed once from a report. */
export interface Presentation {
  /** One section for a project; for a monorepo one per app, then the repository-wide checks. */
  sections: Array<{ heading: string | null; groups: CategoryGroup[] }>;
  keys: Report['keys'];
  summary: string;
  failed: boolean;
}

const CATEGORY_TITLES: Record<Category, string> = {
  missing: 'Keys',
  exposure: 'Exposure',
  permission: 'Permissions',
  hygiene: 'Hygiene',
};

const CHECK_CATEGORY: Array<[RegExp, Category]> = [
  [/^keys\./, 'missing'],
  [/^exposure\./, 'exposure'],
  [/^permission\./, 'permission'],
  [/^hygiene\./, 'hygiene'],
];

/** Status symbols, the same in every view: ✓ pass, ✗ fail, ! error, - skipped. */
export const STATUS_SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', error: '!', skip: '-' };

/** Severity marks: problems (critical, high), warnings (medium, low), notes (info). */
export const SEVERITY_SYMBOL: Record<Severity, string> = { critical: '✖', high: '✖', medium: '▲', low: '▲', info: '●' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 problems, 1 warning, 1 note", or "No problems found" for a clean report. */
export function summaryLine(report: Report): string {
  const s = report.summary;
  const problems = s.critical + s.high;
  const warnings = s.medium + s.low;
  const parts = [problems ? plural(problems, 'problem') : '', warnings ? plural(warnings, 'warning') : '', s.info ? plural(s.info, 'note') : ''].filter(Boolean);
  const errored = report.checks.filter((c) => c.status === 'error').length;
  const errors = errored ? `; ${plural(errored, 'check')} could not run` : '';
  return parts.length ? `${parts.join(', ')}${errors}` : `No problems found${errors}`;
}

/** Checks and findings by category, in design.md's order. */
function byCategory(checks: Report['checks'], findings: readonly Finding[]): CategoryGroup[] {
  const categoryOf = (checkId: string): Category => CHECK_CATEGORY.find(([re]) => re.test(checkId))?.[1] ?? 'exposure';
  return (Object.keys(CATEGORY_TITLES) as Category[])
    .map((category) => ({
      category,
      title: CATEGORY_TITLES[category],
      checks: checks.filter((c) => categoryOf(c.id) === category).map((c) => ({ id: c.id, status: c.status, ...(c.note ? { note: c.note } : {}) })),
      findings: findings.filter((f) => f.category === category),
    }))
    .filter((g) => g.checks.length > 0 || g.findings.length > 0);
}

/** Groups the report for the views: by category, and for a monorepo by app first. */
export function present(report: Report): Presentation {
  const base = { keys: report.keys, summary: summaryLine(report), failed: report.summary.failed };
  if (!report.apps) return { ...base, sections: [{ heading: null, groups: byCategory(report.checks, report.findings) }] };
  const sections = report.apps.map((a) => ({
    heading: `${a.path === '.' ? 'the root' : a.path}: ${a.name}${a.framework === 'no known framework' ? '' : ` (${a.framework})`}${a.providers.length ? `, uses ${a.providers.map((p) => p.id).join(', ')}` : ''}`,
    groups: byCategory(report.checks.filter((c) => c.app === a.path), report.findings.filter((f) => f.app === a.path)),
  }));
  sections.push({ heading: 'Whole repository', groups: byCategory(report.checks.filter((c) => !c.app), report.findings.filter((f) => !f.app)) });
  return { ...base, sections: sections.filter((s) => s.groups.length > 0) };
}

/** `src/app.ts:3:17 (commit 1a2b3c4)`, or an empty string. */
export function formatLocation(f: Finding): string {
  const l = f.location;
  if (!l) return '';
  const pos = `${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}`;
  return l.commit ? `${pos} (commit ${l.commit.slice(0, 7)})` : pos;
}

/** The key a finding is about, as shown: redacted form and fingerprint. */
export function formatSecret(f: Finding): string {
  return f.secret ? `${f.secret.redacted} ${f.secret.fingerprint}${f.secret.active ? ' (in use)' : ''}` : '';
}

/** One line per winning key: `openai  OPENAI_API_KEY  .env  sk-proj-…abcd  sha256:…  project`. */
export function formatKey(k: Report['keys'][number]): string {
  const from = k.source === 'dotenv' ? k.file : k.source === 'keychain' ? `keychain ${k.account}` : 'environment';
  const shadows = k.shadows.length ? `, shadows ${k.shadows.map((s) => (s.source === 'dotenv' ? s.file : s.source)).join(', ')}` : '';
  return `${k.app ? `[${k.app}] ` : ''}${k.provider}: ${k.variable} from ${from}, ${k.redacted} ${k.fingerprint} (${k.kind}${shadows})`;
}
