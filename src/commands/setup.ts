import { NEW_KEY_TIMEOUT_MS, newKeyTest } from '../checks/new-key-test.js';
import { failure, usageError } from '../core/errors.js';
import { untilInterrupted } from '../core/interrupt.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { callLine } from '../report/call-line.js';
import { doneText, keychainText, noteText, surveyText } from '../report/setup-text.js';
import { runSetup, type SetupFlags } from '../setup/flow.js';
import { createKeyRecorder } from '../stores/key-records.js';
import type { HookPort, KeyTester, SetupView } from '../setup/types.js';
import { hookOffered, installHook } from '../hook/hook.js';
import { readKeyFromStdin } from '../prompts/key-stdin.js';
import type { Prompter } from '../prompts/types.js';
import { openTerminalGuard } from '../prompts/terminal-guard.js';
import { doctorIO, type Deps } from '../deps.js';
import { ctrlC } from './ctrl-c.js';
import { timeoutFlagMs } from './timeout-flag.js';

/** The wizard's screens as plain text, for pipes and NO_COLOR (rotate shows its test calls with it too). */
export function plainView(deps: Deps): SetupView {
  const write = (s: string) => deps.stdout.write(s);
  // In a terminal (the rich view's lines before Ink starts) lines break at spaces, never inside a word or URL.
  const columns = deps.stdout.isTTY ? deps.stdout.columns : undefined;
  return {
    survey: (s) => write(surveyText(s, columns)),
    keychain: (k) => write(keychainText(k, columns)),
    note: (level, text) => write(noteText(level, text, columns)),
    done: (changes, advice) => write(doneText(changes, advice)),
    async testCalls(target, run, interrupt) {
      write(`Testing ${target.key.redacted} against ${target.baseURL} (each call gives up at ${Math.round(target.timeoutMs / 1000)} s)\n`);
      const results = await untilInterrupted(run(() => undefined), interrupt);
      for (const r of results) write(callLine(r.call, 'brief'));
      for (const r of results) if (r.finding) write(`  ✖ ${r.finding.title}\n      fix: ${r.finding.fix}\n`);
      return results;
    },
  };
}

/**
 * The rich view without Ink's start-up cost before the first question (issue 12): the survey and the
 * notes before the test calls are the plain lines; Ink is loaded when the calls start and draws
 * from then on.
 */
function deferredInkView(deps: Deps): SetupView {
  const plain = plainView(deps);
  let ink: SetupView | null = null;
  return {
    survey: (s) => plain.survey(s),
    keychain: (k) => plain.keychain(k),
    note: (level, text) => (ink ?? plain).note(level, text),
    async testCalls(target, run, interrupt) {
      ink ??= (await import('../ui/SetupView.js')).createInkSetupView(deps.stdout);
      return ink.testCalls(target, run, interrupt);
    },
    done: (changes, advice) => (ink ?? plain).done(changes, advice),
  };
}

/**
 * The prompter whose module loads while the project is read (git runs meanwhile): the first
 * question waits only for what is left of the import. `shown` is called once a question is drawn:
 * inquirer draws it one setImmediate after it is created, and this one runs after that.
 */
function deferredPrompter(loading: Promise<Prompter>, shown: () => void): Prompter {
  const asked = <T>(question: Promise<T>): Promise<T> => {
    setImmediate(shown);
    return question;
  };
  return {
    select: async (message, choices, defaultValue) => asked((await loading).select(message, choices, defaultValue)),
    secret: async (message) => asked((await loading).secret(message)),
    confirm: async (message, defaultValue) => asked((await loading).confirm(message, defaultValue)),
    input: async (message, defaultValue, validate) => asked((await loading).input(message, defaultValue, validate)),
  };
}

/** The sync and async calls of the new-key test; a proxy that is not a URL stops setup before anything is stored. */
function liveTester(deps: Deps, timeoutMs: number): KeyTester {
  const test = newKeyTest(
    deps.env,
    deps.now,
    () => failure('HTTPS_PROXY or HTTP_PROXY is not a URL, so the key cannot be tested; nothing was stored', 'Set it to a URL like http://proxy.example:8080 or unset it, or pass --skip-test.'),
    timeoutMs,
  );
  return { endpoint: (provider) => test.endpoint(provider), timeoutMs, run: (provider, key, onCall, given) => test.run(provider, key, ['sync', 'async'], onCall, given)! };
}

/** The pre-commit hook for the wizard's last question. */
function hookPort(deps: Deps): HookPort {
  const io = { cwd: deps.cwd, git: deps.git, self: deps.self };
  return {
    offered: () => hookOffered(io),
    async install() {
      const r = await installHook(io);
      if (r.kind === 'managed') return `Not installed: ${r.manager.name} runs this repository's hooks; add to ${r.manager.file}: ${r.manager.add}`;
      return `Installed the pre-commit hook: \`git commit\` now runs \`keyward scan --staged\`${r.chained ? ' after the hook that was there' : ''}.`;
    },
  };
}

/** `keyward setup`: the wizard, or its non-interactive form with --provider, --store, --key-stdin and --yes. */
export async function setupCommand(given: SetupFlags & { dotenvFile?: string; timeout?: string }, deps: Deps): Promise<Outcome> {
  const { dotenvFile, timeout, ...rest } = given;
  const flags: SetupFlags = { ...rest, ...(dotenvFile !== undefined ? { envFile: dotenvFile } : {}) };
  if (flags.store && flags.store !== 'keychain' && flags.store !== 'dotenv') throw usageError('--store: expected keychain or dotenv');
  const timeoutMs = timeoutFlagMs(timeout, NEW_KEY_TIMEOUT_MS / 1000);
  // Raw mode from here to the end: nothing typed from now on is echoed or read by a later question.
  const guard = deps.terminal.interactive ? openTerminalGuard(deps.stdin, deps.stdout, deps.interrupt) : null;
  const interrupt = ctrlC();
  let result;
  try {
    let questionShown = (): void => undefined;
    const firstQuestion = new Promise<void>((resolve) => (questionShown = resolve));
    const prompter = guard ? deferredPrompter(import('../prompts/inquirer.js').then((m) => m.createInquirerPrompter(guard.input, deps.stdout)), () => questionShown()) : null;
    const view = deps.terminal.rich ? deferredInkView(deps) : plainView(deps);
    result = await runSetup(doctorIO(deps), flags, {
      prompter,
      view,
      test: liveTester(deps, timeoutMs),
      readStdin: () => readKeyFromStdin(deps.stdin, 'setup'),
      recordKey: createKeyRecorder(deps.stateDir, deps.now),
      hook: hookPort(deps),
      interrupt: interrupt.signal,
      ...(prompter ? { firstQuestion } : {}),
    });
  } finally {
    interrupt.release();
    guard?.close();
  }
  if (result.stored) return OK;
  if (result.reason === 'declined') return OK;
  if (result.reason === 'no-keychain') {
    // design.md: an unusable keychain is a finding with its fix (exit 1), not a failure of keyward (3).
    deps.stderr.write(`keyward: the OS keychain cannot be used here (${result.problem.reason}); nothing was stored. Fix: ${result.problem.fix} Or pass --store dotenv.\n`);
    return FINDINGS;
  }
  deps.stderr.write('keyward: the key did not pass its test, so it was not stored. Fix: see the diagnosis above, or pass --skip-test to store it untested.\n');
  return FINDINGS;
}
