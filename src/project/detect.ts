import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'dotenv';
import { PROVIDERS, findProvider, providerForVariable, type Provider } from '../providers/index.js';
import { variablesReadByCode } from './code-reads.js';
import { readJson, readText } from './read.js';
import { detectFramework, type Framework } from './framework.js';

/** A `.env*` file in the project root and whether the app loads it in the current mode. */
export interface DotenvFileRef {
  /** Relative to the root. */
  file: string;
  /** Position in the load order (0 wins), or null for files the current mode does not load. */
  order: number | null;
}

export interface UsedProvider {
  provider: Provider;
  /** Why keyward thinks the project uses it, for the report ("dependency openai", ".env.example"). */
  reasons: string[];
  /** The variables this project reads for the provider, first the one its code or SDK reads first: fixes name `variables[0]`. */
  variables: string[];
  /** Marked optional by a template or by configuration: a missing key is a note. */
  optional: boolean;
}

export interface ProjectInfo {
  root: string;
  /** `keyward.project` in package.json, else its `name`, else the folder's name: the keychain account suffix. */
  name: string;
  dotenvFiles: DotenvFileRef[];
  /** `.env.example` and friends: they name variables, never hold keys. */
  exampleFiles: string[];
  used: UsedProvider[];
  /** How the app loads .env files and what it ships to the browser. */
  framework: Framework;
  /** The app's language, from its manifests: the wizard shows the matching "load the key" line first. */
  language: 'node' | 'python' | 'unknown';
  /** package.json `"keyward": {"rotationDays": N}`, when set to a positive number. */
  rotationDays: number | undefined;
  /** `"keyward": {"requireKeys": true}`: the deploy gate (`doctor --ci`) fails on a missing key. */
  requireKeys: boolean;
}

const EXAMPLE = /^\.env\.(example|sample|template|defaults|dist)$/;
const DOTENV = /^\.env(\.[A-Za-z0-9_.-]+)?$/;

/** Sorts `.env*` names of a folder into loaded (with their place in `order`, winner first), not loaded, and examples. */
export function classifyDotenvNames(names: readonly string[], order: readonly string[]): { dotenv: DotenvFileRef[]; examples: string[] } {
  const dotenv: DotenvFileRef[] = [];
  const examples: string[] = [];
  for (const n of [...names].sort()) {
    if (!DOTENV.test(n) || n === '.env.keys' || n === '.env.vault') continue;
    if (EXAMPLE.test(n)) examples.push(n);
    else dotenv.push({ file: n, order: order.includes(n) ? order.indexOf(n) : null });
  }
  dotenv.sort((a, b) => (a.order ?? 99) - (b.order ?? 99) || a.file.localeCompare(b.file));
  return { dotenv, examples };
}

/** Python manifests' dependency names (requirements*.txt, pyproject.toml, Pipfile), lowercased. */
function pythonDependencyMentions(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)/gm)) names.add(m[1]!.toLowerCase());
    for (const m of t.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;[\]]|["'])/g)) names.add(m[1]!.toLowerCase());
  }
  return names;
}

/** What the manifests say: npm and Python dependency names, and a Python project's own name. */
interface Manifests {
  pkg: Record<string, unknown> | undefined;
  npm: Set<string>;
  python: Set<string>;
  pythonName: string | undefined;
}

async function readManifests(root: string, names: readonly string[]): Promise<Manifests> {
  const pkg = await readJson(join(root, 'package.json'));
  const npm = new Set(Object.keys({ ...(pkg?.dependencies as object | undefined), ...(pkg?.devDependencies as object | undefined) }));
  const pyFiles = names.filter((n) => /^requirements.*\.txt$|^pyproject\.toml$|^Pipfile$|^setup\.cfg$|^setup\.py$/.test(n));
  const pyTexts = (await Promise.all(pyFiles.map((n) => readText(join(root, n))))).filter((t): t is string => t !== undefined);
  const pyproject = names.includes('pyproject.toml') ? await readText(join(root, 'pyproject.toml')) : undefined;
  const pythonName = pyproject ? /^name\s*=\s*["']([^"']+)["']/m.exec(pyproject)?.[1] : undefined;
  return { pkg, npm, python: pythonDependencyMentions(pyTexts), pythonName };
}

/** Reads what the project is: its name, framework, .env files, and the providers it uses and why. */
export async function detectProject(root: string, opts: { mode: string; providerIds: readonly string[] }): Promise<ProjectInfo> {
  const names = await readdir(root).catch((): string[] => []);
  const m = await readManifests(root, names);
  const own = m.pkg?.keyward as { project?: unknown; providers?: unknown; rotationDays?: unknown; requireKeys?: unknown } | undefined;
  const rotationDays = typeof own?.rotationDays === 'number' && Number.isFinite(own.rotationDays) && own.rotationDays > 0 ? own.rotationDays : undefined;
  const name =
    (typeof own?.project === 'string' && own.project) || (typeof m.pkg?.name === 'string' && m.pkg.name) || m.pythonName || basename(root);
  const framework = detectFramework(m.npm, m.python);
  const { dotenv, examples } = classifyDotenvNames(names, framework.loadOrder(opts.mode));
  const language = m.pkg ? 'node' : m.python.size > 0 || m.pythonName ? 'python' : 'unknown';

  const reasons = new Map<string, string[]>();
  const add = (p: Provider | undefined, why: string) => {
    if (!p) return;
    const list = reasons.get(p.id) ?? [];
    if (!list.includes(why)) list.push(why);
    reasons.set(p.id, list);
  };

  for (const id of opts.providerIds) add(findProvider(id), '--provider');
  // A project can say which providers it calls, instead of its dependencies and code (`"keyward":
  // {"providers": []}` for a tool that depends on SDKs but calls no API). Keys in its .env files still count.
  const explicit = Array.isArray(own?.providers) ? (own.providers as unknown[]) : null;
  for (const id of explicit ?? []) if (typeof id === 'string') add(findProvider(id), 'package.json keyward.providers');
  if (!explicit) {
    for (const p of PROVIDERS) {
      for (const dep of p.packages.npm) if (m.npm.has(dep)) add(p, `dependency ${dep}`);
      for (const dep of p.packages.python) if (m.python.has(dep.toLowerCase())) add(p, `Python dependency ${dep}`);
    }
    for (const [variable, file] of await variablesReadByCode(root)) add(providerForVariable(variable), `${file} reads ${variable}`);
  }
  for (const f of [...dotenv.map((d) => d.file), ...examples]) {
    const text = await readText(join(root, f));
    if (text === undefined || text.includes('\0')) continue;
    for (const variable of Object.keys(parse(text))) add(providerForVariable(variable), f);
  }

  const used = PROVIDERS.filter((p) => reasons.has(p.id)).map((provider) => ({ provider, reasons: reasons.get(provider.id)!, variables: [...provider.envVars], optional: false }));
  return { root, name, dotenvFiles: dotenv, exampleFiles: examples, used, framework, language, rotationDays, requireKeys: own?.requireKeys === true };
}
