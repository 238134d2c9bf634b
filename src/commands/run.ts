import type { Outcome } from '../core/outcome.js';
import { runWithKeys, type RunFlags } from '../run/run.js';
import type { Deps } from '../deps.js';

/** `keyward run [--provider ID]... [--mask] -- COMMAND [ARG...]`: the child's exit code is keyward's. */
export async function runCommand(argv: readonly string[], flags: RunFlags, deps: Deps): Promise<Outcome> {
  const code = await runWithKeys(argv, flags, {
    root: deps.cwd,
    cwd: deps.cwd,
    env: deps.env,
    keychain: deps.keychain,
    platform: deps.platform,
    stdin: deps.stdin,
    stdout: deps.stdout,
    stderr: deps.stderr,
    trapSignals: deps.trapSignals,
    warn: (line) => deps.stderr.write(`${line}\n`),
    debug: deps.debug,
  });
  return { kind: 'child', code };
}
