import type { Env } from '../core/io.js';
import type { ProgressSink } from '../core/progress.js';
import type { CallListener, LiveDeps } from '../live/runner.js';
import { CALL_NAMES, type LiveTarget } from '../live/types.js';
import type { ResolvedKey } from '../stores/types.js';
import { liveTargetFor } from './live-target.js';
import { trackedPaths } from '../git/repo.js';
import type { Provider } from '../providers/index.js';
import { appEnv, loadedFiles } from './app-env.js';
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
      // A key is sent only where the user pointed it: the environment or a .env file git does not
      // track. A committed file is the checkout's word, and a hostile one could name its own server.
      const loaded = loadedFiles(ctx).map((f) => f.ref.file);
      const committed = ctx.repo.kind === 'repo' ? await trackedPaths(ctx.git, ctx.root, loaded).catch(() => new Set(loaded)) : new Set<string>();
      const env = appEnv(ctx, committed);
      const seen = appEnv(ctx);
      const pointedByCheckout = (p: Provider): string | null => {
        const variable = p.api.baseUrlEnv;
        if (!variable || seen[variable] === env[variable]) return null;
        const file = loaded.find((f) => committed.has(f) && ctx.dotenvFiles.some((d) => d.ref.file === f && d.read.ok && d.read.values.has(variable)));
        return `${variable} is set in the committed ${file ?? '.env file'}, and keyward sends no key to a server a checkout names (export ${variable} to test it)`;
      };
      const notSent: string[] = [];
      // A placeholder is no key (the offline check says so): calling with it would only earn a misleading 401.
      const standIn = (r: ResolvedKey) => {
        const problem = inspectValue(r.winner.secret.reveal(), r.provider, env);
        return problem?.kind === 'malformed' && problem.placeholder === true;
      };
      const withKey = ctx.resolved.filter((r) => r.winner.secret.length > 0 && !standIn(r));
      const targets: LiveTarget[] = [];
      const untested: string[] = [];
      for (const r of withKey) {
        const pointed = pointedByCheckout(r.provider);
        if (pointed) {
          notSent.push(`no call for ${r.provider.name}: ${pointed}`);
          continue;
        }
        const target = r.provider.api.authPath ? liveTargetFor(r.provider, r, env, { timeoutMs: ctx.timeoutMs }) : null;
        if (target) targets.push(target);
        else untested.push(r.provider.name);
      }
      const note = [...(untested.length ? [`no free check for ${untested.join(', ')}`] : []), ...notSent].join('; ') || undefined;
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
