import { glob, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, readText } from './read.js';

const MANIFESTS = ['package.json', 'pyproject.toml', 'requirements.txt', 'setup.py', 'Pipfile'];
/** Where monorepos keep apps when no workspace file says so. */
const CONVENTIONAL = ['apps/*', 'packages/*', 'services/*'];

/** `packages:` entries of a pnpm-workspace.yaml: a list of quoted or bare globs (no YAML parser for one list). */
export function pnpmPackages(yaml: string): string[] {
  const block = /^packages:\s*\n((?:[ \t]+-.*\n?|[ \t]*#.*\n?|\s*\n)*)/m.exec(yaml)?.[1] ?? '';
  return [...block.matchAll(/^[ \t]+-[ \t]*["']?([^"'#\n]+?)["']?[ \t]*(?:#.*)?$/gm)].map((m) => m[1]!.trim());
}

async function hasManifest(dir: string): Promise<boolean> {
  for (const m of MANIFESTS) if (await stat(join(dir, m)).then((s) => s.isFile(), () => false)) return true;
  return false;
}

/**
 * The app folders of a monorepo, relative to `root` and sorted: the workspaces of package.json
 * (npm, yarn), pnpm-workspace.yaml and lerna.json, else `apps/*`, `packages/*` and `services/*`;
 * each with a manifest of its own (package.json or a Python one). Empty for a single project.
 */
export async function detectApps(root: string): Promise<string[]> {
  const pkg = await readJson(join(root, 'package.json'));
  const ws = pkg?.workspaces as string[] | { packages?: string[] } | undefined;
  const patterns = [
    ...(Array.isArray(ws) ? ws : (ws?.packages ?? [])),
    ...pnpmPackages(((await readText(join(root, 'pnpm-workspace.yaml'))) ?? '') + '\n'),
    ...(((await readJson(join(root, 'lerna.json')))?.packages as string[] | undefined) ?? []),
  ].filter((p) => !p.startsWith('!'));
  const apps = new Set<string>();
  for (const pattern of patterns.length ? patterns : CONVENTIONAL) {
    for await (const dir of glob(pattern.replace(/\/$/, ''), { cwd: root, exclude: (p) => /(^|\/)node_modules$/.test(String(p)) })) {
      const rel = String(dir).split('\\').join('/');
      if (rel && rel !== '.' && (await hasManifest(join(root, rel)))) apps.add(rel);
    }
  }
  return [...apps].sort();
}
