/** Where a file sits decides which exposure rule a key in it breaks. */
export type PlaceKind = 'bundle' | 'log' | 'env' | 'source';

// Built client assets ship to every visitor, whatever git thinks of them.
const BUNDLE = /(?:^|\/)(?:dist|build|out|\.next\/static|\.output\/public|\.svelte-kit\/output\/client)\//;
const LOG = /(?:^|\/)logs?\/|\.log$/;
const ENV = /(?:^|\/)\.env(?:\.[^/]*)?$/;
const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'deno.lock',
  'Cargo.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'composer.lock', 'Gemfile.lock', 'go.sum', 'flake.lock',
]);
const CODE = /\.(?:[cm]?[jt]sx?|vue|svelte|astro|html?)$/;

/** The file's name after its last slash. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Classifies a path relative to the root (forward slashes). */
export function placeOf(path: string): PlaceKind {
  if (BUNDLE.test(path)) return 'bundle';
  if (LOG.test(path)) return 'log';
  if (ENV.test(path)) return 'env';
  return 'source';
}

/** Lockfiles hold hashes that look random and never hold keys: reading them is wasted time. */
export function isLockfile(path: string): boolean {
  return LOCKFILES.has(baseName(path));
}

/** Files where `dangerouslyAllowBrowser: true` builds a client (not docs that mention the option). */
export function isClientCode(path: string): boolean {
  return CODE.test(path) && placeOf(path) === 'source' && !path.split('/').includes('node_modules');
}

/** Ignored files that still matter: bundles and logs leak whether git tracks them; `.env*` can feed the browser. */
export function isScannedWhenIgnored(path: string): boolean {
  if (path.split('/').includes('node_modules')) return false;
  return placeOf(path) !== 'source';
}

/** git pathspecs for the ignored files of `isScannedWhenIgnored`, so git filters them instead of keyward. */
export const IGNORED_PATHSPECS: readonly string[] = [
  ':(glob)**/dist/**', ':(glob)**/build/**', ':(glob)**/out/**', ':(glob)**/.next/static/**',
  ':(glob)**/.output/public/**', ':(glob)**/.svelte-kit/output/client/**',
  ':(glob)**/*.log', ':(glob)**/logs/**', ':(glob)**/log/**', ':(glob)**/.env', ':(glob)**/.env.*',
  ':(exclude,glob)**/node_modules/**',
];

/** Name prefixes that Next.js, Vite, CRA, Expo, Nuxt, SvelteKit/Astro and Gatsby inline into client code. */
export const BROWSER_PREFIXES: readonly string[] = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'PUBLIC_', 'GATSBY_'];

/** True when a variable of this name ends up in the browser bundle. */
export function isBrowserVariable(name: string | null): boolean {
  return name !== null && BROWSER_PREFIXES.some((p) => name.startsWith(p));
}
