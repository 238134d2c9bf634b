/**
 * How a framework loads `.env*` files and which variable names it ships to the browser, so that
 * "which key wins" is what the app really sees (issue 7). Orders are winner first; a variable set
 * in the environment always wins over every file.
 */
export interface Framework {
  id: string;
  name: string;
  /** The files loaded in `mode` (NODE_ENV), winner first. */
  loadOrder(mode: string): string[];
  /** Name prefixes inlined into client code; empty for server-only stacks. */
  browserPrefixes: string[];
}

// Next.js, Create React App and Expo skip .env.local in tests so test runs are reproducible.
const nextLike = (mode: string) => [`.env.${mode}.local`, ...(mode === 'test' ? [] : ['.env.local']), `.env.${mode}`, '.env'];
// Vite ranks the mode's files over the generic .env.local.
const viteLike = (mode: string) => [`.env.${mode}.local`, `.env.${mode}`, '.env.local', '.env'];
const dotenvOnly = () => ['.env'];

// Vite, Create React App and Gatsby load .env files only for the names they inline into client
// code: a server beside them (Express with `import 'dotenv/config'`, as in openai-realtime-console)
// reads process.env, which their loading never fills. Such a server's loader decides where its key lives.
const FRAMEWORKS: Array<Framework & { npm: string[]; python: string[]; clientOnly?: true }> = [
  { id: 'nextjs', name: 'Next.js', npm: ['next'], python: [], loadOrder: nextLike, browserPrefixes: ['NEXT_PUBLIC_'] },
  { id: 'expo', name: 'Expo', npm: ['expo'], python: [], loadOrder: nextLike, browserPrefixes: ['EXPO_PUBLIC_'] },
  { id: 'cra', name: 'Create React App', npm: ['react-scripts'], python: [], loadOrder: nextLike, browserPrefixes: ['REACT_APP_'], clientOnly: true },
  { id: 'nuxt', name: 'Nuxt', npm: ['nuxt'], python: [], loadOrder: dotenvOnly, browserPrefixes: ['NUXT_PUBLIC_'] },
  { id: 'sveltekit', name: 'SvelteKit', npm: ['@sveltejs/kit'], python: [], loadOrder: viteLike, browserPrefixes: ['PUBLIC_', 'VITE_'] },
  { id: 'astro', name: 'Astro', npm: ['astro'], python: [], loadOrder: viteLike, browserPrefixes: ['PUBLIC_'] },
  { id: 'remix', name: 'Remix', npm: ['@remix-run/dev', '@remix-run/node'], python: [], loadOrder: dotenvOnly, browserPrefixes: [] },
  { id: 'gatsby', name: 'Gatsby', npm: ['gatsby'], python: [], loadOrder: (mode) => [`.env.${mode}`], browserPrefixes: ['GATSBY_'], clientOnly: true },
  { id: 'vite', name: 'Vite', npm: ['vite'], python: [], loadOrder: viteLike, browserPrefixes: ['VITE_'], clientOnly: true },
  { id: 'dotenv-flow', name: 'dotenv-flow', npm: ['dotenv-flow'], python: [], loadOrder: nextLike, browserPrefixes: [] },
  { id: 'django', name: 'Django with python-dotenv', npm: [], python: ['django'], loadOrder: dotenvOnly, browserPrefixes: [] },
  { id: 'flask', name: 'Flask with python-dotenv', npm: [], python: ['flask'], loadOrder: dotenvOnly, browserPrefixes: [] },
  // Chainlit's own start runs load_dotenv on the working folder's .env (`chainlit run app.py`).
  { id: 'chainlit', name: 'Chainlit', npm: [], python: ['chainlit'], loadOrder: dotenvOnly, browserPrefixes: [] },
  { id: 'python-dotenv', name: 'python-dotenv', npm: [], python: ['python-dotenv'], loadOrder: dotenvOnly, browserPrefixes: [] },
  { id: 'dotenv', name: 'dotenv', npm: ['dotenv'], python: [], loadOrder: dotenvOnly, browserPrefixes: [] },
];

