import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { contextInStages, keysReport, type DoctorIO } from '../checks/run-doctor.js';
import { askForKey, pipedKey } from '../checks/paste.js';
import { aKeyOf, dashboardForm } from '../checks/secret-ref.js';
import { frameworkLoads } from '../checks/advice.js';
import { cancelled, failure, needsAnswer, usageError } from '../core/errors.js';
import { beforeChanges, type BeforeChanges } from '../core/interrupt.js';
import type { Secret } from '../core/secret.js';
import { ignoredPaths, trackedPaths, untrack } from '../git/repo.js';
import type { Framework } from '../project/framework.js';
import { findAppStart, type AppStart } from '../project/start-command.js';
import { findProvider, PROVIDER_IDS, PROVIDERS, type Provider } from '../providers/index.js';
import type { Choice, Prompter } from '../prompts/types.js';
import { withFileLock, writeFileAtomic } from '../stores/atomic-write.js';
import { readEditTarget, resolveProjectFile } from '../stores/project-file.js';
import { secretFor } from '../stores/collect.js';
import { appendLine, assignsVariable, setDotenvValue } from '../stores/dotenv-edit.js';
import type { KeyRecorder } from '../stores/key-records.js';
import { keychainAccount, keychainProject, storeProjectKey } from '../stores/keychain.js';
import type { KeychainProblem } from '../stores/keychain-backend.js';
import { applySteps, type ApplyStep } from './apply.js';
import { failureKind, failureMenu, untestedWarning, type NextStep } from './test-outcome.js';
import type { HookPort, KeychainSurvey, KeyTester, LoadAdvice, SetupChange, SetupView, Survey } from './types.js';

export interface SetupFlags {
  provider?: string;
  store?: 'keychain' | 'dotenv';
  envFile?: string;
  keyStdin?: boolean;
  yes?: boolean;
  skipTest?: boolean;
}

export interface SetupPorts {
  /** null without a terminal: then every answer must come from a flag. */
  prompter: Prompter | null;
  view: SetupView;
  test: KeyTester;
  readStdin: () => Promise<string>;
  /** Records when the key was stored (fingerprint only), for the doctor's key-age check. */
  recordKey?: KeyRecorder;
  /** The pre-commit hook that keeps the key out of commits from now on. */
  hook?: HookPort;
  /** Aborted by Ctrl-C while no prompt reads the terminal (the prompts turn it into a `cancelled` error themselves). */
  interrupt?: AbortSignal;
  /**
   * Resolves once the first question is on screen. The keychain is opened then, unless a question
   * needs it sooner: its helper, a Node process, started earlier takes the CPU that question needs.
   * Without it, the keychain is opened at once.
   */
  firstQuestion?: Promise<void>;
}

/** How the wizard ended: stored, or why not (`declined`: the person answered No at "Store…?"). */
export type SetupResult =
  | { stored: true; provider: string; store: 'keychain' | 'dotenv' }
  | { stored: false; reason: 'test-failed' | 'declined' }
  | { stored: false; reason: 'no-keychain'; problem: KeychainProblem };

/** The provider to offer first: one the project uses (`used`, in the project's order) that has no key yet, else one it uses, else OpenAI. */
export function defaultProvider(used: readonly string[], withKey: ReadonlySet<string>): string {
  return used.find((u) => !withKey.has(u)) ?? used[0] ?? 'openai';
}

/**
 * Whether keys the keychain may hold could change defaultProvider, given the providers with a key
 * in the environment or a .env file: only when the project uses several providers and one without
 * such a key is not the first it uses. Else the default is known before the keychain answers.
 */
export function keychainDecidesDefault(used: readonly string[], withLocalKey: ReadonlySet<string>): boolean {
  return used.some((u) => !withLocalKey.has(u) && u !== used[0]);
}

/** Step 1's end: whether the keychain can be used, and each provider's key where the keychain holds one. */
function keychainSurvey(ctx: Context): KeychainSurvey {
  return { status: ctx.keychain, keys: keysReport(ctx.resolved.filter((r) => r.all.some((e) => e.source === 'keychain'))) };
}

const KEYWARD_CONFIG_ESM = "import 'keyward/config';";

