import { join } from 'node:path';
import { inWalkedFolders, isCodeName, readFileReads, variableReadsOfBytes, type CodeFileReader, type FileReads } from '../project/code-reads.js';
import type { ReadTap } from '../scanner/index.js';

/**
 * The scan's reading shared with project detection, so the doctor reads the tree once: the tap
 * keeps the variables each source file the scan reads takes from the environment (a few names,
 * never its text), and `read` answers from that once the working-tree reading is over. Files the
 * scan did not read (ignored by git, or too large for it) are read from disk as before.
 */
export function sharedCodeReads(root: string): { tap: ReadTap; read: CodeFileReader } {
  const seen = new Map<string, FileReads>();
  let finish!: () => void;
  const over = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tap: ReadTap = {
    file(path, bytes) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (isCodeName(name) && inWalkedFolders(path)) seen.set(join(root, path), variableReadsOfBytes(name, bytes));
    },
    done: () => finish(),
  };
  const read: CodeFileReader = async (path, gateway) => {
    await over;
    // The tap keeps variable reads only: a gateway model id (an app that depends on `ai`) is looked for on disk.
    return (!gateway && seen.get(path)) || readFileReads(path, gateway);
  };
  return { tap, read };
}
