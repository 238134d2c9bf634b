import type { Category, CheckStatus, Finding } from '../core/finding.js';
import type { AppReport, Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';

/** Checks and findings of one category. */
export interface CategoryGroup {
  category: Category;
  title: string;
  checks: Array<{ id: string; status: CheckStatus; note?: string }>;
  findings: Finding[];
}

/** One part of the report: the project, one app of a monorepo, or the repository-wide checks. */
export interface Section {
  /** The app this section is about; null for a single project and for the repository-wide checks. */
  app: AppReport | null;
  heading: string | null;
  groups: CategoryGroup[];
  /** Nothing to report here: the views may show the section as one line. */
  quiet: boolean;
}

/** What the text, Markdown and Ink views show, computed once from a report. */
export interface Presentation {
  /** What keyward thinks the project at the root is; null for reports without one (`scan`). */
  project: AppReport | null;
  /** The apps of a monorepo, all of them (quiet ones too); empty for a single project. */
  apps: AppReport[];
  /** One section for a project; for a monorepo one per app with something to report, then the repository-wide checks. */
  sections: Section[];
  /** Monorepo apps with nothing to report, collapsed to their folders (empty with `verbose`). */
  quiet: string[];
  /** The winning keys, one line each; one key from the same place for many apps is one line (`in 30 apps`). */
  keys: string[];
  summary: string;
  failed: boolean;
  verbose: boolean;
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

/** A section says nothing when no finding is in it and no check failed or could not run. */
function isQuiet(groups: readonly CategoryGroup[]): boolean {
  return groups.every((g) => g.findings.length === 0 && g.checks.every((c) => c.status === 'pass' || c.status === 'skip'));
}

/**
 * Groups the report for the views: by category, and for a monorepo by app first. Apps with nothing
 * to report collapse to their folder names unless `verbose`.
 */
export function present(report: Report, { verbose = false }: { verbose?: boolean } = {}): Presentation {
  const base = { project: report.project ?? null, keys: keyLines(report.keys), summary: summaryLine(report), failed: report.summary.failed, verbose };
  if (!report.apps) return { ...base, apps: [], quiet: [], sections: [{ app: null, heading: null, groups: byCategory(report.checks, report.findings), quiet: false }] };
  const sections: Section[] = [];
  const quiet: string[] = [];
  for (const app of report.apps) {
    const groups = byCategory(report.checks.filter((c) => c.app === app.path), report.findings.filter((f) => f.app === app.path));
    const silent = isQuiet(groups);
    if (silent && !verbose) quiet.push(app.path);
    else sections.push({ app, heading: appTitle(app), groups, quiet: silent });
  }
  const repository = byCategory(report.checks.filter((c) => !c.app), report.findings.filter((f) => !f.app));
  if (repository.length) sections.push({ app: null, heading: 'Whole repository', groups: repository, quiet: isQuiet(repository) });
  return { ...base, apps: report.apps, quiet, sections };
}

/** What was checked, in words; `verbose` adds the check's id. */
const CHECK_NAMES: Record<string, string> = {
  'keys.resolution': 'which key wins',
  'keys.keychain': 'the OS keychain',
  'exposure.env-files': '.env files and git',
  'exposure.file-permissions': 'who can read .env files',
  'exposure.worktree': 'keys in the working tree',
  'exposure.history': 'keys in git history',
  'exposure.scan': 'keys in files and history',
  'permission.live': 'what the provider says of each key',
  'hygiene.key-kind': 'the kind of each key',
  'hygiene.key-age': 'the age of each key',
};

/** A check as a person reads it: `which key wins`; with `verbose`, `which key wins (keys.resolution)`. */
export function checkName(id: string, verbose: boolean): string {
  const words = CHECK_NAMES[id];
  if (!words) return id;
  return verbose ? `${words} (${id})` : words;
}

const LANGUAGE_NAMES: Record<string, string> = { node: 'Node.js', python: 'Python', unknown: 'language unknown' };

/** A path of the app's own, without the app's folder in front. */
function inApp(app: AppReport, file: string): string {
  return app.path !== '.' && file.startsWith(`${app.path}/`) ? file.slice(app.path.length + 1) : file;
}

/** `Node.js, Next.js; loads .env.local, .env; templates .env.example`: what keyward thinks an app is. */
export function describeApp(app: AppReport): string {
  const env = app.envFiles.length ? `loads ${app.envFiles.map((f) => inApp(app, f)).join(', ')}` : 'no .env file';
  const templates = app.templates.length ? `; templates ${app.templates.map((f) => inApp(app, f)).join(', ')}` : '';
  return `${LANGUAGE_NAMES[app.language] ?? app.language}, ${app.framework}; ${env}${templates}`;
}

/** `apps/web`, or `apps/web (web-app)` when the app's name is not its folder's. */
export function appTitle(app: AppReport): string {
  const folder = app.path === '.' ? 'the root' : app.path;
  return app.name === app.path.split('/').pop() ? folder : `${folder} (${app.name})`;
}

/** `uses openai: OPENAI_API_KEY (dependency openai, .env.example)`: each provider, its variable and why keyward thinks so. */
export function describeProviders(app: AppReport): string {
  if (!app.providers.length) return 'uses no LLM provider that keyward knows';
  const one = (p: AppReport['providers'][number]) =>
    `${p.id}${p.variables[0] ? `: ${p.variables[0]}` : ''}${p.optional ? ', optional' : ''}${p.evidence.length ? ` (${p.evidence.join(', ')})` : ''}`;
  return `uses ${app.providers.map(one).join('; ')}`;
}

/** The one line that says how to correct a wrong guess. */
export const CORRECT_A_GUESS = 'A wrong guess? Set it in package.json "keyward" ({"providers": ["openai"]}) or pyproject.toml [tool.keyward].';

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

/** The keys in use as lines: a key that reaches many apps from one place (the environment, the keychain) is one line. */
function keyLines(keys: Report['keys']): string[] {
  const groups = new Map<string, Array<Report['keys'][number]>>();
  for (const k of keys) {
    const id = JSON.stringify([k.provider, k.variable, k.source, k.file, k.account, k.fingerprint, k.shadows]);
    groups.set(id, [...(groups.get(id) ?? []), k]);
  }
  return [...groups.values()].map((g) => (g.length === 1 ? formatKey(g[0]!) : `${formatKey({ ...g[0]!, app: undefined })}, in ${g.length} apps`));
}

/** One line per winning key: `openai  OPENAI_API_KEY  .env  sk-proj-…abcd  sha256:…  project`. */
export function formatKey(k: Report['keys'][number]): string {
  const from = k.source === 'dotenv' ? k.file : k.source === 'keychain' ? `keychain ${k.account}` : 'environment';
  const shadows = k.shadows.length ? `, shadows ${k.shadows.map((s) => (s.source === 'dotenv' ? s.file : s.source)).join(', ')}` : '';
  return `${k.app ? `[${k.app}] ` : ''}${k.provider}: ${k.variable} from ${from}, ${k.redacted} ${k.fingerprint} (${k.kind}${shadows})`;
}
