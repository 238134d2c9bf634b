import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, readText } from './read.js';

/** How the app starts, from its manifests: setup shows the way to load the key that fits it. */
export type AppStart =
  | {
      kind: 'node';
      /** The entry file (the start script's, else package.json "main", else a usual name that exists), relative to the root; null when none is known. */
      entry: string | null;
      /** What runs the entry: `tsx` when the start script says so. */
      runner: 'node' | 'tsx';
      module: 'esm' | 'cjs';
      hasStartScript: boolean;
    }
  | { kind: 'python'; /** The start command (Procfile `web:`, `manage.py`, or the usual script that exists); null when none is known. */ command: string | null }
  | { kind: 'unknown' };

const RUNNERS = new Set(['node', 'tsx']);
// Flags of node and tsx whose value is the next word (`-r dotenv/config`): that word is no entry.
const TAKES_VALUE = new Set(['-r', '--require', '--import', '--loader', '--env-file', '--tsconfig']);
// Code on the command line, or a chain of commands: no one entry file.
const NO_ENTRY = new Set(['-e', '--eval', '-p', '--print', '&&', '||', ';', '|']);
const USUAL_NODE_ENTRIES = ['server.js', 'index.js', 'app.js', 'main.js', 'server.mjs', 'index.mjs', 'server.ts', 'index.ts', 'src/index.js', 'src/server.js', 'src/index.ts', 'src/server.ts'];
const USUAL_PYTHON_SCRIPTS = ['app.py', 'main.py', 'server.py'];

const exists = (path: string) => access(path).then(() => true, () => false);

/** The runner and file of a start script that runs one file with node or tsx (`NODE_ENV=production node --env-file=.env dist/server.js`). */
export function scriptEntry(script: string): { runner: 'node' | 'tsx'; entry: string } | null {
  const words = script.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i += 1;
  const runner = words[i];
  if (!runner || !RUNNERS.has(runner)) return null;
  for (i += 1; i < words.length; i += 1) {
    const w = words[i]!;
    if (NO_ENTRY.has(w)) return null;
    if (TAKES_VALUE.has(w)) i += 1;
    else if (!w.startsWith('-')) return { runner: runner as 'node' | 'tsx', entry: w.replace(/^\.\//, '') };
  }
  return null;
}

function moduleOf(entry: string | null, type: unknown): 'esm' | 'cjs' {
  if (entry && /\.m[jt]s$/.test(entry)) return 'esm';
  if (entry && /\.c[jt]s$/.test(entry)) return 'cjs';
  return type === 'module' ? 'esm' : 'cjs';
}

async function pythonCommand(root: string): Promise<string | null> {
  const web = (await readText(join(root, 'Procfile')))?.split('\n').find((l) => l.startsWith('web:'));
  if (web && web.slice(4).trim()) return web.slice(4).trim();
  if (await exists(join(root, 'manage.py'))) return 'python manage.py runserver';
  for (const f of USUAL_PYTHON_SCRIPTS) if (await exists(join(root, f))) return `python ${f}`;
  return null;
}

/** How the app in `root` starts; `language` is detect's. */
export async function findAppStart(root: string, language: 'node' | 'python' | 'unknown'): Promise<AppStart> {
  if (language === 'python') return { kind: 'python', command: await pythonCommand(root) };
  if (language !== 'node') return { kind: 'unknown' };
  const pkg = (await readJson(join(root, 'package.json'))) ?? {};
  const scripts = typeof pkg.scripts === 'object' && pkg.scripts !== null ? (pkg.scripts as Record<string, unknown>) : {};
  const start = typeof scripts.start === 'string' ? scripts.start : null;
  const fromScript = start ? scriptEntry(start) : null;
  let entry = fromScript?.entry ?? null;
  if (!entry && typeof pkg.main === 'string' && (await exists(join(root, pkg.main)))) entry = pkg.main.replace(/^\.\//, '');
  if (!entry) {
    for (const f of USUAL_NODE_ENTRIES) {
      if (await exists(join(root, f))) {
        entry = f;
        break;
      }
    }
  }
  return { kind: 'node', entry, runner: fromScript?.runner ?? 'node', module: moduleOf(entry, pkg.type), hasStartScript: start !== null };
}
