import { createLiveDeps, liveTargetFor } from '../checks/live-calls.js';
import { FINDINGS, OK, type Outcome } from '../core/outcome.js';
import { runLiveCalls } from '../live/runner.js';
import { runRotate, type RotateFlags, type RotatePorts } from '../rotate/flow.js';
import { createKeyRecorder } from '../stores/key-records.js';
import type { Deps } from '../deps.js';
import { doctorIO } from './doctor-io.js';
import { readKeyFromStdin } from './key-stdin.js';

/** The new key's test: one non-streaming completion through the live-call runner. */
function syncTest(deps: Deps): RotatePorts['test'] {
  return (provider, key) => {
    const target = liveTargetFor(provider, null, deps.env, { timeoutMs: 20_000 });
    if (!target) return null;
    return (async () => {
      const liveDeps = createLiveDeps(deps.env, deps.now);
      try {
        const results = await runLiveCalls(['sync'], { ...target, key, origin: { variable: provider.envVars[0]!, source: 'env', file: null, shadows: [] } }, liveDeps);
        return { ok: results.every((r) => r.call.ok || r.call.skipped), findings: results.flatMap((r) => (r.finding ? [r.finding] : [])) };
      } finally {
        await liveDeps.transport.close();
      }
    })();
  };
}

/** `keyward rotate`: replace a stored key with a tested new one and hunt down copies of the old one. */
export async function rotateCommand(flags: RotateFlags, deps: Deps): Promise<Outcome> {
  const prompter = deps.terminal.interactive && !flags.keyStdin ? (await import('../prompts/inquirer.js')).createInquirerPrompter(deps.stdin, deps.stdout) : null;
  const io = doctorIO(deps);
  const result = await runRotate(io, flags, {
    prompter,
    readStdin: () => readKeyFromStdin(deps, 'rotate'),
    test: syncTest(deps),
    recordKey: createKeyRecorder(deps.stateDir, deps.now),
    say: (line) => deps.stdout.write(`${line}\n`),
  });
  return result.replaced ? OK : FINDINGS;
}
