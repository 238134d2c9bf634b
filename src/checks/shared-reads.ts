import { sep } from 'node:path';
import { inWalkedFolders, isCodeName, NO_READS, readFileReads, variableReadsOfBytes, type CodeFileReader, type FileReads } from '../project/code-reads.js';
import type { ReadTap } from '../scanner/index.js';

/**
 * The scan's reading shared with project detection, so the doctor reads the tree once: the tap
 * keeps the variables each source file the scan reads takes from the environment (a few names,
 * never its text), and `read` answers from that once the working-tree reading is over. Files the
 * scan did not read (ignored by git, or too large for it) are read from disk as before.
 */
export function sharedCodeReads(root: string): { tap: ReadTap; read: CodeFileReader; over: Promise<void> } {
  // By the scan's path (relative, with `/`): joining the root to 10,000 of them was 50 ms of a doctor's run.
  const seen = new Map<string, FileReads>();
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  const relative = (path: string): string | null => (path.startsWith(prefix) ? (sep === '/' ? path : path.replaceAll(sep, '/')).slice(prefix.length) : null);
  let finish!: () => void;
  let isOver = false;
  const over = new Promise<void>((resolve) => {
    finish = () => {
      isOver = true;
      resolve();
    };
  });
  const wants = (path: string): boolean => isCodeName(path.slice(path.lastIndexOf('/') + 1)) && inWalkedFolders(path);
  const tap: ReadTap = {
    wants,
    file(path, bytes) {
      if (wants(path)) seen.set(path, variableReadsOfBytes(path.slice(path.lastIndexOf('/') + 1), bytes));
    },
    // A file's reads ride in the result cache with its blob, so an unchanged file is not read again.
    // The id names what is kept: a new shape of FileReads needs a new id (a new release also starts a new cache).
    keeps: {
      id: 'code-reads/3',
      kept: (path) => {
        const r = seen.get(path);
        return r && r !== NO_READS ? JSON.stringify([r.variables, r.envFiles, r.optional, r.settingsFiles, r.searchesUp, r.guarded]) : '';
      },
      restore: (path, kept) => {
        const r = keptReads(kept);
        if (r) seen.set(path, r);
      },
    },
    done: () => finish(),
  };
  const answer = (path: string, gateway: boolean): FileReads | Promise<FileReads> => {
    // The tap keeps variable reads only: a gateway model id (an app that depends on `ai`) is looked for on disk.
    const rel = gateway ? null : relative(path);
    return (rel !== null && seen.get(rel)) || readFileReads(path, gateway);
  };
  // Once the reading is over, a file the scan read is answered at once: the walks of 255 apps ask for 10,000.
  const read: CodeFileReader = (path, gateway) => (isOver ? answer(path, gateway) : over.then(() => answer(path, gateway)));
  return { tap, read, over };
}

/** Reads as `kept` wrote them; null for text of another shape (then the file is read from disk). */
function keptReads(kept: string): FileReads | null {
  if (kept === '') return NO_READS;
  let v: unknown;
  try {
    v = JSON.parse(kept);
  } catch {
    return null;
  }
  const names = (x: unknown): x is string[] => Array.isArray(x) && x.every((n) => typeof n === 'string');
  if (!Array.isArray(v) || v.length !== 6 || !v.slice(0, 4).every(names) || typeof v[4] !== 'boolean' || !names(v[5])) return null;
  const [variables, envFiles, optional, settingsFiles, searchesUp, guarded] = v as [string[], string[], string[], string[], boolean, string[]];
  return { variables, gatewayModel: undefined, envFiles, optional, settingsFiles, searchesUp, guarded };
}