/** python-dotenv, for Python code that calls `load_dotenv` where no requirements file names it. */
export const PYTHON_DOTENV: Framework = (({ id, name, loadOrder, browserPrefixes }) => ({ id, name, loadOrder, browserPrefixes }))(
  FRAMEWORKS.find((f) => f.id === 'python-dotenv')!,
);

/** When nothing tells: the widest common order, and every prefix a framework ships. */
export const UNKNOWN_FRAMEWORK: Framework = {
  id: 'unknown',
  name: 'no known framework',
  loadOrder: nextLike,
  browserPrefixes: ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'PUBLIC_', 'GATSBY_'],
};

/** Frameworks whose .env loading reaches only the browser-prefixed names they inline into client code. */
export const CLIENT_ONLY_LOADERS: ReadonlySet<string> = new Set(FRAMEWORKS.filter((f) => f.clientOnly).map((f) => f.id));

const dependsOn = (f: { npm: string[]; python: string[] }, npm: ReadonlySet<string>, python: ReadonlySet<string>) =>
  f.npm.some((d) => npm.has(d)) || f.python.some((d) => python.has(d));

/**
 * The first framework (most specific first) that the project's npm or Python dependencies name. A
 * client-only one beside dotenv or dotenv-flow is that loader's ("Vite with dotenv"): it loads the
 * server's keys, and the client framework still says which names reach the browser.
 */
export function detectFramework(npm: ReadonlySet<string>, python: ReadonlySet<string>): Framework {
  const found = FRAMEWORKS.find((f) => dependsOn(f, npm, python));
  if (!found) return UNKNOWN_FRAMEWORK;
  const loader = found.clientOnly ? FRAMEWORKS.find((f) => (f.id === 'dotenv-flow' || f.id === 'dotenv') && dependsOn(f, npm, python)) : undefined;
  if (loader) return { id: loader.id, name: `${found.name} with ${loader.name}`, loadOrder: loader.loadOrder, browserPrefixes: found.browserPrefixes };
  const { id, name, loadOrder, browserPrefixes } = found;
  return { id, name, loadOrder, browserPrefixes };
}

/** Loaders that read `.env` unless the code names other files. */
const DOTENV_LOADERS: ReadonlySet<string> = new Set(['dotenv', 'python-dotenv', 'django', 'flask']);

/**
 * A dotenv loader whose code names the files it loads (`config({ path: '.env.local' })`) loads
 * those, and `.env` for a plain `import 'dotenv/config'` beside them; whichever loads first wins,
 * which keyward cannot tell from the code, so they rank in the order the code was read.
 */
export function withCodeNamedFiles(framework: Framework, files: readonly string[]): Framework {
  if (files.length === 0 || !DOTENV_LOADERS.has(framework.id)) return framework;
  const order = [...new Set([...files, '.env'])];
  return { ...framework, loadOrder: () => order };
}

/** Python stacks whose `.env` a pydantic settings class may load beside them (or alone). */
const SETTINGS_HOSTS: ReadonlySet<string> = new Set(['unknown', 'python-dotenv', 'django', 'flask']);

/**
 * A pydantic settings class that names `env_file` loads those files itself, into its fields, under
 * the environment (which python-dotenv fills first, so its files rank above); of the files in one
 * `env_file` tuple the last wins.
 */
export function withSettingsFiles(framework: Framework, files: readonly string[]): Framework {
  if (files.length === 0 || !SETTINGS_HOSTS.has(framework.id)) return framework;
  const mine = [...files].reverse();
  const theirs = framework.id === 'unknown' ? [] : framework.loadOrder('development');
  const order = [...new Set([...theirs, ...mine])];
  const name = framework.id === 'unknown' ? 'pydantic-settings' : `${framework.name} and pydantic-settings`;
  return { id: 'pydantic-settings', name, loadOrder: () => order, browserPrefixes: [] };
}
