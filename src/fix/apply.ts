import { chmod, lstat, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitRunner } from '../git/git.js';
import { ignoredPaths, trackedPaths, untrack } from '../git/repo.js';
import { findProvider } from '../providers/index.js';
import { writeFileAtomic } from '../stores/atomic-write.js';
import { appendLine, assignsVariable } from '../stores/dotenv-edit.js';
import { readDotenvFile } from '../stores/dotenv-file.js';
import type { KeychainOpener } from '../stores/keychain-backend.js';
import { KEYCHAIN_SERVICE, keychainAccount, keychainProject, storeProjectKey } from '../stores/keychain.js';
import { fileDigest } from './plan.js';
import type { FixResult, PlannedFix } from '../core/fix-plan.js';

export interface FixIO {
  root: string;
  git: GitRunner;
  keychain: KeychainOpener;
}

/** Thrown inside a fix when its precondition no longer holds; becomes a skip with the reason. */
class Skip extends Error {}

/** Removes every line that assigns `variable`, keeping every other byte. */
export function removeAssignment(text: string, variable: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !new RegExp(`^\\s*(?:export\\s+)?${variable}\\s*=`).test(line))
    .join('');
}

async function applyOne(io: FixIO, fix: PlannedFix): Promise<string | undefined> {
  // A file changed since the report may no longer need this fix, or hold something new: leave it.
  for (const [file, digest] of Object.entries(fix.seen)) {
    if ((await fileDigest(join(io.root, file))) !== digest) throw new Skip(`${file} changed since the report`);
  }
  const a = fix.action;
  switch (a.kind) {
    case 'gitignore': {
      if ((await ignoredPaths(io.git, io.root, [a.file])).has(a.file)) throw new Skip(`git already ignores ${a.file}`);
      const path = join(io.root, '.gitignore');
      const st = await lstat(path).catch(() => null);
      if (st?.isSymbolicLink()) throw new Skip(`.gitignore is a link (to ${await realpath(path).catch(() => '?')}); add "${a.line}" there yourself`);
      const text = st ? await readFile(path, 'utf8') : '';
      await writeFileAtomic(path, appendLine(text, a.line), st ? st.mode & 0o777 : 0o644);
      if (!(await ignoredPaths(io.git, io.root, [a.file])).has(a.file)) return `git still does not ignore ${a.file}: a "!" pattern in a .gitignore re-includes it`;
      return undefined;
    }
    case 'untrack': {
      if (!(await trackedPaths(io.git, io.root, [a.file])).has(a.file)) throw new Skip(`${a.file} is no longer tracked`);
      await untrack(io.git, io.root, a.file).catch((e: Error) => {
        throw new Skip(e.message);
      });
      return 'commit this change; the key stays in the history until it is revoked';
    }
    case 'chmod': {
      const path = join(io.root, a.file);
      const st = await lstat(path);
      if ((st.mode & 0o077) === 0) throw new Skip(`${a.file} is already readable by you only`);
      await chmod(path, 0o600).catch((e: NodeJS.ErrnoException) => {
        throw new Skip(`cannot change its mode (${e.code})`);
      });
      return undefined;
    }
    case 'example': {
      const path = join(io.root, a.file);
      const st = await lstat(path).catch(() => null);
      if (st?.isSymbolicLink()) throw new Skip(`${a.file} is a link; add the names there yourself`);
      let text = st ? await readFile(path, 'utf8') : '';
      for (const v of a.variables) if (!assignsVariable(text, v)) text = appendLine(text, `${v}=`);
      await writeFileAtomic(path, text, st ? st.mode & 0o777 : 0o644);
      return undefined;
    }
    case 'to-keychain': {
      const read = await readDotenvFile(io.root, a.file);
      const value = read.ok ? read.values.get(a.variable)?.value : undefined;
      if (!value) throw new Skip(`${a.file} no longer sets ${a.variable}`);
      const probe = await io.keychain();
      if (!probe.ok) throw new Skip(`the OS keychain cannot be used here: ${probe.problem.reason}`);
      const provider = findProvider(a.provider)!;
      const project = await keychainProject(a.project, join(io.root, a.folder));
      const account = keychainAccount(provider.id, project);
      const existing = await probe.backend.getPassword(KEYCHAIN_SERVICE, account);
      if (existing !== null && existing !== value) throw new Skip(`the keychain already holds a different ${provider.name} key for ${a.project}; keyward will not overwrite it`);
      // The line leaves the file only once the keychain has the key and gives it back unchanged.
      await storeProjectKey(probe.backend, provider.id, project, value);
      const path = join(io.root, a.file);
      const text = await readFile(path, 'utf8');
      const st = await lstat(path);
      await writeFileAtomic(await realpath(path), removeAssignment(text, a.variable), st.mode & 0o777);
      const how = a.language === 'python' ? '`keyward run -- python app.py`' : a.language === 'node' ? "`keyward run -- npm start` or `import 'keyward/config'`" : '`keyward run -- <command>`';
      return `the app now needs ${how} to get ${a.variable}`;
    }
  }
}

/** The files whose bytes a fix rewrites (the index and file modes are not bytes). */
function rewrites(fix: PlannedFix): string[] {
  const a = fix.action;
  return a.kind === 'gitignore' ? ['.gitignore'] : a.kind === 'example' || a.kind === 'to-keychain' ? [a.file] : [];
}

/** Untracking first (so the .gitignore line then takes effect), moving keys out of files last. */
const ORDER = { untrack: 0, gitignore: 1, chmod: 2, example: 3, 'to-keychain': 4 } as const;

/** Applies each fix after checking its precondition again; a fix that no longer holds is skipped with the reason. */
export async function applyFixes(io: FixIO, planned: readonly PlannedFix[]): Promise<FixResult[]> {
  const results: FixResult[] = [];
  const fixes = [...planned].sort((a, b) => ORDER[a.action.kind] - ORDER[b.action.kind]).map((f) => ({ ...f, seen: { ...f.seen } }));
  for (const [i, fix] of fixes.entries()) {
    try {
      const note = await applyOne(io, fix);
      results.push({ fix, applied: true, ...(note ? { note } : {}) });
      // A file this fix rewrote is "as seen" for the fixes after it: keyward's own change is not someone else's.
      for (const file of rewrites(fix)) {
        const digest = await fileDigest(join(io.root, file));
        for (const later of fixes.slice(i + 1)) if (file in later.seen) later.seen[file] = digest;
      }
    } catch (error) {
      results.push({ fix, applied: false, reason: error instanceof Skip ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return results;
}
