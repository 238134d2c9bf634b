import { NEW_KEY_TIMEOUT_MS, newKeyTest } from '../checks/new-key-test.js';
import { OK, FINDINGS, type Outcome } from '../core/outcome.js';
import { runRotate, type RotateFlags, type RotatePorts } from '../rotate/flow.js';
import { createKeyRecorder } from '../stores/key-records.js';
import { readKeyFromStdin } from '../prompts/key-stdin.js';
import { openTerminalGuard } from '../prompts/terminal-guard.js';
import { doctorIO, type Deps } from '../deps.js';
import { ctrlC } from './ctrl-c.js';
import { plainView } from './setup.js';

/** The new key's test, the same as setup's: a completion and a streamed completion. */
function liveTest(deps: Deps): RotatePorts['test'] {
  const test = newKeyTest(deps.env, deps.now);
  return { endpoint: (provider) => test.endpoint(provider), run: (provider, key, onCall) => test.run(provider, key, ['sync', 'async'], onCall)! };
}

/** `keyward rotate`: replace a stored key with a tested new one and hunt down copies of the old one. */
export async function rotateCommand(flags: RotateFlags, deps: Deps): Promise<Outcome> {
  // Raw mode from here to the end: a key typed again during the test calls is never echoed or read by the question after it.
  const guard = deps.terminal.interactive && !flags.keyStdin ? openTerminalGuard(deps.stdin, deps.stdout, deps.interrupt) : null;
  const interrupt = ctrlC();
  try {
    const prompter = guard ? (await import('../prompts/inquirer.js')).createInquirerPrompter(guard.input, deps.stdout) : null;
    // The setup wizard's view: its spinner while the calls run, its marks for notes.
    const view = deps.terminal.rich ? (await import('../ui/SetupView.js')).createInkSetupView(deps.stdout) : plainView(deps);
    const result = await runRotate(doctorIO(deps), flags, {
      prompter,
      readStdin: () => readKeyFromStdin(deps.stdin, 'rotate'),
      test: liveTest(deps),
      showCalls: (provider, key, baseURL, run, signal) => view.testCalls({ provider, key, baseURL, timeoutMs: NEW_KEY_TIMEOUT_MS }, run, signal),
      recordKey: createKeyRecorder(deps.stateDir, deps.now),
      say: (line) => deps.stdout.write(`${line}\n`),
      note: (level, text) => view.note(level, text),
      interrupt: interrupt.signal,
    });
    // A "no" at the last question is the person's choice, not a failure.
    return result.replaced || result.reason === 'declined' ? OK : FINDINGS;
  } finally {
    interrupt.release();
    guard?.close();
  }
}
