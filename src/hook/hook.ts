import { chmod, lstat, mkdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { failure } from '../core/errors.js';
import type { GitRunner } from '../git/git.js';
import { writeFileAtomic } from '../stores/atomic-write.js';
import { readEditTarget } from '../stores/project-file.js';

/** What installing a hook takes from the outside world. */
export interface HookIO {
  cwd: string;
  git: GitRunner;
  /** This keyward's node binary and bin script, written into the hook as absolute paths. */
  self: { node: string; bin: string };
}

/** The line that marks a pre-commit hook as keyward's: only such a hook is ever replaced or removed. */
export const HOOK_MARKER = '# keyward pre-commit hook';

/** The name an existing pre-commit hook is kept under; keyward's hook runs it first. */
export const CHAINED_HOOK = 'pre-commit.keyward-chained';

/** A hook manager that owns the repository's hooks, and the line to add to its configuration instead. */
export interface HookManager {
  name: string;
  /** The file to edit, relative to the repository root. */
  file: string;
  add: string;
}

export type InstallResult = { kind: 'installed' | 'updated'; hook: string; chained: string | null } | { kind: 'managed'; manager: HookManager };
export type UninstallResult = { kind: 'removed'; hook: string; restored: string | null } | { kind: 'not-installed'; hook: string; foreign: boolean };

const SCAN = 'npx keyward scan --staged';

function sh(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The hook: the chained hook first (as git would have run it), then `keyward scan --staged` from
 * this installation's absolute paths, else `keyward` on PATH, else `npx keyward`. Any failure of
 * the scan blocks the commit, with the ways to let a false positive through.
 */
export function hookScript(self: HookIO['self']): string {
  return `#!/bin/sh
${HOOK_MARKER}: stops a commit that adds an API key.
# Written by \`keyward hook install\`; \`keyward hook uninstall\` removes it and puts back the hook it chained.
hooks_dir=$(dirname "$0")
if [ -x "$hooks_dir/${CHAINED_HOOK}" ]; then
  "$hooks_dir/${CHAINED_HOOK}" "$@" || exit $?
fi
keyward_node=${sh(self.node)}
keyward_bin=${sh(self.bin)}
keyward_scan() {
  if [ -x "$keyward_node" ] && [ -f "$keyward_bin" ]; then
    "$keyward_node" "$keyward_bin" scan --staged
  elif command -v keyward >/dev/null 2>&1; then
    keyward scan --staged
  else
    ${SCAN}
  fi
}
# Quiet when the commit is clean; the scan's report only when it blocks.
output=$(keyward_scan 2>&1)
status=$?
[ "$status" -eq 0 ] && exit 0
printf '%s\\n' "$output" >&2
if [ "$status" -eq 1 ]; then
  echo "keyward: commit blocked: it adds the key(s) listed above." >&2
else
  echo "keyward: commit blocked: the key scan could not run (exit $status)." >&2
fi
cat >&2 <<'KEYWARD_HELP'
  Not a key (a false positive)? Put a keyward:allow comment on that line,
  or accept the keys found now: run \`keyward scan --write-baseline\` and commit .keyward-baseline.
  Last resort: \`git commit --no-verify\` skips every pre-commit hook.
KEYWARD_HELP
exit "$status"
`;
}

async function gitText(io: HookIO, args: string[]): Promise<string | null> {
  const r = await io.git(args, { cwd: io.cwd, timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * A tool that owns the hooks (husky, lefthook, the pre-commit framework, or `core.hooksPath`):
 * keyward's hook would be overwritten or never run there, so the user adds one line to its config.
 */
export async function detectHookManager(io: HookIO, root: string): Promise<HookManager | null> {
  const hooksPath = await gitText(io, ['config', '--get', 'core.hooksPath']);
  if ((hooksPath && /husky/.test(hooksPath)) || (await exists(join(root, '.husky')))) {
    return { name: 'husky', file: '.husky/pre-commit', add: SCAN };
  }
  for (const f of ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml']) {
    if (await exists(join(root, f))) return { name: 'lefthook', file: f, add: `pre-commit: { commands: { keyward: { run: ${SCAN} } } }` };
  }
  if (await exists(join(root, '.pre-commit-config.yaml'))) {
    return {
      name: 'the pre-commit framework',
      file: '.pre-commit-config.yaml',
      add: `- { repo: local, hooks: [ { id: keyward, name: keyward, entry: ${SCAN}, language: system, pass_filenames: false } ] }  (under repos:)`,
    };
  }
  if (hooksPath) {
    const dir = isAbsolute(hooksPath) ? hooksPath : join(root, hooksPath);
    return { name: `core.hooksPath (${hooksPath})`, file: relative(root, join(dir, 'pre-commit')) || join(dir, 'pre-commit'), add: SCAN };
  }
  return null;
}

/** The repository root and its hooks folder (shared by every worktree). */
async function locate(io: HookIO): Promise<{ root: string; hooks: string }> {
  const root = await gitText(io, ['rev-parse', '--show-toplevel']);
  const hooks = await gitText(io, ['rev-parse', '--git-path', 'hooks']);
  if (!root || !hooks) throw failure(`${io.cwd} is not inside a git repository`, 'Run `keyward hook install` in the repository (or `git init` first).');
  return { root, hooks: resolve(io.cwd, hooks) };
}

/** The hook's text, or null when there is none; a FIFO, device or folder under its name is a failure, never a hang. */
async function readHook(path: string): Promise<string | null> {
  if (!(await lstat(path).then(() => true, () => false))) return null;
  return readEditTarget(path, path);
}

const isKeywardHook = (text: string): boolean => text.includes(HOOK_MARKER);

/**
 * Installs the pre-commit hook. An existing hook that is not keyward's is renamed to
 * `pre-commit.keyward-chained` (bytes and mode untouched) and run first; keyward's own hook is
 * rewritten in place (new paths after an upgrade). Where a hook manager owns the hooks, nothing
 * is written and the result says what to add to its configuration.
 */
export async function installHook(io: HookIO): Promise<InstallResult> {
  const { root, hooks } = await locate(io);
  const manager = await detectHookManager(io, root);
  if (manager) return { kind: 'managed', manager };
  await mkdir(hooks, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw failure(`cannot use ${hooks} for git hooks: ${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'it is not a folder' : (e.code ?? String(e))}`, 'Move that file away (git keeps its hooks in that folder), then run `keyward hook install` again.');
  });
  const hook = join(hooks, 'pre-commit');
  const chained = join(hooks, CHAINED_HOOK);
  const current = await readHook(hook);
  const script = hookScript(io.self);
  if (current !== null && isKeywardHook(current)) {
    await writeFileAtomic(hook, script, 0o755);
    return { kind: 'updated', hook, chained: (await exists(chained)) ? chained : null };
  }
  if (current !== null) {
    if (await lstat(chained).then(() => true, () => false)) {
      throw failure(`both ${hook} and ${chained} exist, and the first is not keyward's`, `Merge them into one pre-commit hook, remove ${CHAINED_HOOK}, then run \`keyward hook install\` again.`);
    }
    await rename(hook, chained);
  }
  try {
    await writeFileAtomic(hook, script, 0o755);
    await chmod(hook, 0o755);
  } catch (error) {
    if (current !== null) await rename(chained, hook);
    throw failure(`cannot write ${hook}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'Check the permissions of the hooks folder.');
  }
  return { kind: 'installed', hook, chained: current !== null ? chained : null };
}

/** Removes keyward's hook and puts back the hook it chained, exactly as it was; any other hook is left alone. */
export async function uninstallHook(io: HookIO): Promise<UninstallResult> {
  const { hooks } = await locate(io);
  const hook = join(hooks, 'pre-commit');
  const chained = join(hooks, CHAINED_HOOK);
  const current = await readHook(hook);
  if (current === null || !isKeywardHook(current)) return { kind: 'not-installed', hook, foreign: current !== null };
  if (await lstat(chained).then(() => true, () => false)) {
    await rename(chained, hook);
    return { kind: 'removed', hook, restored: hook };
  }
  await rm(hook);
  return { kind: 'removed', hook, restored: null };
}

/** True when keyward could install its hook here and has not: a repository, no hook manager, no keyward hook yet. */
export async function hookOffered(io: HookIO): Promise<boolean> {
  const where = await locate(io).catch(() => null);
  if (!where || (await detectHookManager(io, where.root))) return false;
  const current = await readHook(join(where.hooks, 'pre-commit')).catch(() => undefined);
  return current === null || (current !== undefined && !isKeywardHook(current));
}
