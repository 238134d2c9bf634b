import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { compareText } from '../core/text-order.js';
import { PROVIDERS, findProvider, providerForName, providerForVariable, type Provider } from '../providers/index.js';
import { readCode, type CodeFileReader } from './code-reads.js';
import { listDir, type ListDir } from './read.js';
import { parseDotenv } from './dotenv-syntax.js';
import { keywardTable } from './pyproject.js';
import { readJson, readText } from './read.js';
import { detectFramework, PYTHON_DOTENV, UNKNOWN_FRAMEWORK, withCodeNamedFiles, withSettingsFiles, type Framework } from './framework.js';
import { isTemplateName, readTemplate } from './templates.js';

/** A `.env*` file in the project root and whether the app loads it in the current mode. */
export interface DotenvFileRef {
  /** Relative to the root. */
  file: string;
  /** Position in the load order (0 wins; docker compose's env files, the container's environment, count down from -1), or null for files the current mode does not load. */
  order: number | null;
  /**
   * A folder above the app's holds it, and python-dotenv's search finds it there (`../.env`): the app
   * reads its keys, but the file is its folder's, whose app checks where it is kept.
   */
  inherited?: true;
}

export interface UsedProvider {
  provider: Provider;
  /** Why keyward thinks the project uses it, for the report (`dependency @ai-sdk/google`, `src/chat.ts reads GOOGLE_GEMINI_API_KEY`). */
  reasons: string[];
  /** The variables this project reads for the provider, first the one its code or SDK reads first: fixes name `variables[0]`. */
  variables: string[];
  /** Marked optional by a template or by configuration, or left out of templates that name other keys: a missing key is a note. */
  optional: boolean;
  /** Why it is optional, a sentence without its full stop (".env.example names other providers' keys but not Anthropic's"). */
  optionalWhy?: string;
}

export interface ProjectInfo {
  root: string;
  /** `keyward.project` in package.json or pyproject.toml, else the manifest's name, else the folder's name: the keychain account suffix. */
  name: string;
  dotenvFiles: DotenvFileRef[];
  /** `.env.example` and friends: they name variables, never hold keys. */
  exampleFiles: string[];
  used: UsedProvider[];
  /** How the app loads .env files and what it ships to the browser. */
  framework: Framework;
  /** The app's language, from its manifests: the wizard shows the matching "load the key" line first. */
  language: 'node' | 'python' | 'unknown';
  /** `keyward.rotationDays` (package.json) or `rotation-days` (pyproject.toml), when set to a positive number. */
  rotationDays: number | undefined;
  /** `"keyward": {"requireKeys": true}`: the deploy gate (`doctor --ci`) fails on a missing key. */
  requireKeys: boolean;
}

const DOTENV = /^\.env(\.[A-Za-z0-9_.-]+)?$/;
// `example.env`, and `.example.env` (llamacoder's template).
const ENV_LIKE = /^\.?(?:[A-Za-z0-9_-]+\.)?env(?:\.[A-Za-z0-9_-]+)?$/;
// `.env.gcp.yaml` is a file of another format for another tool (gcloud's --env-vars-file), not KEY=value lines.
const OTHER_FORMAT = /\.(?:ya?ml|json|toml|js|cjs|mjs|ts|sh|py)$/;

/** Sorts `.env*` names of a folder into loaded (with their place in `order`, winner first), not loaded, and templates. */
export function classifyDotenvNames(
  names: readonly string[],
  order: readonly string[],
  configuredTemplates: readonly string[] = [],
): { dotenv: DotenvFileRef[]; examples: string[] } {
  const dotenv: DotenvFileRef[] = [];
  const examples: string[] = [];
  for (const n of [...names].sort()) {
    if (isTemplateName(n, configuredTemplates)) {
      if (DOTENV.test(n) || ENV_LIKE.test(n) || configuredTemplates.includes(n)) examples.push(n);
      continue;
    }
    if (!DOTENV.test(n) || OTHER_FORMAT.test(n) || n === '.env.keys' || n === '.env.vault') continue;
    dotenv.push({ file: n, order: order.includes(n) ? order.indexOf(n) : null });
  }
  dotenv.sort((a, b) => (a.order ?? 99) - (b.order ?? 99) || compareText(a.file, b.file));
  return { dotenv, examples };
}

