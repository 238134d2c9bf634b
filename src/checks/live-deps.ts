import type { Finding } from '../core/finding.js';
import type { Env } from '../core/io.js';
import type { CallReport } from '../core/report.js';
import { runLiveCalls, type CallListener, type LiveDeps } from '../live/runner.js';
import { createTransport } from '../live/transport.js';
import type { CallName, LiveTarget } from '../live/types.js';

/** The real dependencies of live calls, with the proxy settings of `env`. */
export function createLiveDeps(env: Env, now: () => Date): LiveDeps {
  return { transport: createTransport(env), now, clock: () => performance.now() };
}

/** Runs `names` for each target, all providers at once; findings and calls in target order. */
export async function runTargets(
  targets: readonly LiveTarget[],
  names: readonly CallName[],
  deps: LiveDeps,
  listener?: (target: number) => CallListener,
): Promise<{ findings: Finding[]; calls: CallReport[] }> {
  const results = await Promise.all(targets.map((t, i) => runLiveCalls(names, t, deps, listener?.(i))));
  return {
    findings: results.flatMap((r) => r.flatMap((c) => (c.finding ? [c.finding] : []))),
    calls: results.flatMap((r) => r.map((c) => c.call)),
  };
}
