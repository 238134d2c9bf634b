import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { usageError } from '../core/errors.js';
import { fingerprint } from '../core/fingerprint.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { sortFindings, summarize, type Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import { PROVIDERS } from '../providers/index.js';
import { renderJson } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { BASELINE_FILE, formatBaseline, scanProject, scanStaged, scanWorktree, type ScanOptions, type ScanResult } from '../scanner/index.js';
import { writeReportFile } from '../stores/report-file.js';
import { readDotenvFile } from '../stores/dotenv-file.js';
import type { Deps } from '../deps.js';
import type { CheckResult } from '../core/finding.js';
import { stderrProgress, watched, type Watch } from './progress.js';

/** The doctor's per-call timeout, for the auth calls of --verify. */
const VERIFY_TIMEOUT_MS = 15_000;

/** `keyward scan`'s flags as commander parsed them. */
export interface ScanFlags {
  history?: boolean;
  staged?: boolean;
  writeBaseline?: boolean;
  json?: boolean;
  sarif?: string;
  failOn?: Severity;
  /** Make each exposed key's free auth call and say whether it is live, revoked or unknown. */
  verify?: boolean;
  /** No progress line on stderr. */
  quiet?: boolean;
  /** `--no-cache` makes it false: every file and blob is read again. */
  cache?: boolean;
}

/** The folder to scan and, when PATH names a file, that one file. */
function target(deps: Deps, path: string | undefined): { root: string; only?: string[] } {
  const abs = resolve(deps.cwd, path ?? '.');
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw usageError('the PATH given to scan: no such file or folder', 'Pass a folder or a file of the project.');
  }
  if (st.isDirectory()) return { root: abs };
  const inCwd = relative(deps.cwd, abs);
  if (!inCwd.startsWith('..') && !inCwd.startsWith(sep)) return { root: deps.cwd, only: [inCwd.split(sep).join('/')] };
  return { root: dirname(abs), only: [basename(abs)] };
}

/**
 * Fingerprints of the keys this project is configured with now: the providers' variables in the
 * environment and in the root's `.env*` files. The keychain is left out so a pre-commit hook
 * never waits on it; the doctor, which reads the keychain anyway, passes its own set.
 */
async function activeFingerprints(deps: Deps, root: string): Promise<Set<string>> {
  const vars = new Set(PROVIDERS.flatMap((p) => p.envVars));
  const out = new Set<string>();
  for (const v of vars) {
    const value = deps.env[v];
    if (value) out.add(fingerprint(value));
  }
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /^\.env(?:\..+)?$/.test(n) && n !== '.env.example');
  } catch {
    return out;
  }
  for (const name of names) {
    const read = await readDotenvFile(root, name);
    if (!read.ok) continue;
    for (const [v, { value }] of read.values) if (vars.has(v) && value) out.add(fingerprint(value));
  }
  return out;
}

/** Runs the scans the flags ask for: the index alone, or the working tree and, with --history, every commit. */
async function runScans(flags: ScanFlags, opts: ScanOptions & { only?: string[] }): Promise<ScanResult> {
  if (flags.staged) return scanStaged(opts);
  return flags.history ? scanProject(opts) : scanWorktree(opts);
}

/** Writes a report or the baseline whole; `/dev/stdout` and FIFOs are written to, never replaced; no folder is created. */
async function writeOut(path: string, text: string, flag: string): Promise<void> {
  await writeReportFile(path, text, flag);
}

/** With --verify: the findings with each leaked key's live verdict, and the `exposure.live` check entry. */
async function verified(result: ScanResult, root: string, deps: Deps, watch: Watch): Promise<ScanResult> {
  const started = performance.now();
  // Loaded only here: the openai SDK behind the calls would slow every pre-commit scan.
  const { createLiveDeps } = await import('../checks/live-deps.js');
  const { describeVerdicts, EXPOSURE_LIVE_CHECK, verifyExposedKeys } = await import('../live/verify.js');
  const live = createLiveDeps(deps.env, deps.now);
  try {
    const { findings, counts } = await verifyExposedKeys(result.findings, { root, git: watch.git, env: deps.env, deps: live, timeoutMs: VERIFY_TIMEOUT_MS, progress: watch.progress });
    const entry: CheckResult = { id: EXPOSURE_LIVE_CHECK, status: counts.live > 0 ? 'fail' : 'pass', durationMs: Math.round(performance.now() - started), note: describeVerdicts(counts) };
    return { findings, checks: [...result.checks, entry] };
  } finally {
    await live.transport.close();
  }
}

/** `keyward scan [PATH]`: exposure findings only, as text, JSON or SARIF; exit 1 at or above --fail-on. */
export async function scanCommand(path: string | undefined, flags: ScanFlags, deps: Deps): Promise<Outcome> {
  const started = performance.now();
  if (flags.staged && flags.history) throw usageError('--staged and --history scan different things', 'Pass one of them: --staged for a pre-commit hook, --history for the whole repository.');
  const { root, only } = target(deps, path);
  const active = await activeFingerprints(deps, root);
  const result = await watched(deps, stderrProgress(deps, flags.quiet), async (watch) => {
    const opts = { root, git: watch.git, env: deps.env, active, useBaseline: !flags.writeBaseline, cache: flags.cache !== false, progress: watch.progress, signal: watch.signal, ...(only ? { only } : {}) };
    const scanned = await runScans(flags, opts);
    return flags.verify && !flags.writeBaseline ? await verified(scanned, root, deps, watch) : scanned;
  });
  const failOn = flags.failOn ?? 'high';

  if (flags.writeBaseline) {
    const file = join(root, BASELINE_FILE);
    await writeOut(file, formatBaseline(result.findings), BASELINE_FILE);
    const keys = new Set(result.findings.flatMap((f) => (f.secret ? [f.secret.fingerprint] : []))).size;
    deps.stdout.write(`Wrote ${keys} key fingerprint${keys === 1 ? '' : 's'} to ${relative(deps.cwd, file) || BASELINE_FILE}; later scans do not report these keys. Commit the file.\n`);
    return OK;
  }

  const findings = sortFindings(result.findings);
  const report: Report = {
    schema: 'keyward.report/v1',
    tool: { name: 'keyward', version: deps.version },
    root,
    durationMs: Math.round(performance.now() - started),
    summary: summarize(findings, failOn),
    checks: result.checks,
    keys: [],
    findings,
  };
  if (flags.sarif) await writeOut(resolve(deps.cwd, flags.sarif), renderSarif(report), flags.sarif);
  deps.stdout.write(flags.json ? renderJson(report) : renderText(report, 'keyward scan'));
  return report.summary.failed ? FINDINGS : OK;
}