/** The first line that loads keyward/config in the entry file: `require` in a CommonJS JavaScript file, `import` elsewhere. */
function firstLine(start: AppStart): string {
  return start.kind === 'node' && start.module === 'cjs' && !/\.[cm]?ts$/.test(start.entry ?? '') ? "require('keyward/config');" : KEYWARD_CONFIG_ESM;
}

/** With the key in the keychain: the recipe that fits how the app starts (docs/lifecycle.md, each one tested in a real app). */
function keychainLines(start: AppStart, framework: Framework | undefined): LoadAdvice['lines'] {
  if (framework?.id === 'nextjs') {
    return [
      { label: 'instrumentation.ts, next to app/: loads the key before the server code', code: "export async function register() { if (process.env.NEXT_RUNTIME === 'nodejs') await import('keyward/config'); }" },
      { label: 'next.config: keyward runs from node_modules, not from the server bundle', code: "serverExternalPackages: ['keyward']" },
    ];
  }
  if (start.kind === 'python') {
    return [{ label: start.command ? 'Run the app with the key in its environment' : 'Run the app with the key in its environment: its start command after --', code: `keyward run -- ${start.command ?? '<start command>'}` }];
  }
  if (start.kind === 'unknown') {
    return [
      { label: 'Run the app with the key in its environment: its start command after --', code: 'keyward run -- <start command>' },
      { label: "Or, in Node, as the entry file's first line", code: KEYWARD_CONFIG_ESM },
    ];
  }
  if (start.entry) {
    return [
      { label: `Start ${start.entry} with the key in its environment`, code: `${start.runner} --import keyward/config ${start.entry}` },
      { label: `Or as the first line of ${start.entry}`, code: firstLine(start) },
    ];
  }
  return [
    ...(start.hasStartScript ? [{ label: 'Run the app with the key in its environment', code: 'keyward run -- npm start' }] : []),
    { label: `${start.hasStartScript ? 'Or as' : 'As'} the first line of the app's entry file`, code: firstLine(start) },
  ];
}

/**
 * Step 6: the lines that make the app read the key, for the project's language, framework and
 * start (its entry file or start command, never a guessed one); nothing is written into the user's code.
 */
export function loadAdvice(
  store: 'keychain' | 'dotenv',
  variable: string,
  file: string | null,
  language: 'node' | 'python' | 'unknown' = 'unknown',
  framework?: Framework,
  start: AppStart = language === 'node' ? { kind: 'node', entry: null, runner: 'node', module: 'cjs', hasStartScript: false } : language === 'python' ? { kind: 'python', command: null } : { kind: 'unknown' },
): LoadAdvice {
  // Next.js, Vite, Nuxt and their kin read the file themselves: a dotenv line would be noise (issue 11).
  if (store === 'dotenv' && framework && frameworkLoads(framework, file ?? '.env', variable)) {
    return { store, variable, file, lines: [{ label: `${framework.name} loads ${file ?? '.env'} itself; start the app as usual`, code: 'npm run dev' }] };
  }
  if (store === 'keychain') return { store, variable, file, lines: keychainLines(start, framework) };
  const f = file ?? '.env';
  const node = language !== 'python';
  const python = language !== 'node';
  const entry = start.kind === 'node' && start.runner === 'node' && framework?.id !== 'nextjs' ? start.entry : null;
  return {
    store,
    variable,
    file,
    lines: [
      ...(node ? [{ label: 'Node (dotenv)', code: f === '.env' ? "import 'dotenv/config';" : `import { config } from 'dotenv'; config({ path: '${f}' });` }] : []),
      ...(entry ? [{ label: 'Node 22+ without a dependency', code: `node --env-file=${f} ${entry}` }] : []),
      ...(python ? [{ label: 'Python (python-dotenv)', code: f === '.env' ? 'from dotenv import load_dotenv; load_dotenv()' : `from dotenv import load_dotenv; load_dotenv("${f}")` }] : []),
    ],
  };
}

/** Asks, or without a terminal fails with exit 2 naming the flag that gives the answer (`flagHelp`: "--flag: how"). */
async function ask<T>(prompter: Prompter | null, flagHelp: string, question: (p: Prompter) => Promise<T>): Promise<T> {
  if (!prompter) {
    const [flag, ...how] = flagHelp.split(':');
    throw needsAnswer(`an answer is needed and there is no terminal to ask: ${flag} is missing.`, how.join(':').trim());
  }
  return question(prompter);
}

