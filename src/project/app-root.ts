import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

const MANIFESTS = ['package.json', 'pyproject.toml', 'requirements.txt', 'Pipfile', 'setup.py'];

/** The nearest folder at or above `dir` that holds a manifest, or undefined. */
function nearestManifestDir(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (MANIFESTS.some((m) => existsSync(join(d, m)))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The app a running program belongs to (issue 17): walked up from its entry file to the nearest
 * manifest, else from the working folder. An entry inside `node_modules` (`next start`, `tsx`,
 * `vite`) is a tool's: the app is the folder that holds that `node_modules`.
 */
export function findAppRoot(entry: string | undefined, cwd: string): string {
  if (entry) {
    const marker = `${sep}node_modules${sep}`;
    const i = entry.indexOf(marker);
    const start = i === -1 ? dirname(entry) : entry.slice(0, i);
    const found = nearestManifestDir(start);
    if (found) return found;
  }
  return nearestManifestDir(cwd) ?? cwd;
}
