import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';

/**
 * What a scan could not read. Each gap is an `exposure.scan-incomplete` finding (high, so the
 * default gate fails closed): a key in what was not read would otherwise pass unseen. Each says
 * how much was not read and the command that fetches or repairs it.
 */
export type Gap =
  /** git could not be started: not on PATH, or the folder cannot be entered. */
  | { kind: 'git-not-started'; reason: string; denied: boolean }
  /** The folder holds a `.git` that git does not accept as a repository (a corrupt HEAD, a damaged config). */
  | { kind: 'repository-rejected'; gitPath: string; reason: string }
  /** git failed on the repository for another reason. */
  | { kind: 'repository-error'; reason: string }
  | { kind: 'shallow'; boundaries: number }
  /** The walk of the commits stopped: commits or trees are missing or damaged. */
  | { kind: 'walk-stopped'; reason: string; blobsRead: number }
  /** Blobs the walk listed that the repository does not hold; `remote` is the partial clone's remote (null when it is gone). */
  | { kind: 'missing-blobs'; count: number; partialClone: PartialClone | null }
  /** cat-file stopped before answering for every blob asked. */
  | { kind: 'read-stopped'; reason: string; unread: number }
  | { kind: 'unreadable-files'; paths: readonly string[] }
  /** Ignore files at the root that are FIFOs or devices: git would hang on them, so it was not asked which files it ignores. */
  | { kind: 'special-ignore-files'; files: ReadonlyArray<{ path: string; kind: string }> };

const MAX_NAMED = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function names(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_NAMED).map((p) => JSON.stringify(p));
  return `${shown.join(', ')}${paths.length > MAX_NAMED ? ` and ${paths.length - MAX_NAMED} more` : ''}`;
}

const AGAIN = 'then scan again';

/** A partial clone: the remote it fetches missing objects from, or else another remote it has (null: none). */
export interface PartialClone {
  remote: string | null;
  other: string | null;
}

/** The finding for one gap. */
export function gapFinding(gap: Gap): Finding {
  const f = (title: string, detail: string, fix: string): Finding => makeFinding('exposure.scan-incomplete', { title, detail, fix });
  switch (gap.kind) {
    case 'git-not-started':
      return gap.denied
        ? f('Git history not scanned: keyward cannot enter the folder', `git could not be started in the folder (${gap.reason}): permission denied, so none of its history was read.`, `Run keyward as a user who can read the folder (or \`chmod u+rx\` it), ${AGAIN}.`)
        : f('Git history not scanned: git is not installed or not on PATH', `git could not be started (${gap.reason}), so none of the repository's history was read.`, `Install git (or add it to PATH; \`git --version\` must work), ${AGAIN}.`);
    case 'repository-rejected':
      return f(
        'Git history not scanned: git does not accept the repository',
        `${gap.gitPath} is there, but git does not read it as a repository (${gap.reason}); its HEAD, config or object store is damaged, so none of its history was read.`,
        `Run \`git status\` in the folder to see what git rejects; repair it (a damaged .git/HEAD holds one line, such as \`ref: refs/heads/main\`) or clone the repository again, ${AGAIN}.`,
      );
    case 'repository-error':
      return f('Git history not scanned: git failed on the repository', `git could not read the repository (${gap.reason}), so none of its history was read.`, `Run \`git status\` and \`git fsck --full\` to see what is wrong, repair it or clone again, ${AGAIN}.`);
    case 'shallow':
      return f(
        'Git history not fully scanned: this is a shallow clone',
        `The history behind the clone's ${plural(gap.boundaries, 'boundary commit')} was never fetched, so it was not scanned; a key committed there would go unseen.`,
        `\`git fetch --unshallow\`, ${AGAIN}.`,
      );
    case 'walk-stopped':
      return f(
        'Git history not fully scanned: git could not walk every commit',
        `git log stopped (${gap.reason}): commits or trees are missing or damaged, and the history past them was not scanned; ${plural(gap.blobsRead, 'blob')} ${gap.blobsRead === 1 ? 'was' : 'were'} read before it stopped.`,
        `\`git fsck --full\` names the damaged objects; \`git fetch --refetch origin\` (or a fresh clone) restores them, ${AGAIN}.`,
      );
    case 'missing-blobs': {
      const n = plural(gap.count, 'blob');
      if (gap.partialClone) {
        const { remote, other } = gap.partialClone;
        const from = remote ? '' : other ? `, and no remote is set to fetch ${gap.count === 1 ? 'it' : 'them'} from` : ' and the remote it came from is gone';
        return f(
          `Git history not fully scanned: ${n} of this partial clone ${gap.count === 1 ? 'was' : 'were'} never downloaded`,
          `This is a partial clone (cloned with --filter): ${n} of its history ${gap.count === 1 ? 'is' : 'are'} not on disk${from}, so ${gap.count === 1 ? 'it was' : 'they were'} not scanned. keyward reads only what is on disk.`,
          remote ?? other
            ? `\`git fetch --refetch --no-filter ${remote ?? other}\` downloads ${gap.count === 1 ? 'it' : 'them'}, ${AGAIN}.`
            : `Add the remote back (\`git remote add origin <url it was cloned from>\`), run \`git fetch --refetch --no-filter origin\`, ${AGAIN}.`,
        );
      }
      return f(
        `Git history not fully scanned: ${n} could not be read`,
        `${n} of the history ${gap.count === 1 ? 'is' : 'are'} missing from the repository (deleted or damaged object files), so ${gap.count === 1 ? 'it was' : 'they were'} not scanned.`,
        `\`git fsck --full\` lists them; \`git fetch --refetch origin\` (or a fresh clone) restores them, ${AGAIN}.`,
      );
    }
    case 'read-stopped':
      return f(
        `Git history not fully scanned: ${plural(gap.unread, 'blob')} could not be read`,
        `git cat-file stopped (${gap.reason}) before reading ${plural(gap.unread, 'blob')} of the history, so ${gap.unread === 1 ? 'it was' : 'they were'} not scanned.`,
        `\`git fsck --full\` names the damaged objects; \`git fetch --refetch origin\` (or a fresh clone) restores them, ${AGAIN}.`,
      );
    case 'special-ignore-files': {
      const what = gap.files.map((x) => `${JSON.stringify(x.path)} is ${x.kind}`).join(', ');
      return f(
        'Working tree listed without git: an ignore file is not a regular file',
        `${what}, not a regular file; git would wait on it forever, so keyward listed the files itself and did not honour ${gap.files.length === 1 ? 'it' : 'them'}.`,
        `Replace ${gap.files.map((x) => x.path).join(' and ')} with a regular file (\`rm\` it and write the ignore rules again), ${AGAIN}.`,
      );
    }
    case 'unreadable-files': {
      const n = gap.paths.length;
      return f(
        `Working tree not fully scanned: ${n} file${n === 1 ? ' or folder' : 's or folders'} could not be read`,
        `keyward could not read ${names(gap.paths)}, so ${n === 1 ? 'it was' : 'they were'} not scanned for keys.`,
        `Run keyward as a user who can read ${n === 1 ? 'it' : 'them'} (or \`chmod u+r\` the files, \`u+rx\` the folders), or list ${n === 1 ? 'it' : 'them'} in .keywardignore if ${n === 1 ? 'it holds' : 'they hold'} no keys, ${AGAIN}.`,
      );
    }
  }
}