/** Every answer of the wizard, gathered before anything is written. */
interface Answers {
  provider: Provider;
  store: 'keychain' | 'dotenv';
  key: Secret;
  /** The Done screen's warning for a key stored without a passing test. */
  untested: string | null;
  dotenv: { plan: DotenvPlan; envRel: string; git: GitAnswers } | null;
  hook: boolean;
}

/**
 * The wizard: survey, provider, store, key (masked, checked as entered), test calls, consent, git
 * hygiene and the hook are all asked first; only then are the changes made, the ignore line
 * before the key, so Ctrl-C at any question leaves every file and keychain entry as it was, and
 * Ctrl-C during the changes says what was done and what was not. A key that fails its test is not
 * stored unless the person chooses to keep it.
 */
export async function runSetup(io: DoctorIO, flags: SetupFlags, ports: SetupPorts): Promise<SetupResult> {
  const interrupt = ports.interrupt;
  const guard = beforeChanges(interrupt);
  const stages = contextInStages(io, { providerIds: flags.provider ? [flags.provider] : [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 });
  const readKeychain = (): Promise<Context> => {
    const complete = stages.complete();
    // Awaited at the first question that needs the keychain; a read that fails is reported through `early`.
    complete.catch(() => undefined);
    return complete;
  };
  if (ports.firstQuestion) void ports.firstQuestion.then(readKeychain);
  else readKeychain();
  const early = await guard.race(stages.early);
  const info = early.project;
  const survey: Survey = {
    root: io.root,
    project: info.name,
    git: early.repo.kind,
    used: info.used.map((u) => ({ provider: u.provider.id, reasons: u.reasons })),
    keys: keysReport(early.resolved),
  };
  ports.view.survey(survey);
  let shown = false;
  // The keychain's lines are shown once, before the first question that needs them, never while a question is on screen.
  const withKeychain = async (): Promise<Context> => {
    const ctx = await guard.race(readKeychain());
    if (!shown) ports.view.keychain(keychainSurvey(ctx));
    shown = true;
    return ctx;
  };
  // The store asked for cannot be used: said before any question, not after the key was pasted.
  if (flags.store === 'keychain') {
    const ctx = await withKeychain();
    if (!ctx.keychain.usable) return { stored: false, reason: 'no-keychain', problem: ctx.keychain.problem };
  }
  let answers: Answers | SetupResult;
  try {
    answers = await guard.race(askAll(io, flags, ports, withKeychain, survey, guard));
  } finally {
    guard.release();
  }
  if ('stored' in answers) return answers;
  const { provider, store, key } = answers;
  const variable = provider.envVars[0]!;
  const steps: ApplyStep[] = [];
  const after: SetupChange[] = [];
  const storeAgain = `run \`keyward setup --provider ${provider.id} --store ${store}${flags.envFile && flags.envFile !== '.env' ? ` --dotenv-file ${flags.envFile}` : ''}\``;
  const record = async (): Promise<void> => {
    // The key is stored by now; a state folder that cannot be written costs only the key-age check.
    await ports.recordKey?.({ provider: provider.id, project: survey.project, fingerprint: key.fingerprint, store }).catch((e: unknown) => {
      ports.view.note('warn', `The date the key was stored was not recorded (${e instanceof Error ? e.message : String(e)}); \`keyward doctor\` cannot tell its age.`);
    });
  };
  const untested = answers.untested ? { warning: answers.untested } : {};
  if (store === 'keychain') {
    const probe = await io.keychain();
    if (!probe.ok) return { stored: false, reason: 'no-keychain', problem: probe.problem };
    steps.push({
      notDone: `Store the key in the OS keychain: ${storeAgain}.`,
      async run() {
        const account = await storeProjectKey(probe.backend, provider.id, await keychainProject(survey.project, info.root), key.reveal()).catch((e: unknown) => {
          throw failure(`the keychain did not store the key: ${e instanceof Error ? e.message : String(e)}`, 'Run `keyward doctor` to see why, or pass --store dotenv.');
        });
        await record();
        return [{ what: `Stored ${key.redacted} (${key.fingerprint}) in the OS keychain as keyward/${account}.`, ...untested }];
      },
    });
  } else {
    const { plan, envRel, git } = answers.dotenv!;
    // git learns to ignore the file before the key is in it: a stop between the two never leaves a committable key.
    steps.push(...gitSteps(io, envRel, git));
    after.push(...gitLeftovers(envRel, git));
    steps.push({
      notDone: `Store the key in ${envRel}: ${storeAgain}.`,
      async run(signal) {
        const before = await withFileLock(
          plan.envPath,
          envRel,
          async () => {
            const text = await readEditTarget(plan.envPath, envRel);
            await writeFileAtomic(plan.envPath, setDotenvValue(text, variable, key.reveal()), 0o600);
            return text;
          },
          signal,
        );
        await record();
        return [{ what: `${before ? 'Updated' : 'Created'} ${envRel}: ${variable}=${key.redacted} (mode 0600; every other line kept).`, ...untested }];
      },
    });
    steps.push({ notDone: `Name ${variable} in .env.example, for the next person: run \`keyward doctor --fix\`.`, run: (signal) => nameInExample(plan.example, variable, signal) });
  }
  if (answers.hook && ports.hook) {
    const hook = ports.hook;
    steps.push({ notDone: 'Install the pre-commit hook: run `keyward hook install`.', run: async () => [{ what: await hook.install() }] });
  }
  const changes = await applySteps(steps, interrupt);
  ports.view.done([...changes, ...after], loadAdvice(store, variable, store === 'dotenv' ? answers.dotenv!.envRel : null, info.language, info.framework, await findAppStart(info.root, info.language)));
  return { stored: true, provider: provider.id, store };
}

type Context = Awaited<ReturnType<ReturnType<typeof contextInStages>['complete']>>;

/** Every question, in the order a person answers them; returns the answers, or the result when the wizard ends without storing. */
async function askAll(io: DoctorIO, flags: SetupFlags, ports: SetupPorts, withKeychain: () => Promise<Context>, survey: Survey, guard: BeforeChanges): Promise<Answers | SetupResult> {
  const { prompter, view } = ports;

  // Step 2: the provider, asked while the keychain helper starts and its lookups run.
  let provider: Provider;
  if (flags.provider) {
    const p = findProvider(flags.provider);
    if (!p) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
    provider = p;
  } else {
    const used = survey.used.map((u) => u.provider);
    const withLocalKey = new Set(survey.keys.map((k) => k.provider));
    // Only where the keychain's keys could change the default is the question asked after the keychain answered.
    const withKey = keychainDecidesDefault(used, withLocalKey) ? new Set(keysReport((await withKeychain()).resolved).map((k) => k.provider)) : withLocalKey;
    const choices: Array<Choice<string>> = PROVIDERS.map((p) => ({ value: p.id, name: p.name, description: p.envVars[0]! }));
    const id = await ask(prompter, '--provider: Pass --provider ID (openai, anthropic, …).', (p) => p.select('Which provider is this key for?', choices, defaultProvider(used, withKey)));
    provider = findProvider(id)!;
  }
  const ctx = await withKeychain();
  const info = ctx.project;

  // Step 4 comes before the key so the key is asked for last and held the shortest time.
  const keychainProblem = ctx.keychain.usable ? null : ctx.keychain.problem;
  let store = flags.store;
  if (!store) {
    store = await ask(prompter, '--store: Pass --store keychain or --store dotenv.', (p) =>
      p.select<'keychain' | 'dotenv'>(
        'Where should the key live?',
        [
          { value: 'keychain', name: 'OS keychain (recommended)', description: 'Never in a file; apps get it through `keyward run` or `keyward/config`.', ...(keychainProblem ? { disabled: `unavailable: ${keychainProblem.reason}` } : {}) },
          { value: 'dotenv', name: `${flags.envFile ?? '.env'} file`, description: 'A file in the project, kept out of git and readable only by you.' },
        ],
        keychainProblem ? 'dotenv' : 'keychain',
      ),
    );
  }
  const envFile = flags.envFile ?? '.env';
  if (/[\r\n\0]/.test(envFile)) throw usageError('--dotenv-file holds a line break', 'Pass one file name, like --dotenv-file .env.local.');
  const envRel = relative(io.root, resolve(io.root, envFile)) || envFile;
  // Every file the dotenv store will write is checked before the key is asked for: a refusal never leaves it half set up.
  const plan = store === 'dotenv' ? await planDotenvWrites(io, ctx.repo.kind === 'repo', envFile, envRel) : null;

  // Step 3 and 5: the key, then its test calls; the same key again, or another, on failure.
  const given = flags.keyStdin ? 'stdin' : 'pasted';
  let key: Secret;
  let untested: string | null;
  keys: for (;;) {
    const tell = (level: 'info' | 'ok' | 'warn' | 'error', line: string) => view.note(level, line);
    const pasted = flags.keyStdin
      ? pipedKey(await ports.readStdin(), provider, io.env, tell, flags.yes === true)
      : await ask(prompter, '--key-stdin: Pipe the key in with --key-stdin (never as an argument).', (p) =>
          askForKey(provider, io.env, {
            ask: () => p.secret(`Paste your ${provider.name} key (${provider.envVars[0]!}); it stays hidden`),
            tell,
            confirm: async (q) => flags.yes === true || p.confirm(q, false),
            switchTo: (other) => switchProvider(p, provider, other),
          }),
        );
    // Another provider's key, taken as that provider's: the provider, and so the variable, change with it.
    if (pasted.provider) provider = pasted.provider;
    key = secretFor(pasted.value, provider);
    untested = null;
    const kind = pasted.kind;
    if (kind === 'admin') {
      view.note('warn', `${key.redacted} is an admin key: it manages the whole organization (members, keys, billing) and cannot make model calls. An app needs only a project key, ideally restricted to the models it uses; create one at ${provider.dashboard.keys}.`);
      if (!flags.yes && !(await ask(prompter, '--yes: Pass --yes to store an admin key anyway.', (p) => p.confirm('Store this admin key anyway?', false)))) {
        if (flags.keyStdin || !prompter) throw cancelled('Not stored: an admin key needs an explicit yes.');
        continue;
      }
    } else if (kind === 'legacy') {
      view.note('warn', `${key.redacted} is a legacy user key: it reaches every project of the account. A project key at ${provider.dashboard.keys} limits the damage if it leaks.`);
    }

    if (flags.skipTest) {
      untested = untestedWarning('skipped', provider);
      break;
    }
    const baseURL = ports.test.endpoint(provider);
    if (!baseURL) {
      view.note('info', `${provider.name} has no API keyward can call; the key was not tested.`);
      break;
    }
    const tested = key;
    const target = { provider, key: tested, baseURL, timeoutMs: ports.test.timeoutMs };
    for (;;) {
      const results = await guard.viewOwns(() => view.testCalls(target, (onCall) => ports.test.run(provider, tested, onCall, given), ports.interrupt));
      const failed = results.filter((r) => !r.call.ok && !r.call.skipped);
      if (failed.length === 0) {
        view.note('ok', 'The key works: a completion and a streamed completion both answered.');
        break keys;
      }
      const why = failureKind(failed);
      if (!prompter) {
        if (flags.yes && why === 'unreachable') {
          view.note('warn', `${provider.name} could not be reached; storing the key untested because of --yes.`);
          untested = untestedWarning(why, provider);
          break keys;
        }
        return { stored: false, reason: 'test-failed' };
      }
      const menu = failureMenu(why, failed, provider, ports.test.timeoutMs);
      const next = await prompter.select<NextStep>(menu.question, menu.choices, menu.default);
      if (next === 'retest') continue;
      if (next === 'another') continue keys;
      if (next === 'stop') return { stored: false, reason: 'test-failed' };
      untested = untestedWarning(why, provider);
      break keys;
    }
  }

  // Consent, after saying which key it replaces.
  const account = keychainAccount(provider.id, await keychainProject(survey.project, info.root));
  const where = store === 'keychain' ? `the OS keychain (service keyward, account ${account})` : `${envRel} (mode 0600)`;
  noteReplaced(view, ctx, provider, key, store === 'keychain' ? { source: 'keychain', account } : { source: 'dotenv', file: envRel });
  if (!flags.yes) {
    const ok = await ask(prompter, '--yes: Pass --yes to store the key without a question.', (p) => p.confirm(`Store ${key.redacted} in ${where}?`, true));
    if (!ok) {
      view.note('info', 'The key was not stored (you answered No); nothing was changed.');
      return { stored: false, reason: 'declined' };
    }
  }
  const git = store === 'dotenv' && ctx.repo.kind === 'repo' ? await askGitHygiene(io, envRel, flags, prompter) : { untrack: null, ignore: null };
  const hook = Boolean(ports.hook && prompter && !flags.yes && (await ports.hook.offered()) && (await prompter.confirm('Install a git pre-commit hook that stops any commit adding a key?', true)));
  return { provider, store, key, untested, dotenv: plan ? { plan, envRel, git } : null, hook };
}

/** After another provider's key was pasted: take it as that provider's key, or paste the one asked for. */
async function switchProvider(prompter: Prompter, provider: Provider, other: Provider): Promise<boolean> {
  const choice = await prompter.select<'switch' | 'paste'>(
    'What now?',
    [
      { value: 'switch', name: `Use it as ${aKeyOf(other.name)}`, description: `The provider becomes ${other.name}, and the key is stored as ${other.envVars[0]!}.` },
      { value: 'paste', name: `Paste ${provider.name}'s key` },
    ],
    'switch',
  );
  return choice === 'switch';
}

/** Before the consent: the key already stored where this one goes, as the dashboard lists it, and where to revoke it; keys stored elsewhere, which stay. */
function noteReplaced(view: SetupView, ctx: Context, provider: Provider, key: Secret, place: { source: 'keychain'; account: string } | { source: 'dotenv'; file: string }): void {
  const entries = (ctx.resolved.find((r) => r.provider.id === provider.id)?.all ?? []).filter((e) => e.source !== 'env');
  const isTarget = (e: (typeof entries)[number]): boolean => (place.source === 'keychain' ? e.source === 'keychain' && e.account === place.account : e.source === 'dotenv' && e.file === place.file);
  for (const other of entries.filter((e) => !isTarget(e) && e.secret.fingerprint !== key.fingerprint)) {
    view.note('info', `${other.source === 'keychain' ? 'The OS keychain' : other.file} also holds ${aKeyOf(provider.name)}, ${dashboardForm(other.secret, provider)} (${other.secret.fingerprint}); it is not changed. \`keyward rotate\` replaces a stored key and finds its copies.`);
  }
  const old = entries.find(isTarget);
  if (!old) return;
  const holder = place.source === 'keychain' ? 'The OS keychain' : place.file;
  if (old.secret.fingerprint === key.fingerprint) {
    view.note('info', `${holder} already holds this key; storing it again changes nothing.`);
    return;
  }
  view.note(
    'warn',
    `${holder} already holds ${aKeyOf(provider.name)}, ${dashboardForm(old.secret, provider)} (${old.secret.fingerprint}); storing replaces it. The old key keeps working until you revoke it at ${provider.dashboard.revoke}. \`keyward rotate\` replaces a stored key and finds its copies.`,
  );
}

/** The real paths the dotenv store writes, each checked: inside the project, a regular file or none yet, readable, in a writable folder. */
interface DotenvPlan {
  envPath: string;
  example: string;
}

async function writableFolder(path: string, rel: string): Promise<void> {
  await access(dirname(path), constants.W_OK).catch((e: NodeJS.ErrnoException) => {
    throw failure(`${rel} cannot be written: its folder is ${e.code === 'EROFS' ? 'on a read-only file system' : 'not writable'} (${e.code ?? 'unknown error'})`, 'Make the project folder writable, or run keyward as its owner.');
  });
}

async function planDotenvWrites(io: DoctorIO, inRepo: boolean, envFile: string, envRel: string): Promise<DotenvPlan> {
  const envPath = await resolveProjectFile(io.root, envFile);
  await readEditTarget(envPath, envRel);
  await writableFolder(envPath, envRel);
  if (inRepo && !(await ignoredPaths(io.git, io.root, [envRel])).has(envRel)) {
    const gitignore = join(io.root, '.gitignore');
    const st = await lstat(gitignore).catch(() => null);
    if (st?.isSymbolicLink()) {
      throw failure('.gitignore is a link; git does not read a .gitignore that is a symbolic link, so a line added there would not keep the key out of git', 'Replace the link with a regular .gitignore file (copy its lines), then run setup again.');
    }
    await readEditTarget(await resolveProjectFile(io.root, '.gitignore'), '.gitignore');
  }
  const example = await resolveProjectFile(io.root, '.env.example');
  await readEditTarget(example, '.env.example');
  await writableFolder(example, '.env.example');
  return { envPath, example };
}

/** Appends `line` to the file at `path` unless `has` says it is there, under the file's lock; true when it was added. */
async function appendOnce(path: string, rel: string, line: string, has: (text: string) => boolean, mode: number, signal: AbortSignal | undefined): Promise<boolean> {
  return withFileLock(
    path,
    rel,
    async () => {
      const text = await readEditTarget(path, rel);
      if (has(text)) return false;
      await writeFileAtomic(path, appendLine(text, line), mode);
      return true;
    },
    signal,
  );
}

/** The answers about git for a .env: stop tracking a committed one, add the ignore line; null where nothing is to do. */
interface GitAnswers {
  untrack: boolean | null;
  ignore: { line: string; yes: boolean } | null;
}

/** The git questions for a .env, asked with the others before anything is written. */
async function askGitHygiene(io: DoctorIO, envRel: string, flags: SetupFlags, prompter: Prompter | null): Promise<GitAnswers> {
  const consent = async (question: string): Promise<boolean> => flags.yes || (prompter ? prompter.confirm(question, true) : false);
  const untrack = (await trackedPaths(io.git, io.root, [envRel])).has(envRel) ? await consent(`${envRel} is tracked by git. Stop tracking it (git rm --cached; the file stays)?`) : null;
  const line = `/${envRel.split('\\').join('/')}`;
  const ignore = (await ignoredPaths(io.git, io.root, [envRel])).has(envRel) ? null : { line, yes: await consent(`git does not ignore ${envRel}. Add "${line}" to .gitignore?`) };
  return { untrack, ignore };
}

const committedWarning = (envRel: string): string => `${envRel} was committed: every key ever in it is in the history. Revoke those keys at the provider and create new ones.`;

/** The git changes agreed to, made before the key is written. */
function gitSteps(io: DoctorIO, envRel: string, git: GitAnswers): ApplyStep[] {
  const steps: ApplyStep[] = [];
  if (git.untrack) {
    steps.push({
      notDone: `Stop tracking ${envRel}: run \`git rm --cached ${envRel}\`.`,
      async run() {
        await untrack(io.git, io.root, envRel);
        return [{ what: `Stopped tracking ${envRel} (git rm --cached); commit that change.`, warning: committedWarning(envRel) }];
      },
    });
  }
  const ignore = git.ignore;
  if (ignore?.yes) {
    steps.push({
      notDone: `Add "${ignore.line}" to .gitignore: run \`keyward doctor --fix\`.`,
      async run(signal) {
        const gitignore = await resolveProjectFile(io.root, '.gitignore');
        await appendOnce(gitignore, '.gitignore', ignore.line, (text) => text.split(/\r?\n/).includes(ignore.line), 0o644, signal);
        return [{ what: `Added "${ignore.line}" to .gitignore.` }];
      },
    });
  }
  return steps;
}

/** The git changes declined, for the Done screen with the command that makes them. */
function gitLeftovers(envRel: string, git: GitAnswers): SetupChange[] {
  return [
    ...(git.untrack === false ? [{ what: `${envRel} is still tracked by git: run \`git rm --cached ${envRel}\`.`, warning: committedWarning(envRel) }] : []),
    ...(git.ignore && !git.ignore.yes ? [{ what: `git does not ignore ${envRel}: add "${git.ignore.line}" to .gitignore.`, warning: 'A `git add .` would commit the key.' }] : []),
  ];
}

/** After writing a .env: name the variable in .env.example, for the next person. */
async function nameInExample(example: string, variable: string, signal: AbortSignal | undefined): Promise<SetupChange[]> {
  const existed = await lstat(example).then(() => true, () => false);
  if (!(await appendOnce(example, '.env.example', `${variable}=`, (text) => assignsVariable(text, variable), 0o644, signal))) return [];
  return [{ what: `${existed ? 'Updated' : 'Created'} .env.example with ${variable}= (no value), for the next person.` }];
}
