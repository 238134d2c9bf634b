import { newKeyTest } from '../checks/new-key-test.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { runRotate, type RotateFlags, type RotatePorts } from '../rotate/flow.js';
import { createKeyRecorder } from '../stores/key-records.js';
import { readKeyFromStdin } from '../prompts/key-stdin.js';
import { openTerminalGuard } from '../prompts/terminal-guard.js';
import { doctorIO, type Deps } from '../deps.js';

/** The new key's test: one non-streaming completion; it works when no call failed. */
function syncTest(deps: Deps): RotatePorts['test'] {
  const test = newKeyTest(deps.env, deps.now);
  return (provider, key) =>
    test.run(provider, key, ['sync'])?.then((results) => ({
      ok: results.every((r) => r.call.ok || r.call.skipped),
      findings: results.flatMap((r) => (r.finding ? [r.finding] : [])),
    })) ?? null;
}

/** `keyward rotate`: replace a stored key with a tested new one and hunt down copies of the old one. */
export async function rotateCommand(flags: RotateFlags, deps: Deps): Promise<Outcome> {
  // Raw mode from here to the end: a key typed again during the test call is never echoed or read by the question after it.
  const guard = deps.terminal.interactive && !flags.keyStdin ? openTerminalGuard(deps.stdin, deps.stdout, deps.interrupt) : null;
  try {
    const prompter = guard ? (await import('../prompts/inquirer.js')).createInquirerPrompter(guard.input, deps.stdout) : null;
    const io = doctorIO(deps);
    const result = await runRotate(io, flags, {
      prompter,
      readStdin: () => readKeyFromStdin(deps.stdin, 'rotate'),
      test: syncTest(deps),
      recordKey: createKeyRecorder(deps.stateDir, deps.now),
      say: (line) => deps.stdout.write(`${line}\n`),
    });
    return result.replaced ? OK : FINDINGS;
  } finally {
    guard?.close();
  }
}
