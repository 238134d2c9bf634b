import type { ProjectInfo } from '../project/detect.js';

/** Frameworks that read `.env*` files into the server's environment themselves: no dotenv line to add. */
const LOADS_ENV_ITSELF = new Set(['nextjs', 'expo', 'cra', 'nuxt', 'sveltekit', 'astro', 'remix', 'gatsby', 'vite', 'dotenv-flow']);

/** True when the app's framework reads `file` (a `.env*` name) into its environment without a line of code. */
export function frameworkLoads(framework: ProjectInfo['framework'], file: string): boolean {
  return LOADS_ENV_ITSELF.has(framework.id) && framework.loadOrder('development').includes(file);
}

/**
 * The end of a "set VAR" sentence: where to put the variable and how this project's app gets it,
 * in its language and framework (issue 11): a Next.js app is not told to add dotenv, a Python app
 * is not told `process.env`, and a dependency to add comes with its install command.
 */
export function loadStep(project: Pick<ProjectInfo, 'framework' | 'language'>): string {
  const { framework, language } = project;
  if (LOADS_ENV_ITSELF.has(framework.id)) {
    const file = frameworkLoads(framework, '.env.local') ? '.env.local' : '.env';
    return ` in ${file}: ${framework.name} loads ${file} itself, so there is nothing to add to the code.`;
  }
  if (framework.id === 'dotenv') return " in .env, which the app's dotenv loads (`import 'dotenv/config'`).";
  if (language === 'python') {
    const install = framework.id === 'python-dotenv' ? '' : '`pip install python-dotenv`, then ';
    return ` in .env and load it with python-dotenv (${install}\`from dotenv import load_dotenv; load_dotenv()\`), or run the app with \`keyward run -- python app.py\`.`;
  }
  if (language === 'node') return " in .env and load it with dotenv (`npm i dotenv`, then `import 'dotenv/config'`), or run the app with `keyward run -- npm start`.";
  return '.';
}
