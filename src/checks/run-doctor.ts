import type { CheckResult, Finding } from '../core/finding.js';
import type { ProgressSink } from '../core/progress.js';
import type { Env } from '../core/io.js';
import { summarize, sortFindings, type AppReport, type CallReport, type Report, type ResolvedKeyReport } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import type { GitRunner } from '../git/git.js';
import { inspectRepo, type RepoState } from '../git/repo.js';
import { identifyKey } from '../providers/index.js';
import { scrubKeys } from '../providers/scrub.js';
import type { CodeFileReader } from '../project/code-reads.js';
import { listDirOnce, readText, type ListDir } from '../project/read.js';
import { detectProject, type ProjectInfo } from '../project/detect.js';
import { detectApps, owningApp } from '../project/workspace.js';
import { existsSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { collectKeysInStages } from '../stores/collect.js';
import { readKeyRecords, type KeyRecord } from '../stores/key-records.js';
import type { KeychainOpener } from '../stores/keychain-backend.js';
import { scanProject, type ReadTap, type ScanResult } from '../scanner/index.js';
import { resolveKeys } from '../stores/resolve.js';
import type { ResolvedKey } from '../stores/types.js';
import { gateMissingKeys } from './missing-gate.js';
import { sharedCodeReads } from './shared-reads.js';
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
  /** The user's state folder, where keyward records when it stored each key. */
  stateDir: string;
}

export interface DoctorOptions {
  providerIds: readonly string[];
  live: LiveMode;
  history: boolean;
  /** Reuse what earlier scans found in unchanged files and blobs (`--no-cache`: false). @default true */
  cache?: boolean;
  failOn: Severity;
  timeoutMs: number;
  /** Rules reported but never failing the run (`--ci`: the provider unreachable from the CI runner). */
  notFatal?: ReadonlySet<string>;
  /** Days after which a key is due for rotation; else package.json's `keyward.rotationDays`, else 90. */
  rotationDays?: number;
  /** `--ci`: a missing key is a note unless `requireKeys` (`--require-keys`) or the project's own setting says the gate needs it. */
  ciGate?: { requireKeys: boolean };
  /** Told where the long steps stand (the scan, the live calls, the apps), for a progress line. */
  progress?: ProgressSink;
  /** Stops the scan's git processes (Ctrl-C). */
  signal?: AbortSignal;
}

