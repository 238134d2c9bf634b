import type { CheckResult } from '../core/finding.js';
import type { Env } from '../core/io.js';
import type { LiveDeps } from '../live/runner.js';
import { exposureScanCheck } from './exposure-scan.js';
import type { Check } from './types.js';

/**
 * The exposure scan, followed (unless offline) by the free auth call for each key it found, so
 * each finding says whether the leaked key is live, revoked or could not be checked. It wraps
 * the scan rather than running beside it because it needs the scan's findings.
 */
export function withLiveVerdicts(scan: Check, makeDeps?: (env: Env, now: () => Date) => LiveDeps): Check {
  return {
    ...scan,
    async run(ctx) {
      const before = ctx.now().getTime();
      const outcome = await scan.run(ctx);
      if (ctx.live === 'off' || !outcome.findings.some((f) => f.category === 'exposure' && f.secret)) return outcome;
      const started = ctx.now().getTime();
      const parts: CheckResult[] = outcome.parts ?? [{ id: scan.id, status: outcome.status, durationMs: started - before }];
      // The SDK and its HTTP client load only when calls are made: an offline doctor never pays for them.
      const [{ describeVerdicts, EXPOSURE_LIVE_CHECK, verifyExposedKeys }, { createLiveDeps }] = await Promise.all([import('../live/verify.js'), import('./live-deps.js')]);
      const deps = (makeDeps ?? createLiveDeps)(ctx.env, ctx.now);
      try {
        const { findings, counts } = await verifyExposedKeys(outcome.findings, { root: ctx.root, git: ctx.git, env: ctx.env, deps, timeoutMs: ctx.timeoutMs });
        const entry: CheckResult = { id: EXPOSURE_LIVE_CHECK, status: counts.live > 0 ? 'fail' : 'pass', durationMs: ctx.now().getTime() - started, note: describeVerdicts(counts) };
        return { ...outcome, findings, parts: [...parts, entry] };
      } finally {
        await deps.transport.close();
      }
    },
  };
}

/** The doctor's exposure scan with live verdicts. */
export const exposedKeysLiveCheck: Check = withLiveVerdicts(exposureScanCheck);
