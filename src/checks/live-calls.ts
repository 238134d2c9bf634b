import type { Env } from '../core/io.js';
import type { ProgressSink } from '../core/progress.js';
import type { CallListener, LiveDeps } from '../live/runner.js';
import { CALL_NAMES, type LiveTarget } from '../live/types.js';
import type { ResolvedKey } from '../stores/types.js';
import { liveTargetFor } from './live-target.js';
import { inspectValue } from './key-value.js';
import type { Check } from './types.js';

/** A listener for every target that tells `progress` how many of the `total` calls have ended. */
function callCounter(progress: ProgressSink, total: number): () => CallListener {
  let done = 0;
  progress({ step: 'calls', done, total });
  return () => (e) => {
    if (e.result === null) return;
    done += 1;
    progress({ step: 'calls', done, total });
  };
}

/**
 * `permission.live`: the free `auth` call for every key whose provider has one (plus `sync` and
 * `async` with `--live full`), failures turned into `permission.*` findings. Client-side problems
 * of the key itself (`missing.*`) stay with the offline checks; the call still shows them.
 */
export function createLiveCallsCheck(makeDeps?: (env: Env, now: () => Date) => LiveDeps): Check {
  return {
    id: 'permission.live',
    async run(ctx) {
      if (ctx.live === 'off') return { status: 'skip', findings: [], note: 'offline: no live calls' };
      // A placeholder is no key (the offline check says so): calling with it would only earn a misleading 401.
      const standIn = (r: ResolvedKey) => {
        const problem = inspectValue(r.winner.secret.reveal(), r.provider, ctx.env);
        return problem?.kind === 'malformed' && problem.placeholder === true;
      };
      const withKey = ctx.resolved.filter((r) => r.winner.secret.length > 0 && !standIn(r));
      const targets: LiveTarget[] = [];
      const untested: string[] = [];
      for (const r of withKey) {
        const target = r.provider.api.authPath ? liveTargetFor(r.provider, r, ctx.env, { timeoutMs: ctx.timeoutMs }) : null;
        if (target) targets.push(target);
        else untested.push(r.provider.name);
      }
      const note = untested.length ? `no free check for ${untested.join(', ')}` : undefined;
      if (targets.length === 0) return { status: 'skip', findings: [], note: note ?? 'no key to test' };
      // The SDK and its HTTP client load only when calls are made: an offline doctor never pays for them.
      const { createLiveDeps, runTargets } = await import('./live-deps.js');
      const deps = (makeDeps ?? createLiveDeps)(ctx.env, ctx.now);
      try {
        const names = ctx.live === 'full' ? CALL_NAMES : (['auth'] as const);
        const { findings, calls } = await runTargets(targets, names, deps, ctx.progress && callCounter(ctx.progress, targets.length * names.length));
        const own = findings.filter((f) => f.category === 'permission');
        return { status: own.length ? 'fail' : 'pass', findings: own, calls, ...(note ? { note } : {}) };
      } finally {
        await deps.transport.close();
      }
    },
  };
}

/** The check as the doctor runs it. */
export const liveCallsCheck: Check = createLiveCallsCheck();
