import type { Env } from '../core/io.js';
import type { CheckResult, CheckStatus, Finding } from '../core/finding.js';
import type { ProgressSink } from '../core/progress.js';
import type { CallReport } from '../core/report.js';
import type { GitRunner } from '../git/git.js';
import type { RepoState } from '../git/repo.js';
import type { Provider } from '../providers/index.js';
import type { ProjectInfo } from '../project/detect.js';
import type { Framework } from '../project/framework.js';
import type { CollectedKeys, KeychainStatus } from '../stores/collect.js';
import type { ScanResult } from '../scanner/index.js';
import type { KeyRecord } from '../stores/key-records.js';
import type { KeyEntry, ResolvedKey } from '../stores/types.js';

/** How far the doctor may reach over the network. */
export type LiveMode = 'off' | 'auth' | 'full';

/** Everything a check may look at; checks read files through `readFile`/`stat` given here. */
export interface CheckContext {
  /** Absolute project root. */
  root: string;
  repo: RepoState;
  project: ProjectInfo;
  /** In a monorepo, for repository-wide checks: each app's folder (from the root) and framework. */
  appFrameworks?: Array<{ path: string; framework: Framework }>;
  /** Providers the project uses (dependencies, .env files, --provider). */
  providers: Provider[];
  /** Every key value found, in resolution order. */
  entries: KeyEntry[];
  /** Per provider with at least one value: who wins, what is shadowed. */
  resolved: ResolvedKey[];
  /** Every `.env*` file as read, loaded by the current mode or not. */
  dotenvFiles: CollectedKeys['files'];
  keychain: KeychainStatus;
  env: Env;
  git: GitRunner;
  now: () => Date;
  live: LiveMode;
  history: boolean;
  /** Per-call timeout for live calls, in milliseconds. */
  timeoutMs: number;
  /** The records of when keyward stored each key (the user's state folder), read once per doctor run. */
  keyRecords: () => Promise<KeyRecord[]>;
  /** `--rotation-days`, when given. */
  rotationDays?: number;
  /** Told where the long steps stand (the scan, the live calls). */
  progress?: ProgressSink;
  /** Stops the scan's git processes (Ctrl-C). */
  signal?: AbortSignal;
  /** The repository's exposure scan, started by the doctor before it read the apps: its result, given the fingerprints of the keys the project uses now. */
  scan?: (active: ReadonlySet<string>) => Promise<ScanResult>;
}

export interface CheckOutcome {
  status: CheckStatus;
  findings: Finding[];
  note?: string;
  calls?: CallReport[];
  /** For a check made of several named parts (the scanner's worktree and history): their entries replace this check's own. */
  parts?: CheckResult[];
}

/** One named doctor check: context in, findings out. */
export interface Check {
  id: string;
  /** `repo` checks run once for the whole repository (the scanner, the keychain); the others once per app of a monorepo. */
  scope?: 'app' | 'repo';
  /** Reads the exposure scan (`ctx.scan`): the doctor starts it first, and its reading of the files stands in for the apps' own. */
  usesScan?: boolean;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}
