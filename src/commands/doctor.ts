import { resolve } from 'node:path';
import { DOCTOR_CHECKS, runDoctor, type DoctorOptions } from '../checks/index.js';
import { failure, usageError } from '../core/errors.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import type { Severity } from '../core/severity.js';
import { findProvider, PROVIDER_IDS } from '../providers/index.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { present } from '../report/present.js';
import { renderText } from '../report/text.js';
import { writeFileAtomic } from '../stores/atomic-write.js';
import type { Deps } from '../deps.js';

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
}

/** Live-call failures that say the runner cannot reach the provider, not that the key is wrong. */
const NETWORK_RULES: ReadonlySet<string> = new Set(['permission.network', 'permission.timeout', 'permission.server']);

/** Validates the flags into the doctor's options. */
export function doctorOptions(flags: DoctorFlags): DoctorOptions {
  for (const id of flags.provider ?? []) {
    if (!findProvider(id)) throw usageError(`unknown provider "${id}"`, `Use one of: ${PROVIDER_IDS.join(', ')}.`);
  }
  if (flags.offline && flags.live) throw usageError('--offline and --live contradict each other', 'Pass one of them.');
  return {
    providerIds: flags.provider ?? [],
    live: flags.offline ? 'off' : (flags.live ?? 'auth'),
    history: flags.history,
    failOn: flags.failOn,
    timeoutMs: 15_000,
    // A deploy gate must not flap with the provider's uptime or the runner's network: reported, not fatal, unless asked.
    ...(flags.ci && !flags.failOnNetwork ? { notFatal: NETWORK_RULES } : {}),
  };
}

/** Writes a report file whole or not at all. */
async function writeReport(cwd: string, file: string, text: string): Promise<void> {
  await writeFileAtomic(resolve(cwd, file), text).catch((e: unknown) => {
    throw failure(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'Pass a path in a folder you can write to.');
  });
}

/** `keyward doctor`: runs every check and shows the report as JSON, plain text or an Ink view. */
export async function doctorCommand(flags: DoctorFlags, deps: Deps): Promise<Outcome> {
  const options = doctorOptions(flags);
  const io = { root: deps.cwd, env: deps.env, git: deps.git, keychain: deps.keychain, platform: deps.platform, now: deps.now, version: deps.version };
  const rich = deps.terminal.rich && !flags.json && !flags.ci;

  let report;
  if (rich) {
    const { openScreen } = await import('../ui/screen.js');
    const { createElement } = await import('react');
    const { DoctorView, Working } = await import('../ui/DoctorView.js');
    const screen = openScreen(deps.stdout, createElement(Working, { label: 'Checking keys…' }));
    report = await runDoctor(io, options, DOCTOR_CHECKS);
    await screen.finish(createElement(DoctorView, { root: report.root, presentation: present(report) }));
  } else {
    report = await runDoctor(io, options, DOCTOR_CHECKS);
    deps.stdout.write(flags.json ? renderJson(report) : renderText(report));
  }

  if (flags.markdown) await writeReport(deps.cwd, flags.markdown, renderMarkdown(report));
  if (flags.sarif) await writeReport(deps.cwd, flags.sarif, (await import('../report/sarif.js')).renderSarif(report));
  return report.summary.failed ? FINDINGS : OK;
}
