import { glob } from 'node:fs/promises';
import { join } from 'node:path';
import { listDir, readJson, readText, type ListDir } from './read.js';

/** A file that makes its folder an app of its own. */
const MANIFEST = /^(?:package\.json|pyproject\.toml|requirements[\w.-]*\.txt|setup\.py|setup\.cfg|Pipfile)$/;
/** Vendored, generated, virtual-environment and test-fixture folders: nothing in them is an app the project runs. */
const NOT_APPS = new Set([
  'node_modules', 'bower_components', 'vendor', 'vendors', 'third_party', 'third-party', 'site-packages', '__pycache__',
  'venv', 'env', 'virtualenv', 'dist', 'build', 'out', 'target', 'coverage', 'tmp', 'temp',
  'test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'fixtures', '__fixtures__', 'fixture', 'testdata', 'test-fixtures', '__mocks__', 'mocks',
]);
/** Deep enough for `apps/web`, `examples/group/app` and `services/api/worker`; bounded so a huge tree costs little. */
const MAX_DEPTH = 4;
const MAX_DIRS = 5000;

/** `packages:` entries of a pnpm-workspace.yaml: a list of quoted or bare globs (no YAML parser for one list). */
export function pnpmPackages(yaml: string): string[] {
  const block = /^packages:\s*\n((?:[ \t]+-.*\n?|[ \t]*#.*\n?|\s*\n)*)/m.exec(yaml)?.[1] ?? '';
  return [...block.matchAll(/^[ \t]+-[ \t]*["']?([^"'#\n]+?)["']?[ \t]*(?:#.*)?$/gm)].map((m) => m[1]!.trim());
}

/** True for a folder keyward never takes for an app (`node_modules`, `.venv`, `dist`, `tests`, `fixtures`, any dot-folder). */
function notAnApp(name: string): boolean {
  return name.startsWith('.') || NOT_APPS.has(name.toLowerCase());
}

/** Folders below `root` with a manifest of their own, breadth-first to `MAX_DEPTH`, skipping what `notAnApp` names. */
async function foldersWithManifests(root: string, list: ListDir): Promise<string[]> {
  const found: string[] = [];
  let queue = [''];
  let visited = 0;
  for (let depth = 0; depth <= MAX_DEPTH && queue.length; depth += 1) {
    const next: string[] = [];
    for (const rel of queue) {
      if ((visited += 1) > MAX_DIRS) return found;
      const entries = await list(join(root, rel));
      if (rel && entries.some((e) => e.isFile() && MANIFEST.test(e.name))) found.push(rel);
      for (const e of entries) if (e.isDirectory() && !notAnApp(e.name)) next.push(rel ? `${rel}/${e.name}` : e.name);
    }
    queue = next.sort();
  }
  return found;
}

/** The folders a workspace file declares: package.json `workspaces` (npm, yarn), pnpm-workspace.yaml, lerna.json. */
async function workspaceFolders(root: string): Promise<string[]> {
  const pkg = await readJson(join(root, 'package.json'));
  const ws = pkg?.workspaces as string[] | { packages?: string[] } | undefined;
  const patterns = [
    ...(Array.isArray(ws) ? ws : (ws?.packages ?? [])),
    ...pnpmPackages(((await readText(join(root, 'pnpm-workspace.yaml'))) ?? '') + '\n'),
    ...(((await readJson(join(root, 'lerna.json')))?.packages as string[] | undefined) ?? []),
  ].filter((p) => !p.startsWith('!'));
  const out: string[] = [];
  for (const pattern of patterns) {
    for await (const dir of glob(pattern.replace(/\/$/, ''), { cwd: root, exclude: (p) => /(^|\/)node_modules$/.test(String(p)) })) {
      const rel = String(dir).split('\\').join('/');
      if (rel && rel !== '.') out.push(rel);
    }
  }
  return out;
}

/**
 * The app folders below `root`, relative to it and sorted: every folder with a manifest of its own
 * (package.json or a Python one) that is not vendored, generated or a test fixture, found by a
 * bounded walk (`frontend/`, `backend/`, `examples/*`), plus deeper members a workspace file
 * declares. Empty for a single project. `list` lists a folder (the disk by default).
 */
export async function detectApps(root: string, list: ListDir = listDir): Promise<string[]> {
  const apps = new Set(await foldersWithManifests(root, list));
  for (const rel of await workspaceFolders(root)) {
    if (rel.split('/').some(notAnApp)) continue;
    const entries = await list(join(root, rel));
    if (entries.some((e) => e.isFile() && MANIFEST.test(e.name))) apps.add(rel);
  }
  return [...apps].sort();
}

/** The app that owns a path (relative to the root): the deepest app folder holding it, else the root (`.`). */
export function owningApp(apps: readonly string[], path: string): string {
  return apps.filter((a) => a !== '.' && path.startsWith(`${a}/`)).sort((a, b) => b.length - a.length)[0] ?? '.';
}
