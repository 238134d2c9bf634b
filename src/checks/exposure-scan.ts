import { scanProject } from '../scanner/index.js';
import type { Check } from './types.js';

/**
 * `exposure.*` from the scanner: keys in the working tree (source, bundles, logs, browser names)
 * and in git history. A root `.env*` file that git does not ignore is the env-files check's to
 * report (`exposure.env-tracked` / `exposure.env-not-ignored` say what to do with the file), so
 * the scanner's `exposure.source-literal` for it is dropped here rather than said twice.
 */
export const exposureScanCheck: Check = {
  id: 'exposure.scan',
  async run(ctx) {
    const active = new Set(ctx.resolved.map((r) => r.winner.secret.fingerprint));
    const result = await scanProject({ root: ctx.root, git: ctx.git, env: ctx.env, active, history: ctx.history });
    const envFiles = new Set(ctx.dotenvFiles.map((f) => f.ref.file));
    const findings = result.findings.filter((f) => !(f.rule === 'exposure.source-literal' && f.location && envFiles.has(f.location.file)));
    const parts = result.checks.map((c) => (c.id === 'exposure.worktree' && c.status === 'fail' && findings.every((f) => f.rule === 'exposure.history') ? { ...c, status: 'pass' as const } : c));
    const status = parts.some((c) => c.status === 'error') ? 'error' : findings.length ? 'fail' : 'pass';
    return { status, findings, parts };
  },
};
