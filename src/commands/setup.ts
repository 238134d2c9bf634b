import { newKeyTest } from '../checks/new-key-test.js';
import { failure, usageError } from '../core/errors.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { callLine } from '../report/call-line.js';
import { doneText, noteText, surveyText } from '../report/setup-text.js';
import { runSetup, type SetupFlags } from '../setup/flow.js';
import { createKeyRecorder } from '../stores/key-records.js';
import type { HookPort, KeyTester, SetupView } from '../setup/types.js';
import { hookOffered, installHook } from '../hook/hook.js';
import { readKeyFromStdin } from '../prompts/key-stdin.js';
import type { Prompter } from '../prompts/types.js';
import { openTerminalGuard } from '../prompts/terminal-guard.js';
import { doctorIO, type Deps } from '../deps.js';

/** The wizard's screens as plain text, for pipes and NO_COLOR. */
function plainView(deps: Deps): SetupView {
  const write = (s: string) => deps.stdout.write(s);
  return {
    survey: (s) => write(surveyText(s)),
    note: (level, text) => write(noteText(level, text)),
    done: (changes, advice) => write(doneText(changes, advice)),
    async testCalls(provider, key, baseURL, run) {
      write(`Testing ${key.redacted} against ${baseURL}\n`);
      const results = await run(() => undefined);
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
    note: (level, text) => (ink ?? plain).note(level, text),
    async testCalls(provider, key, baseURL, run) {
      ink ??= (await import('../ui/SetupView.js')).createInkSetupView(deps.stdout);
      return ink.testCalls(provider, key, baseURL, run);
    },
    done: (changes, advice) => (ink ?? plain).done(changes, advice),
  };
}

/** The prompter whose module loads while the project is read (git runs meanwhile): the first question waits only for what is left of the import. */
function deferredPrompter(loading: Promise<Prompter>): Prompter {
  return {
    select: async (message, choices, defaultValue) => (await loading).select(message, choices, defaultValue),
    secret: async (message, validate) => (await loading).secret(message, validate),
    confirm: async (message, defaultValue) => (await loading).confirm(message, defaultValue),
    input: async (message, defaultValue, validate) => (await loading).input(message, defaultValue, validate),
  };
}

/** The sync and async calls of the new-key test; a proxy that is not a URL stops setup before anything is stored. */
function liveTester(deps: Deps): KeyTester {
  const test = newKeyTest(deps.env, deps.now, () =>
    failure('HTTPS_PROXY or HTTP_PROXY is not a URL, so the key cannot be tested; nothing was stored', 'Set it to a URL like http://proxy.example:8080 or unset it, or pass --skip-test.'),
  );
  return { endpoint: (provider) => test.endpoint(provider), run: (provider, key, onCall) => test.run(provider, key, ['sync', 'async'], onCall)! };
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
export async function setupCommand(given: SetupFlags & { dotenvFile?: string }, deps: Deps): Promise<Outcome> {
  const { dotenvFile, ...rest } = given;
  const flags: SetupFlags = { ...rest, ...(dotenvFile !== undefined ? { envFile: dotenvFile } : {}) };
  if (flags.store && flags.store !== 'keychain' && flags.store !== 'dotenv') throw usageError('--store: expected keychain or dotenv');
  // The keychain helper is a process of its own: started first, it gets ready while the rest of keyward loads and the project is read.
  void deps.keychain();
  // Raw mode from here to the end: nothing typed from now on is echoed or read by a later question.
  const guard = deps.terminal.interactive ? openTerminalGuard(deps.stdin, deps.stdout, deps.interrupt) : null;
  try {
    const prompter = guard ? deferredPrompter(import('../prompts/inquirer.js').then((m) => m.createInquirerPrompter(guard.input, deps.stdout))) : null;
    const view = deps.terminal.rich ? deferredInkView(deps) : plainView(deps);
    const ports = { prompter, view, test: liveTester(deps), readStdin: () => readKeyFromStdin(deps.stdin, 'setup'), recordKey: createKeyRecorder(deps.stateDir, deps.now), hook: hookPort(deps) };
    const result = await runSetup(doctorIO(deps), flags, ports);
    if (!result.stored) {
      deps.stderr.write('keyward: the key did not pass its test, so it was not stored. Fix: see the diagnosis above, or pass --skip-test to store it untested.\n');
      return FINDINGS;
    }
    return OK;
  } finally {
    guard?.close();
  }
}
