import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const SOURCE = new Set(['.py', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.ipynb']);
const JS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx']);
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', '.venv', 'venv', 'env', '__pycache__', '.tox', 'site-packages', 'coverage', '.turbo',
  'test', 'tests', '__tests__', 'spec', 'e2e', 'fixtures', '__fixtures__', '__mocks__']);
/** Tests read keys to call real APIs in CI; what the app needs when it runs is in its own code. */
const TEST_FILE = /\.(?:test|spec|test-d|e2e)\.[cm]?[jt]sx?$|^(?:test_.*|.*_test|conftest)\.py$/;
/** Enough for any app's own code; a bigger tree is sampled, never walked whole on every doctor run. */
const MAX_FILES = 3000;
const MAX_BYTES = 512 * 1024;

// os.environ["X"], os.environ.get("X"), os.getenv("X"), process.env.X, process.env["X"], import.meta.env.X
const READ = /(?:os\.environ(?:\.get)?\s*[[(]\s*|os\.getenv\s*\(\s*|process\.env\.|process\.env\[\s*|import\.meta\.env\.)["']?([A-Z][A-Z0-9_]{2,})/g;

/**
 * A plain `'creator/model'` id, which the `ai` package sends through the Vercel AI Gateway (its
 * default provider); not an import path (`from 'openai/resources'`) and not a deeper path.
 */
const GATEWAY_MODEL =
  /(?<!\bfrom\s*|\b(?:require|import)\s*\(\s*)["'`]((?:openai|anthropic|google|xai|mistral|groq|deepseek|perplexity|meta|amazon|bedrock|cohere|alibaba|moonshotai|zai|vercel|fireworks|togetherai|cerebras|deepinfra|inception|morph|vertex)\/[a-z0-9][a-z0-9.:-]*)["'`]/g;

/** What an app's own code says about its keys. */
export interface CodeReads {
  /**
   * Variable names read from the environment, with the first file (relative to the app) that reads
   * each; the names most files read come first, as the app's main variable for a provider.
   */
  variables: Map<string, string>;
  /** The first plain gateway model id in JS/TS code, and its file. */
  gatewayModel: { model: string; file: string } | undefined;
}

/**
 * Walks the app's code (not `exclude`, folders relative to `root` owned by apps nested in it) for the
 * variables it reads from the environment and for gateway model ids.
 */
export async function readCode(root: string, exclude: readonly string[] = []): Promise<CodeReads> {
  const variables = new Map<string, string>();
  const readers = new Map<string, number>();
  let gatewayModel: CodeReads['gatewayModel'];
  const skip = new Set(exclude);
  let budget = MAX_FILES;
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (budget <= 0) return;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && !skip.has(path)) await walk(join(dir, e.name), path);
      } else if (e.isFile() && SOURCE.has(extname(e.name)) && !TEST_FILE.test(e.name)) {
        budget -= 1;
        const full = join(dir, e.name);
        const size = (await stat(full).catch(() => null))?.size ?? Infinity;
        if (size > MAX_BYTES) continue;
        const text = await readFile(full, 'utf8').catch(() => '');
        for (const name of new Set([...text.matchAll(READ)].map((m) => m[1]!))) {
          if (!variables.has(name)) variables.set(name, path);
          readers.set(name, (readers.get(name) ?? 0) + 1);
        }
        if (!gatewayModel && JS.has(extname(e.name))) {
          const m = GATEWAY_MODEL.exec(text);
          GATEWAY_MODEL.lastIndex = 0;
          if (m) gatewayModel = { model: m[1]!, file: path };
        }
      }
    }
  };
  await walk(root, '');
  const ranked = [...variables].sort(([a], [b]) => readers.get(b)! - readers.get(a)!);
  return { variables: new Map(ranked), gatewayModel };
}
