import { liveTargetFor, createLiveDeps } from '../checks/live-calls.js';
import { buildContext, keysReport } from '../checks/run-doctor.js';
import { usageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { sortFindings, summarize, type CallReport, type Report } from '../core/report.js';
import { findProvider, PROVIDER_IDS, type Provider } from '../providers/index.js';
import { describeOrigin } from '../live/classify.js';
import { describeRequest, runLiveCalls, type CallResult } from '../live/runner.js';
import { CALL_NAMES, type LiveTarget } from '../live/types.js';
import { callLine, callState, callSummary } from '../report/call-line.js';
import { renderJson } from '../report/json.js';
import { formatSecret, SEVERITY_SYMBOL, summaryLine } from '../report/present.js';
import type { ResolvedKey } from '../stores/types.js';
import type { TargetRow } from '../ui/TestCallsView.js';
import type { TestCallsScreen } from '../ui/test-calls-screen.js';
import type { Deps } from '../deps.js';
import { doctorIO } from './doctor-io.js';

/** `keyward test`'s flags as commander parsed them. */
export interface TestFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  timeout?: string;
  json?: boolean;
}

interface TestOptions {
  provider: Provider | null;
  model?: string;
  baseURL?: string;
  timeoutMs: number;
}

/** @default timeout 15 seconds */
const DEFAULT_TIMEOUT_S = 15;
/** Ten minutes is longer than any answer is worth waiting for, and far below where Node's timers overflow (2^31-1 ms) and fire at once. */
const MAX_TIMEOUT_S = 600;

/** Validates the flags. */
export function testOptions(flags: TestFlags): TestOptions {
  const provider = flags.provider === undefined ? null : findProvider(flags.provider);
  if (provider === undefined) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
  const seconds = flags.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(flags.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError('--timeout: not a number of seconds', 'Pass a positive number, e.g. --timeout 30.');
  if (seconds > MAX_TIMEOUT_S) throw usageError(`--timeout: more than ${MAX_TIMEOUT_S} seconds`, `Pass at most ${MAX_TIMEOUT_S}, e.g. --timeout 30.`);
  if (flags.baseUrl !== undefined && !/^https?:\/\/[^/]/.test(flags.baseUrl)) {
    throw usageError('--base-url: not an http(s) URL', 'Pass the full URL, e.g. --base-url https://api.openai.com/v1.');
  }
  if (flags.model !== undefined && flags.model.trim() === '') throw usageError('--model is empty', 'Pass a model id, e.g. --model gpt-4o-mini.');
  return {
    provider,
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.baseUrl ? { baseURL: flags.baseUrl } : {}),
    timeoutMs: Math.round(seconds * 1000),
  };
}

function targetRow(target: LiveTarget): TargetRow {
  return {
    provider: target.provider.id,
    key: target.key ? `${target.key.redacted}  ${describeOrigin(target.origin)}` : '(no key)',
    baseURL: target.baseURL,
    calls: CALL_NAMES.map((name) => ({ name, request: describeRequest(name, target), state: 'waiting', summary: '' })),
  };
}

/** Which providers to test: `--provider`, else every provider with a key, else the ones the project uses (which then lack a key). */
function selectProviders(options: TestOptions, used: Provider[], resolved: ResolvedKey[]): Provider[] {
  if (options.provider) return [options.provider];
  const withKey = resolved.map((r) => r.provider);
  if (withKey.length) return withKey;
  if (used.length) return used;
  throw usageError('no provider key found to test', 'Pass --provider ID, or run `keyward setup` first.');
}

function plainFinding(f: Finding): string {
  const secret = formatSecret(f);
  return [`  ${SEVERITY_SYMBOL[f.severity]} ${f.severity}: ${f.title} [${f.rule}]`, `      ${f.detail}`, ...(secret ? [`      key: ${secret}`] : []), `      fix: ${f.fix}`].join('\n');
}

/** `keyward test`: the auth, sync and async calls for the configured key(s), shown as they happen. */
export async function testCommand(flags: TestFlags, deps: Deps): Promise<Outcome> {
  const options = testOptions(flags);
  const start = deps.now().getTime();
  const ctx = await buildContext(
    doctorIO(deps),
    { providerIds: options.provider ? [options.provider.id] : [], live: 'full', history: false, failOn: 'high', timeoutMs: options.timeoutMs },
  );
  const providers = selectProviders(options, ctx.providers, ctx.resolved);
  const targets: LiveTarget[] = [];
  const findings: Finding[] = [];
  for (const provider of providers) {
    const resolved = ctx.resolved.find((r) => r.provider.id === provider.id) ?? null;
    const target = liveTargetFor(provider, resolved, deps.env, options);
    if (target) targets.push(target);
    else if (options.provider) {
      const variable = provider.api.baseUrlEnv;
      throw usageError(`${provider.name} has no base URL to call`, variable ? `Set ${variable} or pass --base-url.` : 'Pass --base-url.');
    }
  }

  if (targets.length === 0) throw usageError(`no API to call for ${providers.map((p) => p.name).join(', ')}`, 'Pass --provider ID with --base-url URL.');
  const rows = targets.map(targetRow);
  const rich = deps.terminal.rich && !flags.json;
  const screen = rich ? await openView(deps) : null;
  const redraw = (summary: string | null): void => screen?.show(rows, findings, summary);
  redraw(null);

  const liveDeps = createLiveDeps(deps.env, deps.now);
  const calls: CallReport[] = [];
  try {
    for (const [t, target] of targets.entries()) {
      if (!rich && !flags.json) deps.stdout.write(`${rows[t]!.provider}  ${rows[t]!.key}  ${target.baseURL}\n`);
      const results: CallResult[] = await runLiveCalls(CALL_NAMES, target, liveDeps, ({ index, result }) => {
        const row = rows[t]!.calls[index]!;
        if (!result) row.state = 'running';
        else {
          row.state = callState(result.call);
          row.summary = callSummary(result.call);
          if (result.finding) findings.push(result.finding);
          if (!rich && !flags.json) deps.stdout.write(callLine(result.call));
        }
        redraw(null);
      });
      calls.push(...results.map((r) => r.call));
    }
  } finally {
    await liveDeps.transport.close();
  }

  const sorted = sortFindings(findings);
  const failedCalls = calls.some((c) => !c.ok && !c.skipped);
  const report: Report = {
    schema: 'keyward.report/v1',
    tool: { name: 'keyward', version: deps.version },
    root: deps.cwd,
    durationMs: deps.now().getTime() - start,
    summary: summarize(sorted, 'high'),
    checks: [{ id: 'permission.live', status: failedCalls ? 'fail' : 'pass', durationMs: deps.now().getTime() - start }],
    keys: keysReport(ctx.resolved.filter((r) => providers.includes(r.provider))),
    findings: sorted,
    calls,
  };
  const summary = summaryLine(report);
  if (flags.json) deps.stdout.write(renderJson(report));
  else if (screen) await screen.finish(rows, sorted, summary);
  else deps.stdout.write(`${sorted.length ? `\n${sorted.map(plainFinding).join('\n\n')}\n` : ''}\n${summary}\n`);
  return report.summary.failed ? FINDINGS : OK;
}

/** Loads Ink only for a terminal, so piped output and `--json` stay light. */
async function openView(deps: Deps): Promise<TestCallsScreen> {
  const { openTestCallsScreen } = await import('../ui/test-calls-screen.js');
  return openTestCallsScreen(deps.stdout);
}
