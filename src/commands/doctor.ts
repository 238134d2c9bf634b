import { resolve } from 'node:path';
import { DOCTOR_CHECKS, runDoctor, type DoctorOptions } from '../checks/index.js';
import { detectProject } from '../project/detect.js';
import { needsAnswer, usageError } from '../core/errors.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import type { Severity } from '../core/severity.js';
import { findProvider, PROVIDER_IDS } from '../providers/index.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { summaryLine } from '../report/present.js';
import type { Report } from '../core/report.js';
import { renderText } from '../report/text.js';
import { writeReportFile } from '../stores/report-file.js';
import { doctorIO, type Deps } from '../deps.js';
import { progressWanted, stderrProgress, watched, type ProgressView } from './progress.js';

/** The doctor's flags as commander parsed them. */
export interface DoctorFlags {
  provider?: string[];
  offline?: boolean;
  live?: 'auth' | 'full';
  history: boolean;
  failOn: Severity;
  ci?: boolean;
  json?: boolean;
  markdown?: string;
  sarif?: string;
  /** With --ci: network failures fail the gate too. */
  failOnNetwork?: boolean;
  /** With --ci: a missing key fails the gate (else it is a note). */
  requireKeys?: boolean;
  rotationDays?: number;
  fix?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  toKeychain?: boolean;
  /** Rule and check ids beside their words, every app in full. */
  verbose?: boolean;
  /** No progress while the checks run. */
  quiet?: boolean;
  /** `--no-cache` makes it false: every file and blob is read again. */
  cache?: boolean;
}

/** Live-call failures that say the runner cannot reach the provider, not that the key is wrong. */
const NETWORK_RULES: ReadonlySet<string> = new Set(['permission.network', 'permission.timeout', 'permission.server']);

/** Validates the flags into the doctor's options. */
export function doctorOptions(flags: DoctorFlags): DoctorOptions {
  for (const id of flags.provider ?? []) {
    if (!findProvider(id)) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
  }
  if (flags.offline && flags.live) throw usageError('--offline and --live contradict each other', 'Pass one of them.');
  if (flags.requireKeys && !flags.ci) throw usageError('--require-keys goes with --ci', 'On your own machine a missing key is already a problem; pass --ci too for the deploy gate.');
  if ((flags.dryRun || flags.toKeychain) && !flags.fix) throw usageError(`${flags.dryRun ? '--dry-run' : '--to-keychain'} goes with --fix`, 'Pass --fix too.');
  return {
    providerIds: flags.provider ?? [],
    live: flags.offline ? 'off' : (flags.live ?? 'auth'),
    history: flags.history,
    cache: flags.cache !== false,
    failOn: flags.failOn,
    timeoutMs: 15_000,
    ...(flags.rotationDays ? { rotationDays: flags.rotationDays } : {}),
    // A deploy gate must not flap with the provider's uptime or the runner's network: reported, not fatal, unless asked.
    ...(flags.ci && !flags.failOnNetwork ? { notFatal: NETWORK_RULES } : {}),
    ...(flags.ci ? { ciGate: { requireKeys: Boolean(flags.requireKeys) } } : {}),
  };
}

/** Writes a report file whole or not at all; `/dev/stdout` and FIFOs are written to, never replaced. */
async function writeReport(cwd: string, file: string, text: string): Promise<void> {
  await writeReportFile(resolve(cwd, file), text, file);
}

/** `keyward doctor`: runs every check and shows the report as JSON, plain text or an Ink view. */
export async function doctorCommand(flags: DoctorFlags, deps: Deps): Promise<Outcome> {
  const options = doctorOptions(flags);
  const io = doctorIO(deps);
  const rich = deps.terminal.rich && !flags.json && !flags.ci;

  const doctor = (view: ProgressView) =>
    watched(deps, view, (w) => runDoctor({ ...io, git: w.git }, { ...options, progress: w.progress, signal: w.signal }, DOCTOR_CHECKS));
  let report;
  if (rich) {
    const { openDoctorScreen } = await import('../ui/doctor-screen.js');
    const screen = openDoctorScreen(deps.stdout);
    report = await doctor({ ...(progressWanted(deps, flags.quiet) ? { lines: screen.lines } : {}), close: () => screen.close() });
    await screen.finish(report, { verbose: Boolean(flags.verbose) });
  } else {
    report = await doctor(flags.ci ? {} : stderrProgress(deps, flags.quiet));
    deps.stdout.write(flags.json ? renderJson(report) : renderText(report, 'keyward doctor', { verbose: Boolean(flags.verbose), ...(deps.stdout.columns ? { columns: deps.stdout.columns } : {}) }));
  }

  if (flags.markdown) await writeReport(deps.cwd, flags.markdown, renderMarkdown(report, { verbose: Boolean(flags.verbose) }));
  if (flags.sarif) await writeReport(deps.cwd, flags.sarif, (await import('../report/sarif.js')).renderSarif(report));

  // In a terminal the doctor offers its safe fixes after the report, as react-native doctor does.
  const offer = !flags.fix && deps.terminal.interactive && !flags.json && !flags.ci;
  if (flags.fix || offer) {
    const fixed = await fixCommand(flags, deps, report, { ...options, live: 'off' }, offer);
    if (fixed) return fixed;
  }
  return report.summary.failed ? FINDINGS : OK;
}

/**
 * `--fix`: plans the safe fixes, asks (or takes --yes), applies them with their preconditions
 * checked again, lists what only a person can do, and reruns the offline checks. Returns the
 * outcome after the fixes, or null when nothing was applied and the report's outcome stands.
 */
async function fixCommand(flags: DoctorFlags, deps: Deps, report: Report, rerunOptions: DoctorOptions, offer: boolean): Promise<Outcome | null> {
  const { planFixes } = await import('../fix/plan.js');
  const { applyFixes } = await import('../fix/apply.js');
  const { fixPlanText, fixResultsText } = await import('../report/fix-text.js');
  // With --json, stdout is the report alone; what the fixes do goes to stderr.
  const out = flags.json ? deps.stderr : deps.stdout;
  const project = (await detectProject(deps.cwd, { mode: deps.env.NODE_ENV || 'development', providerIds: [] })).name;
  const { fixes, manual } = await planFixes(deps.cwd, report, { toKeychain: Boolean(flags.toKeychain), project });
  if (offer && fixes.length === 0) return null;
  out.write(fixPlanText(fixes, manual, Boolean(flags.dryRun), out.columns));
  if (flags.dryRun || fixes.length === 0) return null;
  if (!flags.yes) {
    if (!deps.terminal.interactive) throw needsAnswer(`${fixes.length} fix${fixes.length === 1 ? ' is' : 'es are'} pending and there is no terminal to ask; nothing was changed.`, 'Pass --yes to apply them, or --dry-run to only list them.');
    const { createInquirerPrompter } = await import('../prompts/inquirer.js');
    const ok = await createInquirerPrompter(deps.stdin, deps.stdout).confirm(`Apply ${fixes.length} safe fix${fixes.length === 1 ? '' : 'es'}?`, !offer);
    if (!ok) return null;
  }
  const io = doctorIO(deps);
  const results = await applyFixes({ root: deps.cwd, git: deps.git, keychain: deps.keychain }, fixes);
  const after = await runDoctor(io, rerunOptions, DOCTOR_CHECKS);
  out.write(fixResultsText(results, summaryLine(after), out.columns));
  return after.summary.failed ? FINDINGS : OK;
}
