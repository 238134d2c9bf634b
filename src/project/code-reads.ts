import { readFile, stat } from 'node:fs/promises';
import { extname, sep } from 'node:path';
import { settingsReads, type SettingsReads } from './pydantic-settings.js';
import { listDir, type ListDir } from './read.js';

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
 * What follows a name the code sets rather than reads: `os.environ["OPENAI_API_KEY"] = getpass()` in
 * a notebook, `process.env.X = 'your-key'` in a docs example, `process.env.HF_TOKEN ??= token` where
 * the app gives the variable a value of its own (chat-ui); `==` reads it.
 */
const WRITE = /^["']?[ \t]*\]?[ \t]*(?:\?\?|\|\|)?=(?!=)/;

/**
 * What stands around a read that makes it a fallback or a switch: the app runs without the variable
 * (fragments' `apiKey || process.env.GROQ_API_KEY`, mem0's `self.config.api_key or os.getenv(…)`,
 * assistant-ui's `if os.getenv("OPENAI_API_KEY"):` before an echo agent, `bool(os.getenv(…))` in its
 * health check). A negated test (`if not os.getenv(…): raise`) is how apps insist on a key, so it is not one.
 */
const GUARD_BEFORE = /(?:\|\||\?\?|!!)\s*$|\bor\s+$|\b(?:el)?if\s*\(?\s*$|\b(?:bool|Boolean)\(\s*$/;
const GUARD_AFTER = /^["']?\s*\]?\s*(?:\?(?![?.])|&&)/;

/**
 * A plain `'creator/model'` id, which the `ai` package sends through the Vercel AI Gateway (its
 * default provider); not an import path (`from 'openai/resources'`) and not a deeper path.
 */
const GATEWAY_MODEL =
  /(?<!\bfrom\s*|\b(?:require|import)\s*\(\s*)["'`]((?:openai|anthropic|google|xai|mistral|groq|deepseek|perplexity|meta|amazon|bedrock|cohere|alibaba|moonshotai|zai|vercel|fireworks|togetherai|cerebras|deepinfra|inception|morph|vertex)\/[a-z0-9][a-z0-9.:-]*)["'`]/g;

// dotenv told which file to load: `config({ path: '.env.local' })`, `config({ path: resolve(dir, '../.env.local') })`,
// `load_dotenv(".env.local")`, `load_dotenv(dotenv_path=find_dotenv(".env.local"))`.
const DOTENV_PATH = /\bconfig\(\s*\{[^}]*?\bpath\s*:([^}]*)\}|\bload_dotenv\(([^)]*)\)/g;
// `load_dotenv()`, `load_dotenv(override=True)`, `load_dotenv(find_dotenv())`: no path, so python-dotenv's
// find_dotenv looks for `.env` in the calling file's folder, then in each folder above it.
const SEARCHING_CALL = /^\s*(?:find_dotenv\(\s*|(?:override|verbose|interpolate|encoding)\s*=\s*[\w"'-]+\s*,?\s*)*$/;
const ENV_FILE_LITERAL = /["'`](?:[^"'`\n]*\/)?(\.env(?:\.[A-Za-z0-9_-]+)*)["'`]/g;

/**
 * An env schema's entry: `OPENAI_API_KEY: z.string().optional(),` under `server:` in a t3-env
 * `createEnv({...})` (create-t3-app, big-AGI), which validates `process.env` for the app, so each
 * entry is a variable the app reads even where no `process.env.X` is written (t3-env's
 * `experimental__runtimeEnv`). `.optional()`, `.nullish()` or `.default(…)` say the app runs without it.
 */
const SCHEMA_ENTRY = /^[ \t]*["']?([A-Z][A-Z0-9_]{2,})["']?[ \t]*:[ \t]*z[ \t]*\.([^\n]*)$/gm;
const OPTIONAL_ENTRY = /\.(?:optional|nullish|default)\(/;
const SCHEMA_FILE = 'createEnv(';

/** What an app's own code says about its keys. */
export interface CodeReads {
  /**
   * Variable names read from the environment, with the first file (relative to the app) that reads
   * each; the names most files read come first, as the app's main variable for a provider.
   */
  variables: Map<string, string>;
  /** The first plain gateway model id in JS/TS code, and its file. */
  gatewayModel: { model: string; file: string } | undefined;
  /** The `.env*` files (names only) the code tells dotenv or python-dotenv to load, in the order first seen. */
  envFiles: string[];
  /** Variables an env schema declares optional, with the first file that does. */
  optional: Map<string, string>;
  /** The `.env` files (names only) a pydantic settings class loads itself, in the order first seen. */
  settingsFiles: string[];
  /** Some file calls python-dotenv's `load_dotenv()` with no path: it loads the nearest `.env` up from that file's folder. */
  searchesUp: boolean;
  /** Variables every file that reads them reads only as a fallback or a switch, with the first such file. */
  guarded: Map<string, string>;
}

/**
 * What one source file says: the variables it reads (in order, once each), those of them its env
 * schema declares optional, and, when asked for JS/TS, its first gateway model id.
 */
export interface FileReads {
  variables: string[];
  gatewayModel: string | undefined;
  envFiles: string[];
  optional: string[];
  settingsFiles: string[];
  searchesUp: boolean;
  /** Variables this file reads only as a fallback (`apiKey || process.env.X`, `key or os.getenv("X")`) or a switch (`if os.getenv("X"):`). */
  guarded: string[];
}

/**
 * The reads of the source file at an absolute path; nothing for a file that cannot be read or is
 * too large. `gateway`: look for a gateway model id too (only an app that depends on `ai` uses one).
 * A reader that already knows the answer gives it without a promise.
 */
export type CodeFileReader = (path: string, gateway: boolean) => FileReads | Promise<FileReads>;

/** A file that reads nothing; shared, so never changed. */
export const NO_READS: FileReads = { variables: [], gatewayModel: undefined, envFiles: [], optional: [], settingsFiles: [], searchesUp: false, guarded: [] };
/** Every form READ and ENV_FILE_LITERAL match holds it: a file without it reads nothing from the environment. */
const ENV = Buffer.from('env');
/**
 * Each form holds one of these: `process.env.`, `process.env[` and `import.meta.env.` hold `.env`, as
 * does a `.env` file's name; the others are `os.environ`, `os.getenv`, an env schema's `createEnv(` and `load_dotenv`. Of the corpus's 438 code
 * files with `env` in them (`environment`, `venv`, `dotenv`), 129 hold one, and only those are decoded.
 */
const FORMS = ['.env', 'os.environ', 'os.getenv', SCHEMA_FILE, 'load_dotenv'].map((f) => Buffer.from(f));
/** A pydantic settings class reads the environment with none of the forms, often with no `env` in its file. */
const SETTINGS = 'BaseSettings';
const SETTINGS_BYTES = Buffer.from(SETTINGS);
const NO_SETTINGS: SettingsReads = { variables: [], optional: [], envFiles: [] };
/** A path with a folder the walk never enters (skipped or hidden). */
const UNWALKED = new RegExp(`(?:^|/)(?:\\.[^/]*|${[...SKIP_DIRS].map((d) => d.replaceAll('.', '\\.')).join('|')})/`);

/** True for a file name the walk reads: source code, not a test. */
export function isCodeName(name: string): boolean {
  return SOURCE.has(extname(name)) && !TEST_FILE.test(name);
}

/** True for a path (relative to any app root) whose folders the walk may enter: none skipped, none hidden. */
export function inWalkedFolders(path: string): boolean {
  return !UNWALKED.test(path);
}

/** The reads of one source file's text; `name` (its file name) says whether it is JS/TS. */
export function fileReads(name: string, raw: string, gateway: boolean): FileReads {
  // A notebook's code is in JSON strings, where `os.environ["X"]` is written `os.environ[\"X\"]`.
  const text = extname(name) === '.ipynb' ? raw.replaceAll('\\"', '"') : raw;
  const schema = JS.has(extname(name)) && text.includes(SCHEMA_FILE) ? [...text.matchAll(SCHEMA_ENTRY)] : [];
  const settings = extname(name) === '.py' && text.includes(SETTINGS) ? settingsReads(text) : NO_SETTINGS;
  const reads = [...text.matchAll(READ)].filter((m) => !WRITE.test(text.slice(m.index + m[0].length, m.index + m[0].length + 16)));
  const plain = new Set<string>();
  const switched = new Set<string>();
  for (const m of reads) {
    const end = m.index + m[0].length;
    const guard = GUARD_BEFORE.test(text.slice(Math.max(0, m.index - 16), m.index)) || GUARD_AFTER.test(text.slice(end, end + 8));
    (guard ? switched : plain).add(m[1]!);
  }
  const guarded = [...switched].filter((v) => !plain.has(v));
  const variables = [...new Set([...reads.map((m) => m[1]!), ...schema.map((m) => m[1]!), ...settings.variables])];
  const optional = [...new Set([...schema.filter((m) => OPTIONAL_ENTRY.test(m[2]!)).map((m) => m[1]!), ...settings.optional])];
  const settingsFiles = [...new Set(settings.envFiles)];
  let gatewayModel: string | undefined;
  if (gateway && JS.has(extname(name))) {
    gatewayModel = GATEWAY_MODEL.exec(text)?.[1];
    GATEWAY_MODEL.lastIndex = 0;
  }
  const loads = [...text.matchAll(DOTENV_PATH)];
  const envFiles = [...new Set(loads.flatMap((m) => [...(m[1] ?? m[2]!).matchAll(ENV_FILE_LITERAL)].map((f) => f[1]!)))];
  const searchesUp = loads.some((m) => m[2] !== undefined && SEARCHING_CALL.test(m[2]));
  return variables.length === 0 && gatewayModel === undefined && envFiles.length === 0 && settingsFiles.length === 0 && !searchesUp
    ? NO_READS
    : { variables, gatewayModel, envFiles, optional, settingsFiles, searchesUp, guarded };
}

/** The variables a file reads, from its bytes as another reader (the scanner) read them; nothing past the walk's size limit. */
export function variableReadsOfBytes(name: string, bytes: Buffer): FileReads {
  // `env` first: one pass over every file, the forms only over the few that hold it.
  if (bytes.length > MAX_BYTES) return NO_READS;
  if (!(bytes.includes(ENV) && FORMS.some((f) => bytes.includes(f))) && !(name.endsWith('.py') && bytes.includes(SETTINGS_BYTES))) return NO_READS;
  return fileReads(name, bytes.toString('utf8'), false);
}

/** Reads a source file from disk for its reads. */
export async function readFileReads(path: string, gateway: boolean): Promise<FileReads> {
  const size = (await stat(path).catch(() => null))?.size ?? Infinity;
  if (size > MAX_BYTES) return NO_READS;
  return fileReads(path, await readFile(path, 'utf8').catch(() => ''), gateway);
}

/**
 * Walks the app's code (not `exclude`, folders relative to `root` owned by apps nested in it) for the
 * variables it reads from the environment and, with `gateway`, for gateway model ids; each file's
 * reads come from `read` and each folder's entries from `list` (the disk, or what another reader
 * already read).
 */
export async function readCode(
  root: string,
  opts: { exclude?: readonly string[]; gateway: boolean; read?: CodeFileReader; list?: ListDir },
): Promise<CodeReads> {
  const read = opts.read ?? readFileReads;
  const list = opts.list ?? listDir;
  const variables = new Map<string, string>();
  const readers = new Map<string, number>();
  let gatewayModel: CodeReads['gatewayModel'];
  const envFiles = new Set<string>();
  const optional = new Map<string, string>();
  const settingsFiles = new Set<string>();
  let searchesUp = false;
  const guarded = new Map<string, string>();
  const readPlainly = new Set<string>();
  const skip = new Set(opts.exclude);
  let budget = MAX_FILES;
  // `dir` is already normal and a name holds no separator: path.join's normalising, per file, is not needed.
  const child = (dir: string, name: string): string => (dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`);
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = [...(await list(dir))].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (budget <= 0) return;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && !skip.has(path)) await walk(child(dir, e.name), path);
      } else if (e.isFile() && isCodeName(e.name)) {
        budget -= 1;
        const got = read(child(dir, e.name), opts.gateway && !gatewayModel);
        const reads = got instanceof Promise ? await got : got;
        for (const name of reads.variables) {
          if (!variables.has(name)) variables.set(name, path);
          readers.set(name, (readers.get(name) ?? 0) + 1);
        }
        if (!gatewayModel && reads.gatewayModel) gatewayModel = { model: reads.gatewayModel, file: path };
        for (const f of reads.envFiles) envFiles.add(f);
        for (const name of reads.optional) if (!optional.has(name)) optional.set(name, path);
        for (const f of reads.settingsFiles) settingsFiles.add(f);
        searchesUp ||= reads.searchesUp;
        for (const name of reads.variables) {
          if (!reads.guarded.includes(name)) readPlainly.add(name);
          else if (!guarded.has(name)) guarded.set(name, path);
        }
      }
    }
  };
  await walk(root, '');
  const ranked = [...variables].sort(([a], [b]) => readers.get(b)! - readers.get(a)!);
  for (const name of readPlainly) guarded.delete(name);
  return { variables: new Map(ranked), gatewayModel, envFiles: [...envFiles], optional, settingsFiles: [...settingsFiles], searchesUp, guarded };
}
