import { posix } from 'node:path';
import { parse } from 'yaml';

/**
 * The `.env` files docker compose hands each service it builds from a folder of the project: the
 * service's `env_file` (a name, a list of names, or of `{path}`), by the folder its `build` (or
 * `build.context`) names. Paths are relative to the compose file's folder, with `/`; a service
 * built from elsewhere, a file outside the project and text that is not YAML give nothing (the
 * doctor reads what it can, and compose itself reports a broken file). opengpts' backend gets its
 * keys from the root `.env` this way, with no dotenv call in its code.
 */
export function composeEnvFiles(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return out;
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return out;
  const inProject = (p: unknown): string | null => {
    // A variable, or a URL (a build from a git repository), names no folder of the project.
    if (typeof p !== 'string' || p.includes('${') || p.includes('://')) return null;
    const n = posix.normalize(p.replace(/^\.\//, '') || '.');
    return n.startsWith('..') || posix.isAbsolute(n) ? null : n.replace(/\/$/, '');
  };
  for (const service of Object.values(services as Record<string, unknown>)) {
    if (!service || typeof service !== 'object') continue;
    const { build, env_file: envFile } = service as { build?: unknown; env_file?: unknown };
    const context = inProject(typeof build === 'object' && build !== null ? (build as { context?: unknown }).context : build);
    if (context === null) continue;
    const files = (Array.isArray(envFile) ? envFile : [envFile])
      .map((f) => inProject(typeof f === 'object' && f !== null ? (f as { path?: unknown }).path : f))
      .filter((f): f is string => f !== null);
    if (files.length) out.set(context, [...new Set([...(out.get(context) ?? []), ...files])]);
  }
  return out;
}