/** Python manifests' dependency names (requirements*.txt, pyproject.toml, Pipfile), lowercased, in order. */
function pythonDependencyMentions(texts: readonly string[]): string[] {
  const names = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)|["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;[\]]|["'])/gm)) {
      names.add((m[1] ?? m[2]!).toLowerCase());
    }
  }
  return [...names];
}

const BUNDLERS: ReadonlySet<string> = new Set(['nextjs', 'expo', 'cra', 'nuxt', 'sveltekit', 'astro', 'remix', 'gatsby', 'vite']);
const DEV_REQUIREMENTS = /^requirements[-_.](?:dev|test|tests|lint|docs|ci|extra|extras|optional)\b/;
// pyproject tables of extras and development groups, each up to the next table.
const OPTIONAL_SECTIONS =
  /^\s*\[\s*(?:project\.optional-dependencies|dependency-groups|tool\.poetry\.dev-dependencies|tool\.poetry\.group\.[^\]]+|tool\.pdm\.dev-dependencies)\s*\][\s\S]*?(?=^\s*\[|$(?![\s\S]))/gm;

/** What the manifests say: npm and Python dependency names (in order), a Python project's own name, keyward's settings. */
interface Manifests {
  pkg: Record<string, unknown> | undefined;
  npm: string[];
  python: string[];
  /** Dependencies listed only for development or as extras: devDependencies, pyproject's optional and dev groups, requirements-dev.txt. */
  devOnly: Set<string>;
  pythonName: string | undefined;
  settings: Settings;
}

/** `"keyward"` in package.json, else `[tool.keyward]` in pyproject.toml, with where each came from. */
interface Settings {
  project?: unknown;
  requireKeys?: unknown;
  providers?: unknown;
  optional?: unknown;
  templates?: unknown;
  rotationDays?: unknown;
  /** `package.json keyward` or `pyproject.toml [tool.keyward]`, for the evidence the report shows. */
  from: string;
}

async function readManifests(root: string, names: readonly string[]): Promise<Manifests> {
  const pkg = await readJson(join(root, 'package.json'));
  const npm = Object.keys({ ...(pkg?.dependencies as object | undefined), ...(pkg?.devDependencies as object | undefined) });
  const pyFiles = names.filter((n) => /^requirements.*\.txt$|^pyproject\.toml$|^Pipfile$|^setup\.cfg$|^setup\.py$/.test(n));
  const pyTexts = await Promise.all(pyFiles.map((n) => readText(join(root, n))));
  const pyproject = names.includes('pyproject.toml') ? await readText(join(root, 'pyproject.toml')) : undefined;
  const pythonName = pyproject ? /^name\s*=\s*["']([^"']+)["']/m.exec(pyproject)?.[1] : undefined;
  const own = pkg?.keyward;
  const settings: Settings =
    own && typeof own === 'object'
      ? { ...(own as object), from: 'package.json keyward' }
      : { ...(pyproject ? keywardTable(pyproject) : undefined), from: 'pyproject.toml [tool.keyward]' };
  // A pyproject's own [tool.keyward] lines are settings, not dependencies.
  const texts = pyFiles.flatMap((n, i) => (pyTexts[i] === undefined ? [] : [{ name: n, text: pyTexts[i]!.replace(/^\s*\[\s*tool\s*\.\s*keyward\s*\][\s\S]*?(?=^\s*\[|$(?![\s\S]))/m, '') }]));
  const pyDeps = pythonDependencyMentions(texts.map((t) => t.text));
  // What the app installs to run, against what it lists for development or as extras (mem0's llms extra names six providers' SDKs).
  const runtime = new Set(pythonDependencyMentions(texts.flatMap(({ name, text }) => (DEV_REQUIREMENTS.test(name) ? [] : [text.replace(OPTIONAL_SECTIONS, '')]))));
  const prod = new Set(Object.keys((pkg?.dependencies as object | undefined) ?? {}));
  const devOnly = new Set([...npm.filter((d) => !prod.has(d)), ...pyDeps.filter((d) => !runtime.has(d))]);
  return { pkg, npm, python: pyDeps, devOnly, pythonName, settings };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Per provider: the evidence, and the variables in three tiers (the app's code, its SDKs, its .env files and templates). */
/** A package that names a provider, and how the manifest lists it. */
interface Dependency {
  name: string;
  kind: 'npm' | 'npm-dev' | 'python' | 'python-extra';
}

class Evidence {
  readonly reasons = new Map<string, string[]>();
  private readonly tiers = new Map<string, [string[], string[], string[]]>();
  private readonly templateMentions = new Map<string, boolean[]>();
  private readonly dependencies = new Map<string, Dependency[]>();

  add(p: Provider | undefined, why: string, variables: readonly string[] = [], tier: 0 | 1 | 2 = 2): void {
    if (!p) return;
    const list = this.reasons.get(p.id) ?? [];
    if (!list.includes(why)) list.push(why);
    this.reasons.set(p.id, list);
    const tiers = this.tiers.get(p.id) ?? [[], [], []];
    for (const v of variables) if (!tiers[tier].includes(v)) tiers[tier].push(v);
    this.tiers.set(p.id, tiers);
  }

  /** A dependency as evidence, kept as what it is as well as in words: the optional-provider rules ask which kind each was. */
  addDependency(p: Provider, dep: Dependency, variables: readonly string[]): void {
    const why = { npm: 'dependency', 'npm-dev': 'devDependency', python: 'Python dependency', 'python-extra': 'Python optional dependency' }[dep.kind];
    this.add(p, `${why} ${dep.name}`, variables, 1);
    const list = this.dependencies.get(p.id) ?? [];
    if (!list.some((d) => d.name === dep.name)) list.push(dep);
    this.dependencies.set(p.id, list);
  }

  /** The provider's dependencies when nothing else (code, files, templates, --provider) says the app uses it. */
  onlyDependencies(p: Provider): Dependency[] | undefined {
    const deps = this.dependencies.get(p.id) ?? [];
    return deps.length > 0 && deps.length === (this.reasons.get(p.id) ?? []).length ? deps : undefined;
  }

  mention(p: Provider, optional: boolean): void {
    this.templateMentions.set(p.id, [...(this.templateMentions.get(p.id) ?? []), optional]);
  }

  /**
   * The variables the app reads first first: names its code reads that an SDK reads too, then the
   * code's own names (`GOOGLE_GEMINI_API_KEY`), then the SDKs', then the .env files' and templates';
   * a browser-prefixed name last, so no fix tells anyone to put a key there. The provider's own list
   * when nothing names one.
   */
  variables(p: Provider): string[] {
    const [code, sdk, files] = this.tiers.get(p.id) ?? [[], [], []];
    const known = new Set([...sdk, ...p.envVars]);
    const all = [...new Set([...code.filter((v) => known.has(v)), ...code, ...sdk, ...files])];
    const isPublic = (v: string) => UNKNOWN_FRAMEWORK.browserPrefixes.some((prefix) => v.startsWith(prefix));
    const ordered = [...all.filter((v) => !isPublic(v)), ...all.filter(isPublic)];
    return ordered.length ? ordered : [...p.envVars];
  }

  /** What each template mention of the provider says: optional (true) or not. */
  templateMentionsOf(p: Provider): readonly boolean[] | undefined {
    return this.templateMentions.get(p.id);
  }

  /** True when every template that names the provider's variables says they may be left out. */
  optionalByTemplates(p: Provider): boolean {
    const m = this.templateMentions.get(p.id) ?? [];
    return m.length > 0 && m.every(Boolean);
  }

  /** True when the templates name some provider's key, but none of this provider's. */
  leftOutOfTemplates(p: Provider): boolean {
    return this.templateMentions.size > 0 && !this.templateMentions.has(p.id);
  }
}

/**
 * The `.env` python-dotenv's `find_dotenv()` reaches from `root` going up, relative to `root`
 * (`../.env`), searched no higher than the repository's top folder; undefined when none, or
 * outside a repository (where the search would reach the home folder's files).
 */
function nearestDotenvAbove(root: string): string | undefined {
  for (let dir = root; !existsSync(join(dir, '.git')); ) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
    if (existsSync(join(dir, '.env'))) return relative(root, join(dir, '.env')).split(sep).join('/');
  }
  return undefined;
}

const SEARCH_ENGINE_ID = /^GOOGLE_(?:CSE_ID|CX(?:_KEY|_ID)?|SEARCH_ENGINE_ID)$/;

/**
 * Reads what the project is: its name, framework, .env files, templates, and the providers it uses
 * and why. `exclude` lists folders (relative to `root`) of apps nested inside it: their code is theirs.
 * `code` gives each source file's reads when another reader already read it (the doctor's scan),
 * `list` the folders' entries when another walk already listed them, `composeFiles` the env files
 * docker compose gives the service built from `root` (relative to it).
 */
export async function detectProject(
  root: string,
  opts: { mode: string; providerIds: readonly string[]; exclude?: readonly string[]; code?: CodeFileReader; list?: ListDir; composeFiles?: readonly string[] },
): Promise<ProjectInfo> {
  const names = (await (opts.list ?? listDir)(root)).map((e) => e.name);
  const m = await readManifests(root, names);
  const own = m.settings;
  const rotationDays = typeof own.rotationDays === 'number' && Number.isFinite(own.rotationDays) && own.rotationDays > 0 ? own.rotationDays : undefined;
  const name =
    (typeof own.project === 'string' && own.project) || (typeof m.pkg?.name === 'string' && m.pkg.name) || m.pythonName || basename(root);
  const npm = new Set(m.npm);
  const python = new Set(m.python);
  // A project can say which providers it calls, instead of its dependencies and code (`"keyward":
  // {"providers": []}` for a tool that depends on SDKs but calls no API). Keys in its .env files still count.
  const explicit = Array.isArray(own.providers) ? strings(own.providers) : null;
  const code = explicit
    ? undefined
    : await readCode(root, { gateway: npm.has('ai'), ...(opts.exclude ? { exclude: opts.exclude } : {}), ...(opts.code ? { read: opts.code } : {}), ...(opts.list ? { list: opts.list } : {}) });
  // A package.json with no dependencies beside a Python manifest only holds scripts (llama-index-server's pnpm tasks).
  const isPython = m.python.length > 0 || m.pythonName !== undefined;
  const language = m.pkg && !(isPython && m.npm.length === 0) ? 'node' : isPython ? 'python' : 'unknown';
  // Code that calls load_dotenv uses python-dotenv, listed or not in this folder's requirements (gpt-researcher's evals take it from the root's).
  const callsDotenv = language === 'python' && code !== undefined && (code.searchesUp || code.envFiles.length > 0);
  const detected = detectFramework(npm, python);
  const base = detected.id === 'unknown' && callsDotenv ? PYTHON_DOTENV : detected;
  const framework = withSettingsFiles(withCodeNamedFiles(base, code?.envFiles ?? []), code?.settingsFiles ?? []);
  const configuredTemplates = strings(own.templates);
  const order = framework.loadOrder(opts.mode);
  const { dotenv, examples } = classifyDotenvNames([...names, ...configuredTemplates.filter((t) => t.includes('/'))], order, configuredTemplates);
  if (language === 'python' && code?.searchesUp && !names.includes('.env') && order.includes('.env')) {
    const above = nearestDotenvAbove(root);
    if (above) dotenv.push({ file: above, order: order.indexOf('.env'), inherited: true });
  }
  // docker compose hands the service built from this folder its env_file as the container's
  // environment, above any file the app loads itself; of its files the last wins.
  (opts.composeFiles ?? []).forEach((file, i) => {
    const own = dotenv.find((d) => d.file === file);
    if (own) own.order = -(i + 1);
    else dotenv.push({ file, order: -(i + 1), ...(file.startsWith('../') ? { inherited: true as const } : {}) });
  });
  dotenv.sort((a, b) => (a.order ?? 99) - (b.order ?? 99));

  const evidence = new Evidence();
  for (const id of opts.providerIds) evidence.add(findProvider(id), '--provider');
  for (const id of explicit ?? []) evidence.add(findProvider(id), `${own.from}.providers`);
  if (code) {
    // A bundled app (SvelteKit's template lists every package under devDependencies) ships what it bundles, dev or not.
    const bundled = BUNDLERS.has(detected.id);
    for (const dep of m.npm) {
      for (const p of PROVIDERS) if (dep in p.packages.npm) evidence.addDependency(p, { name: dep, kind: m.devOnly.has(dep) && !bundled ? 'npm-dev' : 'npm' }, p.packages.npm[dep]!);
    }
    for (const dep of m.python) {
      for (const p of PROVIDERS) {
        const sdk = Object.keys(p.packages.python).find((d) => d.toLowerCase() === dep);
        if (sdk) evidence.addDependency(p, { name: sdk, kind: m.devOnly.has(dep) ? 'python-extra' : 'python' }, p.packages.python[sdk]!);
      }
    }
    // GOOGLE_API_KEY read beside a search engine's id is a Custom Search key (LangChain's
    // GoogleSearchAPIWrapper, gpt-researcher's Google retriever), not Gemini's; a Gemini SDK still counts.
    const searchKey = [...code.variables.keys()].some((v) => SEARCH_ENGINE_ID.test(v));
    for (const [variable, file] of code.variables) {
      if (!(searchKey && variable === 'GOOGLE_API_KEY')) evidence.add(providerForName(variable), `${file} reads ${variable}`, [variable], 0);
    }
    // The `ai` package sends a plain 'creator/model' id through the Vercel AI Gateway.
    if (npm.has('ai') && code.gatewayModel) {
      evidence.add(findProvider('ai-gateway'), `${code.gatewayModel.file} uses the gateway model id '${code.gatewayModel.model}'`, ['AI_GATEWAY_API_KEY'], 1);
    }
  }
  for (const f of dotenv.map((d) => d.file)) {
    const text = await readText(join(root, f));
    if (text === undefined || text.includes('\0')) continue;
    for (const variable of Object.keys(parseDotenv(text))) evidence.add(providerForVariable(variable), `${f} sets ${variable}`, [variable]);
  }
  for (const f of examples) {
    const text = await readText(join(root, f));
    if (text === undefined || text.includes('\0')) continue;
    for (const { variable, optional } of readTemplate(text)) {
      const p = providerForName(variable);
      if (!p) continue;
      evidence.add(p, `${f} names ${variable}`, [variable]);
      evidence.mention(p, optional);
    }
  }

  const optional = new Set(strings(own.optional));
  const asked = new Set([...opts.providerIds, ...(explicit ?? [])]);
  // An env schema that declares every variable the code reads for the provider optional (big-AGI's
  // twenty `z.string().optional()` keys): the app runs without it, as the schema checks at start.
  const bySchema = (p: Provider): string | undefined => {
    if (!code) return undefined;
    const read = [...code.variables.keys()].filter((v) => providerForName(v) === p);
    if (read.length === 0) return undefined;
    if (read.every((v) => code.optional.has(v))) return `${code.optional.get(read[0]!)} declares ${read[0]} optional`;
    // Read only as a fallback or a switch, and no template asks for it: the app runs without it.
    const required = (evidence.templateMentionsOf(p) ?? []).some((optional) => !optional);
    if (!required && read.every((v) => code.optional.has(v) || code.guarded.has(v))) {
      const v = read.find((x) => code.guarded.has(x))!;
      return `${code.guarded.get(v)} reads ${v} only as a fallback or a switch`;
    }
    return undefined;
  };
  // An SDK listed only for development or as an extra, and nothing else that says the app calls the provider.
  const byDevOnly = (p: Provider): string | undefined => {
    const deps = asked.has(p.id) ? undefined : evidence.onlyDependencies(p);
    if (!deps?.every((d) => d.kind === 'npm-dev' || d.kind === 'python-extra')) return undefined;
    return deps[0]!.kind === 'npm-dev' ? `package.json lists ${deps[0]!.name} only in devDependencies` : `the manifests list ${deps[0]!.name} only as an extra or for development`;
  };
  // Known only from packages that run without a key for what most apps do with them.
  const byKeyOptionalPackage = (p: Provider): string | undefined => {
    const deps = asked.has(p.id) ? undefined : evidence.onlyDependencies(p);
    if (!deps?.every((d) => p.keyOptionalPackages?.includes(d.name))) return undefined;
    return `${deps[0]!.name} needs ${p.envVars[0]} only for gated or private models`;
  };
  // A template is the project's list of keys to set: an app that supports many providers
  // (gpt-researcher depends on ten SDKs, its .env.example names OPENAI_API_KEY) needs only those.
  const optionalWhy = (p: Provider): string | undefined =>
    optional.has(p.id)
      ? `${own.from}.optional names ${p.name}`
      : (bySchema(p) ?? byDevOnly(p) ?? byKeyOptionalPackage(p) ??
        (evidence.optionalByTemplates(p)
        ? `The project's template marks ${p.name} optional`
        : !asked.has(p.id) && evidence.leftOutOfTemplates(p)
          ? `${examples.join(' and ')} ${examples.length > 1 ? 'name' : 'names'} other providers' keys but not ${p.name}'s`
          : undefined));
  const used = PROVIDERS.filter((p) => evidence.reasons.has(p.id)).map((provider) => {
    const why = optionalWhy(provider);
    return { provider, reasons: evidence.reasons.get(provider.id)!, variables: evidence.variables(provider), optional: why !== undefined, ...(why ? { optionalWhy: why } : {}) };
  });
  return { root, name, dotenvFiles: dotenv, exampleFiles: examples, used, framework, language, rotationDays, requireKeys: own.requireKeys === true };
}
