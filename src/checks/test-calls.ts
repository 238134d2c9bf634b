import { usageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { sortFindings, summarize, type CallReport, type Report } from '../core/report.js';
import type { Provider } from '../providers/index.js';
import { runLiveCalls, type CallListener } from '../live/runner.js';
import { CALL_NAMES, type LiveTarget } from '../live/types.js';
import type { ResolvedKey } from '../stores/types.js';
import { createLiveDeps } from './live-deps.js';
import { liveTargetFor } from './live-target.js';
import { buildContext, keysReport, type DoctorIO } from './run-doctor.js';

/** What `keyward test` was asked: one provider or all, and the call's model, base URL and timeout. */
export interface TestOptions {
  provider: Provider | null;
  model?: string;
  baseURL?: string;
  timeoutMs: number;
}

/** The keys `keyward test` calls with, chosen before any call is made. */
export interface TestPlan {
  targets: LiveTarget[];
  providers: Provider[];
  resolved: ResolvedKey[];
  start: number;
}

/** Which providers to test: `--provider`, else every provider with a key, else the ones the project uses (which then lack a key). */
function selectProviders(options: TestOptions, used: Provider[], resolved: ResolvedKey[]): Provider[] {
  if (options.provider) return [options.provider];
  const withKey = resolved.map((r) => r.provider);
  if (withKey.length) return withKey;
  if (used.length) return used;
  throw usageError('no provider key found to test', 'Pass --provider ID, or run `keyward setup` first.');
}

/** Resolves the project's keys and the endpoint each is called at; a usage error when there is nothing to call. */
export async function planTestCalls(io: DoctorIO, options: TestOptions): Promise<TestPlan> {
  const start = io.now().getTime();
  const ctx = await buildContext(io, { providerIds: options.provider ? [options.provider.id] : [], live: 'full', history: false, failOn: 'high', timeoutMs: options.timeoutMs });
  const providers = selectProviders(options, ctx.providers, ctx.resolved);
  const targets: LiveTarget[] = [];
  for (const provider of providers) {
    const resolved = ctx.resolved.find((r) => r.provider.id === provider.id) ?? null;
    const target = liveTargetFor(provider, resolved, io.env, options);
    if (target) targets.push(target);
    else if (options.provider) {
      const variable = provider.api.baseUrlEnv;
      throw usageError(`${provider.name} has no base URL to call`, variable ? `Set ${variable} or pass --base-url.` : 'Pass --base-url.');
    }
  }
  if (targets.length === 0) throw usageError(`no API to call for ${providers.map((p) => p.name).join(', ')}`, 'Pass --provider ID with --base-url URL.');
  return { targets, providers, resolved: ctx.resolved, start };
}

/** Runs the auth, sync and async calls of each target in turn (`listen` hears each call start and end) and reports them. */
export async function runTestCalls(io: DoctorIO, plan: TestPlan, listen: (target: number) => CallListener): Promise<Report> {
  const liveDeps = createLiveDeps(io.env, io.now);
  const calls: CallReport[] = [];
  const findings: Finding[] = [];
  try {
    for (const [t, target] of plan.targets.entries()) {
      const hear = listen(t);
      const results = await runLiveCalls(CALL_NAMES, target, liveDeps, (event) => {
        if (event.result?.finding) findings.push(event.result.finding);
        hear(event);
      });
      calls.push(...results.map((r) => r.call));
    }
  } finally {
    await liveDeps.transport.close();
  }
  const sorted = sortFindings(findings);
  const failedCalls = calls.some((c) => !c.ok && !c.skipped);
  return {
    schema: 'keyward.report/v1',
    tool: { name: 'keyward', version: io.version },
    root: io.root,
    durationMs: io.now().getTime() - plan.start,
    summary: summarize(sorted, 'high'),
    checks: [{ id: 'permission.live', status: failedCalls ? 'fail' : 'pass', durationMs: io.now().getTime() - plan.start }],
    keys: keysReport(plan.resolved.filter((r) => plan.providers.includes(r.provider))),
    findings: sorted,
    calls,
  };
}
