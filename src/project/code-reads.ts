import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const SOURCE = new Set(['.py', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.ipynb']);
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', '.venv', 'venv', 'env', '__pycache__', '.tox', 'site-packages', 'coverage', '.turbo']);
/** Enough for any app's own code; a bigger tree is sampled, never walked whole on every doctor run. */
const MAX_FILES = 3000;
const MAX_BYTES = 512 * 1024;

// os.environ["X"], os.environ.get("X"), os.getenv("X"), process.env.X, process.env["X"], import.meta.env.X
const READ = /(?:os\.environ(?:\.get)?\s*[[(]\s*|os\.getenv\s*\(\s*|process\.env\.|process\.env\[\s*|import\.meta\.env\.)["']?([A-Z][A-Z0-9_]{2,})/g;

/** The variable names the project's own code reads from the environment, with the first file that does. */
export async function variablesReadByCode(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let budget = MAX_FILES;
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (budget <= 0) return;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(join(dir, e.name), rel ? `${rel}/${e.name}` : e.name);
      } else if (e.isFile() && SOURCE.has(extname(e.name))) {
        budget -= 1;
        const path = join(dir, e.name);
        const size = (await stat(path).catch(() => null))?.size ?? Infinity;
        if (size > MAX_BYTES) continue;
        const text = await readFile(path, 'utf8').catch(() => '');
        for (const m of text.matchAll(READ)) if (!found.has(m[1]!)) found.set(m[1]!, rel ? `${rel}/${e.name}` : e.name);
      }
    }
  };
  await walk(root, '');
  return found;
}
