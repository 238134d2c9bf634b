import { planTestCalls, runTestCalls, type TestOptions } from '../checks/test-calls.js';
import { usageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { findProvider, PROVIDER_IDS } from '../providers/index.js';
import { describeOrigin } from '../live/classify.js';
import { describeRequest } from '../live/runner.js';
import { CALL_NAMES, type LiveTarget } from '../live/types.js';
import { callLine, callState, callSummary } from '../report/call-line.js';
import { renderJson } from '../report/json.js';
import { formatSecret, SEVERITY_SYMBOL, summaryLine } from '../report/present.js';
import type { TargetRow } from '../ui/TestCallsView.js';
import type { TestCallsScreen } from '../ui/test-calls-screen.js';
import { doctorIO, type Deps } from '../deps.js';
import { timeoutFlagMs } from './timeout-flag.js';

/** `keyward test`'s flags as commander parsed them. */
export interface TestFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  timeout?: string;
  json?: boolean;
}

/** @default timeout 15 seconds */
const DEFAULT_TIMEOUT_S = 15;

/** Validates the flags. */
export function testOptions(flags: TestFlags): TestOptions {
  const provider = flags.provider === undefined ? null : findProvider(flags.provider);
  if (provider === undefined) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
  const timeoutMs = timeoutFlagMs(flags.timeout, DEFAULT_TIMEOUT_S);
  if (flags.baseUrl !== undefined && !/^https?:\/\/[^/]/.test(flags.baseUrl)) {
    throw usageError('--base-url: not an http(s) URL', 'Pass the full URL, e.g. --base-url https://api.openai.com/v1.');
  }
  if (flags.model !== undefined && flags.model.trim() === '') throw usageError('--model is empty', 'Pass a model id, e.g. --model gpt-4o-mini.');
  return {
    provider,
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.baseUrl ? { baseURL: flags.baseUrl } : {}),
    timeoutMs,
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

function plainFinding(f: Finding): string {
  const secret = formatSecret(f);
  return [`  ${SEVERITY_SYMBOL[f.severity]} ${f.severity}: ${f.title} [${f.rule}]`, `      ${f.detail}`, ...(secret ? [`      key: ${secret}`] : []), `      fix: ${f.fix}`].join('\n');
}

/** `keyward test`: the auth, sync and async calls for the configured key(s), shown as they happen. */
export async function testCommand(flags: TestFlags, deps: Deps): Promise<Outcome> {
  const io = doctorIO(deps);
  const plan = await planTestCalls(io, testOptions(flags));
  const rows = plan.targets.map(targetRow);
  const findings: Finding[] = [];
  const rich = deps.terminal.rich && !flags.json;
  const plain = !rich && !flags.json;
  const screen = rich ? await openView(deps) : null;
  const redraw = (summary: string | null): void => screen?.show(rows, findings, summary);
  redraw(null);

  const report = await runTestCalls(io, plan, (t) => {
    if (plain) deps.stdout.write(`${rows[t]!.provider}  ${rows[t]!.key}  ${rows[t]!.baseURL}\n`);
    return ({ index, result }) => {
      const row = rows[t]!.calls[index]!;
      if (!result) row.state = 'running';
      else {
        row.state = callState(result.call);
        row.summary = callSummary(result.call);
        if (result.finding) findings.push(result.finding);
        if (plain) deps.stdout.write(callLine(result.call));
      }
      redraw(null);
    };
  });

  const summary = summaryLine(report);
  if (flags.json) deps.stdout.write(renderJson(report));
  else if (screen) await screen.finish(rows, report.findings, summary);
  else deps.stdout.write(`${report.findings.length ? `\n${report.findings.map(plainFinding).join('\n\n')}\n` : ''}\n${summary}\n`);
  return report.summary.failed ? FINDINGS : OK;
}

/** Loads Ink only for a terminal, so piped output and `--json` stay light. */
async function openView(deps: Deps): Promise<TestCallsScreen> {
  const { openTestCallsScreen } = await import('../ui/test-calls-screen.js');
  return openTestCallsScreen(deps.stdout);
}
