import type { ProjectInfo } from '../project/detect.js';
import { CLIENT_ONLY_LOADERS } from '../project/framework.js';

/** Frameworks that read `.env*` files into the server's environment themselves: no dotenv line to add. */
const LOADS_ENV_ITSELF = new Set(['nextjs', 'expo', 'nuxt', 'sveltekit', 'astro', 'remix', 'dotenv-flow', 'pydantic-settings', 'chainlit']);

/**
 * True when the app's framework reads `file` (a `.env*` name) into what the app sees of `variable`
 * without a line of code. Vite and its kin do that only for the names they ship to the browser.
 */
export function frameworkLoads(framework: ProjectInfo['framework'], file: string, variable: string): boolean {
  const loads =
    LOADS_ENV_ITSELF.has(framework.id) || (CLIENT_ONLY_LOADERS.has(framework.id) && framework.browserPrefixes.some((p) => variable.startsWith(p)));
  return loads && framework.loadOrder('development').includes(file);
}

/**
 * The end of a "set VAR" sentence: where to put the variable and how this project's app gets it,
 * in its language and framework (issue 11): a Next.js app is not told to add dotenv, a Python app
 * is not told `process.env`, and a dependency to add comes with its install command.
 */
export function loadStep(project: Pick<ProjectInfo, 'framework' | 'language'>, variable: string): string {
  const { framework, language } = project;
  const file = ['.env.local', '.env'].find((f) => frameworkLoads(framework, f, variable));
  if (file) return ` in ${file}: ${framework.name} loads ${file} itself, so there is nothing to add to the code.`;
  if (framework.id === 'dotenv') return " in .env, which the app's dotenv loads (`import 'dotenv/config'`).";
  if (language === 'python') {
    const install = framework.id === 'python-dotenv' ? '' : '`pip install python-dotenv`, then ';
    return ` in .env and load it with python-dotenv (${install}\`from dotenv import load_dotenv; load_dotenv()\`), or run the app with \`keyward run -- python app.py\`.`;
  }
  if (language === 'node') return " in .env and load it with dotenv (`npm i dotenv`, then `import 'dotenv/config'`), or run the app with `keyward run -- npm start`.";
  return '.';
}