/** The report's `keys`: per provider, the winner and the different keys it shadows. */
export function keysReport(resolved: readonly ResolvedKey[]): ResolvedKeyReport[] {
  // An empty value is no key in use (`missing.empty` says so), and its fingerprint would be the empty string's.
  return resolved.filter(({ winner }) => winner.secret.reveal().trim() !== '').map(({ provider, winner, shadowed }) => ({
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

/** What the doctor reads once for all its apps: each source file's reads (from the scan), each folder's listing, the key records. */
interface SharedReads {
  code?: CodeFileReader;
  list?: ListDir;
  records?: () => Promise<KeyRecord[]>;
  /** docker compose's env files by the folder each service is built from, read in the folder the doctor runs in. */
  compose?: Promise<{ root: string; files: Map<string, string[]> } | undefined>;
}

/**
 * The compose file of `root`, if any, read once for every app. Its YAML parser (a tenth of the CLI's
 * code) loads only when there is one: the wizard's first question and a doctor without compose never pay for it.
 */
async function readCompose(root: string): Promise<{ root: string; files: Map<string, string[]> } | undefined> {
  // The names docker compose looks for, in its order.
  for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']) {
    const text = await readText(join(root, name));
    if (text !== undefined) return { root, files: (await import('../project/compose.js')).composeEnvFiles(text) };
  }
  return undefined;
}

/** The env files compose gives the service built from `appRoot`, relative to it (`../.env`). */
function composeFilesFor(compose: { root: string; files: Map<string, string[]> } | undefined, appRoot: string): string[] {
  if (!compose) return [];
  const folder = relative(compose.root, appRoot).split(sep).join('/') || '.';
  return (compose.files.get(folder) ?? []).map((f) => posix.relative(folder, f));
}

/**
 * Reads the project and its keys: the context every check gets. `nested` are folders of apps inside it, relative to it: theirs, not its.
 * `repo`, when the caller already knows it (an app inside the root's repository), spares asking git again;
 * `shared` spares reading again what the scan read (`code`) and listing again a folder already listed (`list`).
 */
export async function buildContext(
  io: DoctorIO,
  opts: DoctorOptions,
  nested: readonly string[] = [],
  known?: RepoState | Promise<RepoState>,
  shared: SharedReads = {},
): Promise<CheckContext> {
  return contextInStages(io, opts, nested, known, shared).complete();
}

/** What is known before the keychain answers: git, the project, and its keys from the environment and `.env*` files. */
export interface EarlyContext {
  repo: RepoState;
  project: ProjectInfo;
  resolved: ResolvedKey[];
}

/**
 * buildContext in two stages, for the wizard: `early` without the keychain (its helper is a Node
 * process of its own, the slowest part of the read), `complete` with it; the keychain is opened
 * when `complete` is first called.
 */
export function contextInStages(
  io: DoctorIO,
  opts: DoctorOptions,
  nested: readonly string[] = [],
  known?: RepoState | Promise<RepoState>,
  shared: SharedReads = {},
): { early: Promise<EarlyContext>; complete: () => Promise<CheckContext> } {
  const { records, compose, ...reads } = shared;
  const keyRecords = records ?? keyRecordsOnce(io.stateDir);
  const read = Promise.all([
    known ?? inspectRepo(io.git, io.root),
    Promise.resolve(compose).then((c) =>
      detectProject(io.root, { mode: io.env.NODE_ENV || 'development', providerIds: opts.providerIds, exclude: nested, composeFiles: composeFilesFor(c, io.root), ...reads }),
    ),
  ]).then(([repo, project]) => ({ repo, project, keys: collectKeysInStages({ project, env: io.env, keychain: io.keychain, platform: io.platform }) }));
  const early = read.then(async ({ repo, project, keys }) => ({ repo, project, resolved: resolveKeys((await keys.local).entries) }));
  let complete: Promise<CheckContext> | undefined;
  const withKeychain = (): Promise<CheckContext> => read.then(async ({ repo, project, keys }): Promise<CheckContext> => {
    const collected = await keys.all();
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
      keyRecords,
      ...(opts.rotationDays ? { rotationDays: opts.rotationDays } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
  });
  return { early, complete: () => (complete ??= withKeychain()) };
}

/** The key records in `stateDir`, read when first asked for and then kept. */
function keyRecordsOnce(stateDir: string): () => Promise<KeyRecord[]> {
  let records: Promise<KeyRecord[]> | undefined;
  return () => (records ??= readKeyRecords(stateDir));
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

/** A path relative to the app at `app`, from the root: `backend/../.env` (a file found above the app) is `.env`. */
function fromRoot(app: string, file: string): string {
  return app === '.' ? file : posix.normalize(`${app}/${file}`);
}

/** An app's findings, keys and checks as the repository sees them: paths from the root, tagged with the app. */
function inApp(app: string, r: { results: CheckResult[]; findings: Finding[]; calls: CallReport[] }, keys: ResolvedKeyReport[]) {
  const prefix = (file: string) => fromRoot(app, file);
  return {
    results: r.results.map((c) => ({ ...c, app })),
    findings: r.findings.map((f) => ({
      ...f,
      app,
      ...(f.location ? { location: { ...f.location, file: prefix(f.location.file) } } : {}),
      // Fix commands name files relative to the app, as its own tools do.
      ...(app === '.' ? {} : { fix: `In ${app}: ${f.fix}` }),
    })),
    calls: r.calls.map((c) => ({ ...c, app })),
    keys: keys.map((k) => ({ ...k, app, file: k.file === null ? null : prefix(k.file), shadows: k.shadows.map((s) => ({ ...s, file: s.file === null ? null : prefix(s.file) })) })),
  };
}

/**
 * A monorepo: every app checked on its own, the repository-wide checks once (issue 7). Each app's
 * checks start as soon as its context is built; the repository-wide ones once every context is.
 */
async function runMonorepo(io: DoctorIO, opts: DoctorOptions, checks: readonly Check[], apps: string[], root: Promise<CheckContext>, repoState: Promise<RepoState>, shared: SharedReads) {
  const inside = (app: string) => nestedIn(apps, app);
  const appCtxs = apps.map((app) => ({ app, ctx: buildContext({ ...io, root: join(io.root, app) }, opts, inside(app), sameRepo(io.root, app) ? repoState : undefined, shared) }));
  // Rejections are taken by the Promise.all below; until it runs, a failed app must not count as unhandled.
  for (const { ctx } of appCtxs) ctx.catch(() => undefined);
  const rootCtx = await root;
  // The root is an app of its own when it names providers or holds keys.
  const units = [...(rootCtx.providers.length || rootCtx.entries.length ? [{ app: '.', ctx: root }] : []), ...appCtxs];
  let done = 0;
  opts.progress?.({ step: 'apps', done, total: units.length });
  // The repository-wide checks (the scan, started before the apps were read) run beside the apps' own checks, not after them.
  const [parts, repo] = await Promise.all([
    Promise.all(
      units.map(async ({ app, ctx: built }) => {
        const ctx = await built;
        const part = inApp(app, await runChecks(ctx, checks.filter((c) => c.scope !== 'repo'), io.now), keysReport(ctx.resolved));
        done += 1;
        opts.progress?.({ step: 'apps', done, total: units.length });
        return part;
      }),
    ),
    (async () => {
      const ctxs = await Promise.all(units.map(async ({ app, ctx }) => ({ app, ctx: await ctx })));
      const repoCtx: CheckContext = {
        ...rootCtx,
        appFrameworks: ctxs.filter(({ app }) => app !== '.').map(({ app, ctx }) => ({ path: app, framework: ctx.project.framework })),
        resolved: ctxs.flatMap((u) => u.ctx.resolved),
        dotenvFiles: ctxs.flatMap(({ app, ctx }) => ctx.dotenvFiles.filter((f) => !f.ref.inherited).map((f) => ({ ...f, ref: { ...f.ref, file: app === '.' ? f.ref.file : `${app}/${f.ref.file}` } }))),
      };
      return runChecks(repoCtx, checks.filter((c) => c.scope === 'repo'), io.now);
    })(),
  ]);
  return {
    results: [...parts.flatMap((p) => p.results), ...repo.results],
    findings: [...parts.flatMap((p) => p.findings), ...repo.findings.map((f) => attribute(f, units.map((u) => u.app)))],
    calls: parts.flatMap((p) => p.calls),
    keys: parts.flatMap((p) => p.keys),
    apps: await Promise.all(units.map(async ({ app, ctx }) => describeApp(app, await ctx))),
  };
}

/**
 * The apps below `app`, relative to it. `apps` is sorted, so they sit side by side from where
 * `app/` would go: found by halving, not by testing 255 apps for each of 255.
 */
function nestedIn(apps: readonly string[], app: string): string[] {
  const prefix = `${app}/`;
  let lo = 0;
  let hi = apps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (apps[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < apps.length && apps[i]!.startsWith(prefix); i += 1) out.push(apps[i]!.slice(prefix.length));
  return out;
}

/**
 * An app folder is in the root's repository unless a folder on the way down to it (the app's
 * included) holds a `.git` of its own (a nested repository or a submodule): git is asked once for
 * the whole repository, not twice per app (255 apps made 514 git calls).
 */
function sameRepo(root: string, app: string): boolean {
  let dir = root;
  for (const part of app.split('/')) {
    dir = join(dir, part);
    if (existsSync(join(dir, '.git'))) return false;
  }
  return true;
}

/** What keyward thinks the app at `app` (relative to the root) is: the report's `project` and `apps[]` entries. */
export function describeApp(app: string, ctx: CheckContext): AppReport {
  const prefix = (file: string) => fromRoot(app, file);
  const { project } = ctx;
  return {
    path: app,
    name: project.name,
    language: project.language,
    framework: project.framework.name,
    providers: project.used.map((u) => ({ id: u.provider.id, evidence: u.reasons, variables: u.variables, optional: u.optional })),
    envFiles: project.dotenvFiles.filter((d) => d.order !== null).map((d) => prefix(d.file)),
    templates: project.exampleFiles.map(prefix),
  };
}

/** A repository-wide finding belongs to the app whose folder holds its file, if any. */
function attribute(f: Finding, apps: readonly string[]): Finding {
  const app = f.location?.file ? owningApp(apps, f.location.file) : '.';
  return app === '.' ? f : { ...f, app };
}

/** Starts the repository's scan at once; the keys it marks active are handed over when the check asks for its result. */
function startScan(io: DoctorIO, opts: DoctorOptions, tap: ReadTap): (active: ReadonlySet<string>) => Promise<ScanResult> {
  let give!: (keys: ReadonlySet<string>) => void;
  const active = new Promise<ReadonlySet<string>>((resolve) => {
    give = resolve;
  });
  const result = scanProject({ root: io.root, git: io.git, env: io.env, history: opts.history, cache: opts.cache !== false, active, tap, ...(opts.progress ? { progress: opts.progress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  // The check takes the result; if the doctor fails before it asks, that failure is the one reported.
  result.catch(() => undefined);
  return (keys) => {
    give(keys);
    return result;
  };
}

/** The doctor: one report of everything wrong with the project's keys (design.md `keyward.report/v1`). */
export async function runDoctor(io: DoctorIO, opts: DoctorOptions, checks: readonly Check[]): Promise<Report> {
  const start = io.now().getTime();
  // The scan starts first: git's walk of the history is the longest step, and the apps' code is read once, by the scan.
  const fromScan = checks.some((c) => c.usesScan) ? sharedCodeReads(io.root) : undefined;
  const scan = fromScan ? startScan(io, opts, fromScan.tap) : undefined;
  // Every app's key-age check asks for the same records: one read serves them all.
  const shared: SharedReads = { list: listDirOnce(), records: keyRecordsOnce(io.stateDir), compose: readCompose(io.root), ...(fromScan ? { code: fromScan.read } : {}) };
  const repoState = inspectRepo(io.git, io.root);
  // Taken by the contexts below; a git that fails while the apps are searched for is reported there, not as unhandled.
  repoState.catch(() => undefined);
  const apps = await detectApps(io.root, shared.list);
  // The apps are read once the scan has read the working tree: their code's reads come from that
  // reading, and until it ends this thread is the scan's (git's walk and cat-file wait for it to
  // take their output), while the history's reading after it leaves the thread idle between cat-file's answers.
  if (fromScan) await fromScan.over;
  // The root owns only what no app owns: its walk of the code stops at every app folder.
  const built = buildContext(io, opts, apps, repoState, shared);
  const withScan = scan ? built.then((c) => ({ ...c, scan })) : built;
  const r = apps.length
    ? await runMonorepo(io, opts, checks, apps, withScan, repoState, shared)
    : await withScan.then(async (c) => ({ ...(await runChecks(c, checks, io.now)), keys: keysReport(c.resolved), apps: undefined }));
  const ctx = await built;
  const sorted = sortFindings(r.findings);
  const report: Report = {
    schema: 'keyward.report/v1',
    tool: { name: 'keyward', version: io.version },
    root: io.root,
    durationMs: io.now().getTime() - start,
    project: describeApp('.', ctx),
    summary: summarize(sorted, opts.failOn, opts.notFatal),
    checks: r.results,
    keys: r.keys,
    findings: sorted,
    ...(r.calls.length ? { calls: r.calls } : {}),
    ...(r.apps ? { apps: r.apps } : {}),
  };
  if (!opts.ciGate) return report;
  const requireKeys = opts.ciGate.requireKeys || ctx.project.requireKeys;
  return gateMissingKeys(report, { requireKeys, failOn: opts.failOn, ...(opts.notFatal ? { notFatal: opts.notFatal } : {}) });
}
