import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'dotenv';
import { PROVIDERS, findProvider, providerForVariable, type Provider } from '../providers/index.js';

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
}

export interface ProjectInfo {
  root: string;
  /** `keyward.project` in package.json, else its `name`, else the folder's name: the keychain account suffix. */
  name: string;
  dotenvFiles: DotenvFileRef[];
  /** `.env.example` and friends: they name variables, never hold keys. */
  exampleFiles: string[];
  used: UsedProvider[];
}

const EXAMPLE = /^\.env\.(example|sample|template|defaults|dist)$/;
const DOTENV = /^\.env(\.[A-Za-z0-9_.-]+)?$/;

/**
 * The files dotenv-style loaders (Next.js, Vite, dotenv-flow) read, winner first:
 * `.env.<mode>.local`, `.env.local`, `.env.<mode>`, `.env`.
 */
export function loadOrder(mode: string): string[] {
  return [`.env.${mode}.local`, '.env.local', `.env.${mode}`, '.env'];
}

/** Sorts `.env*` names of a folder into loaded (with their order), other modes', and examples. */
export function classifyDotenvNames(names: readonly string[], mode: string): { dotenv: DotenvFileRef[]; examples: string[] } {
  const order = loadOrder(mode);
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

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
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

/** Reads what the project is: its name, its .env files, and the providers it uses and why. */
export async function detectProject(root: string, opts: { mode: string; providerIds: readonly string[] }): Promise<ProjectInfo> {
  const pkg = await readJson(join(root, 'package.json'));
  const own = pkg?.keyward as { project?: unknown; providers?: unknown } | undefined;
  const name =
    (typeof own?.project === 'string' && own.project) || (typeof pkg?.name === 'string' && pkg.name) || basename(root);

  const names = await readdir(root).catch((): string[] => []);
  const { dotenv, examples } = classifyDotenvNames(names, opts.mode);

  const reasons = new Map<string, string[]>();
  const add = (p: Provider | undefined, why: string) => {
    if (!p) return;
    const list = reasons.get(p.id) ?? [];
    if (!list.includes(why)) list.push(why);
    reasons.set(p.id, list);
  };

  for (const id of opts.providerIds) add(findProvider(id), '--provider');
  // A project can say which providers it calls, instead of its dependencies (`"keyward": {"providers": []}`
  // for a tool that depends on SDKs but calls no API). Keys in its .env files still count.
  const explicit = Array.isArray(own?.providers) ? (own.providers as unknown[]) : null;
  for (const id of explicit ?? []) if (typeof id === 'string') add(findProvider(id), 'package.json keyward.providers');
  if (!explicit) await detectFromDependencies(root, names, pkg, add);
  for (const f of [...dotenv.map((d) => d.file), ...examples]) {
    const text = await readText(join(root, f));
    if (text === undefined || text.includes('\0')) continue;
    for (const variable of Object.keys(parse(text))) add(providerForVariable(variable), f);
  }

  const used = PROVIDERS.filter((p) => reasons.has(p.id)).map((provider) => ({ provider, reasons: reasons.get(provider.id)! }));
  return { root, name, dotenvFiles: dotenv, exampleFiles: examples, used };
}

/** Providers named by the project's dependencies, npm and Python. */
async function detectFromDependencies(
  root: string,
  names: readonly string[],
  pkg: Record<string, unknown> | undefined,
  add: (p: Provider | undefined, why: string) => void,
): Promise<void> {
  const deps = { ...(pkg?.dependencies as object | undefined), ...(pkg?.devDependencies as object | undefined) };
  for (const dep of Object.keys(deps)) for (const p of PROVIDERS) if (p.packages.npm.includes(dep)) add(p, `dependency ${dep}`);

  const pyTexts = (
    await Promise.all(
      names.filter((n) => /^requirements.*\.txt$|^pyproject\.toml$|^Pipfile$|^setup\.cfg$/.test(n)).map((n) => readText(join(root, n))),
    )
  ).filter((t): t is string => t !== undefined);
  const py = pythonDependencyMentions(pyTexts);
  for (const p of PROVIDERS) for (const dep of p.packages.python) if (py.has(dep.toLowerCase())) add(p, `Python dependency ${dep}`);
}
