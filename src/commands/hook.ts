import { relative } from 'node:path';
import { failure } from '../core/errors.js';
import { OK, type Outcome } from '../core/outcome.js';
import { CHAINED_HOOK, installHook, uninstallHook } from '../hook/hook.js';
import type { Deps } from '../deps.js';

/** `keyward hook install | uninstall`: the git pre-commit hook that runs `keyward scan --staged`. */
export async function hookCommand(action: 'install' | 'uninstall', deps: Deps): Promise<Outcome> {
  const io = { cwd: deps.cwd, git: deps.git, self: deps.self };
  const show = (p: string) => relative(deps.cwd, p) || p;
  const write = (s: string) => deps.stdout.write(`${s}\n`);
  if (action === 'install') {
    const r = await installHook(io);
    if (r.kind === 'managed') {
      // Writing into .git/hooks would be overwritten by the manager, or never run: the line goes in its config.
      throw failure(`no hook installed: ${r.manager.name} runs this repository's git hooks.`, `Add this to ${r.manager.file}: ${r.manager.add}`);
    }
    write(`${r.kind === 'updated' ? 'Updated' : 'Installed'} the pre-commit hook ${show(r.hook)}: every \`git commit\` runs \`keyward scan --staged\` and stops a commit that adds a key.`);
    if (r.chained) write(`The pre-commit hook that was there is kept as ${show(r.chained)} and still runs first; \`keyward hook uninstall\` puts it back.`);
    write(`It runs ${deps.self.bin}, else \`keyward\` on PATH, else \`npx keyward\`.`);
    return OK;
  }
  const r = await uninstallHook(io);
  if (r.kind === 'not-installed') {
    write(r.foreign ? `${show(r.hook)} is not keyward's hook; left as it is.` : 'No keyward pre-commit hook is installed; nothing changed.');
    return OK;
  }
  write(`Removed keyward's pre-commit hook${r.restored ? `; ${show(r.restored)} is back as it was (it was kept as ${CHAINED_HOOK})` : ''}.`);
  return OK;
}
