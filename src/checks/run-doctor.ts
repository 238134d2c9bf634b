import type { CheckResult, Finding } from '../core/finding.js';
import type { Env } from '../core/io.js';
import { summarize, sortFindings, type CallReport, type Report, type ResolvedKeyReport } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import type { GitRunner } from '../git/git.js';
import { inspectRepo } from '../git/repo.js';
import { identifyKey } from '../providers/index.js';
import { scrubKeys } from '../providers/scrub.js';
import { detectProject } from '../project/detect.js';
import { collectKeys } from '../stores/collect.js';
import type { KeychainOpener } from '../stores/keychain-backend.js';
import { resolveKeys } from '../stores/resolve.js';
import type { ResolvedKey } from '../stores/types.js';
import type { Check, CheckContext, LiveMode } from './types.js';

/** The outside world the doctor reads. */
export interface DoctorIO {
  root: string;
  env: Env;
  git: GitRunner;
  keychain: KeychainOpener;
  platform: NodeJS.Platform;
  now: () => Date;
  version: string;
}

export interface DoctorOptions {
  providerIds: readonly string[];
  live: LiveMode;
  history: boolean;
  failOn: Severity;
  timeoutMs: number;
  /** Rules reported but never failing the run (`--ci`: the provider unreachable from the CI runner). */
  notFatal?: ReadonlySet<string>;
}

/** The report's `keys`: per provider, the winner and the different keys it shadows. */
export function keysReport(resolved: readonly ResolvedKey[]): ResolvedKeyReport[] {
  return resolved.map(({ provider, winner, shadowed }) => ({
    provider: provider.id,
    variable: winner.variable,
    source: winner.source,
    file: winner.file,
    account: winner.account,
    fingerprint: winner.secret.fingerprint,
    redacted: winner.secret.redacted,
    kind: identifyKey(winner.secret.reveal(), provider)?.format.kind ?? 'unknown',
    shadows: shadowed.map((s) => ({ source: s.source, file: s.file, fingerprint: s.secret.fingerprint })),
  }));
}

/** Reads the project and its keys: the context every check gets. */
export async function buildContext(io: DoctorIO, opts: DoctorOptions): Promise<CheckContext> {
  const repo = await inspectRepo(io.git, io.root);
  const project = await detectProject(io.root, { mode: io.env.NODE_ENV || 'development', providerIds: opts.providerIds });
  const collected = await collectKeys({ project, env: io.env, keychain: io.keychain, platform: io.platform });
  return {
    root: io.root,
    repo,
    project,
    providers: collected.providers,
    entries: collected.entries,
    resolved: resolveKeys(collected.entries),
    dotenvFiles: collected.files,
    keychain: collected.keychain,
    env: io.env,
    git: io.git,
    now: io.now,
    live: opts.live,
    history: opts.history,
    timeoutMs: opts.timeoutMs,
  };
}

/** Runs each check on its own: one that throws is reported as `error` with its reason, the others still count. */
export async function runChecks(ctx: CheckContext, checks: readonly Check[], now: () => Date): Promise<{ results: CheckResult[]; findings: Finding[]; calls: CallReport[] }> {
  const outcomes = await Promise.all(
    checks.map(async (check) => {
      const start = now().getTime();
      try {
        const outcome = await check.run(ctx);
        return { check, outcome, ms: now().getTime() - start };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { check, outcome: { status: 'error' as const, findings: [], note: scrubKeys(message) }, ms: now().getTime() - start };
      }
    }),
  );
  return {
    results: outcomes.flatMap(({ check, outcome, ms }) =>
      'parts' in outcome && outcome.parts ? outcome.parts : [{ id: check.id, status: outcome.status, durationMs: ms, ...(outcome.note ? { note: outcome.note } : {}) }],
    ),
    findings: outcomes.flatMap((o) => o.outcome.findings),
    calls: outcomes.flatMap((o) => ('calls' in o.outcome && o.outcome.calls ? o.outcome.calls : [])),
  };
}

/** The doctor: one report of everything wrong with the project's keys (design.md `keyward.report/v1`). */
export async function runDoctor(io: DoctorIO, opts: DoctorOptions, checks: readonly Check[]): Promise<Report> {
  const start = io.now().getTime();
  const ctx = await buildContext(io, opts);
  const { results, findings, calls } = await runChecks(ctx, checks, io.now);
  const sorted = sortFindings(findings);
  return {
    schema: 'keyward.report/v1',
    tool: { name: 'keyward', version: io.version },
    root: io.root,
    durationMs: io.now().getTime() - start,
    summary: summarize(sorted, opts.failOn, opts.notFatal),
    checks: results,
    keys: keysReport(ctx.resolved),
    findings: sorted,
    ...(calls.length ? { calls } : {}),
  };
}
