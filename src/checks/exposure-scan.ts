import type { Finding } from '../core/finding.js';
import type { Framework } from '../project/framework.js';
import { findProvider } from '../providers/index.js';
import { scanProject } from '../scanner/index.js';
import type { Check, CheckContext } from './types.js';

/** The framework of the app whose folder holds `file` (the deepest), else the project's. */
function frameworkOf(ctx: CheckContext, file: string): Framework {
  const app = (ctx.appFrameworks ?? []).filter((a) => file.startsWith(`${a.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  return app?.framework ?? ctx.project.framework;
}

/**
 * A public-prefixed name only ships to the browser under the framework that owns the prefix:
 * `VITE_` in a Next.js app is a warning (another tool could ship it), not a key in every visitor's hands.
 */
export function matchBrowserPrefix(f: Finding, framework: Framework): Finding {
  if (f.rule !== 'exposure.browser-env' || framework.id === 'unknown') return f;
  const variable = / under ([A-Z][A-Z0-9_]*)/.exec(f.title)?.[1];
  if (!variable || framework.browserPrefixes.some((p) => variable.startsWith(p))) return f;
  return {
    ...f,
    severity: 'medium',
    detail: `${f.detail} This app uses ${framework.name}, which ships ${framework.browserPrefixes.join(', ') || 'no'} variables to the browser, not ${variable}; another bundler in the project could.`,
  };
}

/**
 * The scanner names a provider's canonical variable; a project that reads another one
 * (`GOOGLE_GENERATIVE_AI_API_KEY` for Gemini through `@ai-sdk/google`) is told its own.
 */
function withProjectVariable(f: Finding, ctx: CheckContext): Finding {
  const provider = f.secret ? findProvider(f.secret.provider) : undefined;
  const variable = ctx.project.used.find((u) => u.provider.id === provider?.id)?.variables[0];
  const canonical = provider?.envVars[0];
  if (!variable || !canonical || variable === canonical) return f;
  return { ...f, fix: f.fix.replaceAll(canonical, variable) };
}

/**
 * `exposure.*` from the scanner: keys in the working tree (source, bundles, logs, browser names)
 * and in git history. A root `.env*` file that git does not ignore is the env-files check's to
 * report (`exposure.env-tracked` / `exposure.env-not-ignored` say what to do with the file), so
 * the scanner's `exposure.source-literal` for it is dropped here rather than said twice.
 */
export const exposureScanCheck: Check = {
  id: 'exposure.scan',
  scope: 'repo',
  usesScan: true,
  async run(ctx) {
    const active = new Set(ctx.resolved.map((r) => r.winner.secret.fingerprint));
    const result = await (ctx.scan?.(active) ??
      scanProject({ root: ctx.root, git: ctx.git, env: ctx.env, active, history: ctx.history, ...(ctx.progress ? { progress: ctx.progress } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    const envFiles = new Set(ctx.dotenvFiles.map((f) => f.ref.file));
    const findings = result.findings
      .filter((f) => !(f.rule === 'exposure.source-literal' && f.location && envFiles.has(f.location.file)))
      .map((f) => withProjectVariable(f.location ? matchBrowserPrefix(f, frameworkOf(ctx, f.location.file)) : f, ctx));
    // A worktree whose findings were all dropped above passes. A gap it had would have made it `error`, not `fail`, so a gap left here is the history's.
    const historyOnly = findings.every((f) => f.rule === 'exposure.history' || f.rule === 'exposure.scan-incomplete');
    const parts = result.checks.map((c) => (c.id === 'exposure.worktree' && c.status === 'fail' && historyOnly ? { ...c, status: 'pass' as const } : c));
    const status = parts.some((c) => c.status === 'error') ? 'error' : findings.length ? 'fail' : 'pass';
    return { status, findings, parts };
  },
};
