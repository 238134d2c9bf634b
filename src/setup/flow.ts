import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { buildContext, keysReport, type DoctorIO } from '../checks/run-doctor.js';
import { askForKey, pipedKey } from '../checks/paste.js';
import { frameworkLoads } from '../checks/advice.js';
import { cancelled, failure, needsAnswer, usageError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
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
import type { HookPort, KeyTester, LoadAdvice, SetupChange, SetupView, Survey } from './types.js';

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
}

export type SetupResult = { stored: true; provider: string; store: 'keychain' | 'dotenv' } | { stored: false; reason: 'test-failed' };

/** The provider to offer first: one the project uses that has no key yet, else one it uses, else OpenAI. */
export function defaultProvider(survey: Survey): string {
  const withKey = new Set(survey.keys.map((k) => k.provider));
  return survey.used.find((u) => !withKey.has(u.provider))?.provider ?? survey.used[0]?.provider ?? 'openai';
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
  if (store === 'dotenv' && framework && frameworkLoads(framework, file ?? '.env')) {
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

/**
 * The wizard: survey, provider, key (masked, checked as entered), store, test calls, write, git
 * hygiene, how to load. Nothing is written before the person (or `--yes`) agreed, so Ctrl-C at any
 * step leaves every file and keychain entry as it was. A key that fails its test is not stored
 * unless the person chooses to keep it.
 */
export async function runSetup(io: DoctorIO, flags: SetupFlags, ports: SetupPorts): Promise<SetupResult> {
  const { prompter, view } = ports;
  const ctx = await buildContext(io, { providerIds: flags.provider ? [flags.provider] : [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 });
  const info = ctx.project;
  const survey: Survey = {
    root: io.root,
    project: info.name,
    git: ctx.repo.kind,
    used: info.used.map((u) => ({ provider: u.provider.id, reasons: u.reasons })),
    keys: keysReport(ctx.resolved),
    keychain: ctx.keychain,
  };
  view.survey(survey);

  // Step 2: the provider.
  let provider: Provider;
  if (flags.provider) {
    const p = findProvider(flags.provider);
    if (!p) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
    provider = p;
  } else {
    const choices: Array<Choice<string>> = PROVIDERS.map((p) => ({ value: p.id, name: p.name, description: p.envVars[0]! }));
    const id = await ask(prompter, '--provider: Pass --provider ID (openai, anthropic, …).', (p) => p.select('Which provider is this key for?', choices, defaultProvider(survey)));
    provider = findProvider(id)!;
  }
  const variable = provider.envVars[0]!;

  // Step 4 comes before the key so the key is asked for last and held the shortest time.
  const keychainProblem = ctx.keychain.usable ? null : ctx.keychain.problem;
  let store = flags.store;
  if (store === 'keychain' && keychainProblem) {
    throw failure(`the OS keychain cannot be used here: ${keychainProblem.reason}`, `${keychainProblem.fix} Or pass --store dotenv.`);
  }
  if (!store) {
    if (keychainProblem) view.note('warn', `The OS keychain cannot be used here: ${keychainProblem.reason}. ${keychainProblem.fix}`);
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

  // Step 3 and 5: the key, then its test calls; another key on failure.
  let key: Secret;
  for (;;) {
    const tell = (level: 'info' | 'ok' | 'warn' | 'error', line: string) => view.note(level, line);
    const pasted = flags.keyStdin
      ? pipedKey(await ports.readStdin(), provider, io.env, tell, flags.yes === true)
      : await ask(prompter, '--key-stdin: Pipe the key in with --key-stdin (never as an argument).', (p) =>
          askForKey(provider, io.env, { ask: () => p.secret(`Paste your ${provider.name} key (${variable}); it stays hidden`), tell, confirm: async (q) => flags.yes === true || p.confirm(q, false) }),
        );
    key = secretFor(pasted.value, provider);
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

    if (flags.skipTest) break;
    const baseURL = ports.test.endpoint(provider);
    if (!baseURL) {
      view.note('info', `${provider.name} has no API keyward can call; the key was not tested.`);
      break;
    }
    const tested = key;
    const results = await view.testCalls(provider, tested, baseURL, (onCall) => ports.test.run(provider, tested, onCall));
    const failed = results.filter((r) => !r.call.ok && !r.call.skipped);
    if (failed.length === 0) {
      view.note('ok', 'The key works: a completion and a streamed completion both answered.');
      break;
    }
    const networkOnly = failed.every((r) => /^permission\.(network|timeout|server)$/.test(r.call.rule ?? ''));
    if (!prompter) {
      if (flags.yes && networkOnly) {
        view.note('warn', 'The provider could not be reached; storing the key untested because of --yes.');
        break;
      }
      return { stored: false, reason: 'test-failed' };
    }
    const next = await prompter.select<'retry' | 'keep' | 'cancel'>(
      'The key did not pass its test. What now?',
      [
        { value: 'retry', name: 'Enter another key' },
        { value: 'keep', name: 'Store it anyway', description: networkOnly ? 'The provider could not be reached; the key itself may be fine.' : 'Only if you know why the call failed.' },
        { value: 'cancel', name: 'Cancel (nothing is stored)' },
      ],
      networkOnly ? 'keep' : 'retry',
    );
    if (next === 'keep') break;
    if (next === 'cancel') throw cancelled();
  }

  // Consent, then every write.
  const kcProject = await keychainProject(survey.project, info.root);
  const where = store === 'keychain' ? `the OS keychain (service keyward, account ${keychainAccount(provider.id, kcProject)})` : `${envRel} (mode 0600)`;
  if (!flags.yes) {
    const ok = await ask(prompter, '--yes: Pass --yes to store the key without a question.', (p) => p.confirm(`Store ${key.redacted} in ${where}?`, true));
    if (!ok) throw cancelled();
  }
  const changes: SetupChange[] = [];
  if (store === 'keychain') {
    const probe = await io.keychain();
    if (!probe.ok) throw failure(`the OS keychain cannot be used here: ${probe.problem.reason}`, `${probe.problem.fix} Or pass --store dotenv.`);
    const account = await storeProjectKey(probe.backend, provider.id, kcProject, key.reveal()).catch((e: unknown) => {
      throw failure(`the keychain did not store the key: ${e instanceof Error ? e.message : String(e)}`, 'Run `keyward doctor` to see why, or pass --store dotenv.');
    });
    changes.push({ what: `Stored ${key.redacted} (${key.fingerprint}) in the OS keychain as keyward/${account}.` });
  } else {
    const { envPath, example } = plan!;
    // git learns to ignore the file before the key is in it: a kill between the two never leaves a committable key.
    const gitChanges = ctx.repo.kind === 'repo' ? await gitHygiene(io, envRel, flags, prompter) : [];
    const before = await withFileLock(envPath, envRel, async () => {
      const text = await readEditTarget(envPath, envRel);
      await writeFileAtomic(envPath, setDotenvValue(text, variable, key.reveal()), 0o600);
      return text;
    });
    changes.push({ what: `${before ? 'Updated' : 'Created'} ${envRel}: ${variable}=${key.redacted} (mode 0600; every other line kept).` });
    changes.push(...gitChanges, ...(await nameInExample(example, variable)));
  }
  // The key is stored by now; a state folder that cannot be written costs only the key-age check.
  await ports.recordKey?.({ provider: provider.id, project: survey.project, fingerprint: key.fingerprint, store }).catch((e: unknown) => {
    view.note('warn', `The date the key was stored was not recorded (${e instanceof Error ? e.message : String(e)}); \`keyward doctor\` cannot tell its age.`);
  });
  if (ports.hook && prompter && !flags.yes && (await ports.hook.offered())) {
    if (await prompter.confirm('Install a git pre-commit hook that stops any commit that adds a key (keyward hook install)?', true)) {
      changes.push({ what: await ports.hook.install() });
    }
  }
  view.done(changes, loadAdvice(store, variable, store === 'dotenv' ? envRel : null, info.language, info.framework, await findAppStart(info.root, info.language)));
  return { stored: true, provider: provider.id, store };
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
async function appendOnce(path: string, rel: string, line: string, has: (text: string) => boolean, mode: number): Promise<boolean> {
  return withFileLock(path, rel, async () => {
    const text = await readEditTarget(path, rel);
    if (has(text)) return false;
    await writeFileAtomic(path, appendLine(text, line), mode);
    return true;
  });
}

/** Before writing a .env: keep it out of git and stop tracking a committed one. */
async function gitHygiene(io: DoctorIO, envRel: string, flags: SetupFlags, prompter: Prompter | null): Promise<SetupChange[]> {
  const changes: SetupChange[] = [];
  const consent = async (question: string): Promise<boolean> => flags.yes || (prompter ? prompter.confirm(question, true) : false);
  if ((await trackedPaths(io.git, io.root, [envRel])).has(envRel)) {
    const warning = `${envRel} was committed: every key ever in it is in the history. Revoke those keys at the provider and create new ones.`;
    if (await consent(`${envRel} is tracked by git. Stop tracking it (git rm --cached; the file stays)?`)) {
      await untrack(io.git, io.root, envRel);
      changes.push({ what: `Stopped tracking ${envRel} (git rm --cached); commit that change.`, warning });
    } else {
      changes.push({ what: `${envRel} is still tracked by git: run \`git rm --cached ${envRel}\`.`, warning });
    }
  }
  if (!(await ignoredPaths(io.git, io.root, [envRel])).has(envRel)) {
    const line = `/${envRel.split('\\').join('/')}`;
    if (await consent(`git does not ignore ${envRel}. Add "${line}" to .gitignore?`)) {
      const gitignore = await resolveProjectFile(io.root, '.gitignore');
      await appendOnce(gitignore, '.gitignore', line, (text) => text.split(/\r?\n/).includes(line), 0o644);
      changes.push({ what: `Added "${line}" to .gitignore.` });
    } else {
      changes.push({ what: `git does not ignore ${envRel}: add "${line}" to .gitignore.`, warning: `A \`git add .\` would commit the key.` });
    }
  }
  return changes;
}

/** After writing a .env: name the variable in .env.example, for the next person. */
async function nameInExample(example: string, variable: string): Promise<SetupChange[]> {
  const existed = await lstat(example).then(() => true, () => false);
  if (!(await appendOnce(example, '.env.example', `${variable}=`, (text) => assignsVariable(text, variable), 0o644))) return [];
  return [{ what: `${existed ? 'Updated' : 'Created'} .env.example with ${variable}= (no value), for the next person.` }];
}
