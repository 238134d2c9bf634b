// The import direction of style.md: core <- providers <- {stores, scanner, live} <- checks <- commands -> {ui, prompts};
// run sits on stores, rotate and setup on checks, hook on git.
// Each rule forbids a lower layer from reaching up; nothing imports commands but the entry module.
const layer = (name) => `^src/${name}/`;
const forbidUp = (from, to, except) => ({
  name: `${from}-not-to-${to.replace(/[^a-z|]/g, '')}`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${to})/`, ...(except ? { pathNot: except } : {}) },
});
// The wizard's ports (what it shows, as types): the views implement them, so they may import this one file.
const SETUP_PORTS = '^src/setup/types\\.ts$';

/** Each runtime dependency of package.json and the one place (a regex of paths) that imports it. */
const HOMES = {
  openai: '^src/live/',
  undici: '^src/live/transport\\.ts$',
  '@inquirer/prompts': '^src/prompts/',
  ink: '^src/ui/',
  'ink-spinner': '^src/ui/',
  react: '^src/ui/',
  commander: '^src/main\\.ts$',
  dotenv: '^src/project/dotenv-syntax\\.ts$',
  ignore: '^src/scanner/ignore-rules\\.ts$',
  '@github/keytar': '^src/stores/keychain-helper\\.ts$',
  'ci-info': '^src/deps\\.ts$',
  yaml: '^src/project/compose\\.ts$',
};

// A dependency without a home would be importable from anywhere: the lint stops until it has one.
const pkg = JSON.parse(require('node:fs').readFileSync(`${__dirname}/package.json`, 'utf8'));
const homeless = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((d) => !(d in HOMES));
if (homeless.length) throw new Error(`.dependency-cruiser.cjs: give ${homeless.join(', ')} a home module in HOMES`);

module.exports = {
  forbidden: [
    forbidUp('core', 'fix|providers|git|project|stores|scanner|live|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('providers', 'fix|git|project|stores|scanner|live|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('git', 'fix|providers|project|stores|scanner|live|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('project', 'fix|stores|scanner|live|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('stores', 'fix|scanner|live|checks|setup|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('scanner', 'fix|stores|live|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('live', 'fix|stores|scanner|checks|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('checks', 'setup|report|prompts|ui|commands|run|rotate|hook'),
    forbidUp('setup', 'report|ui|commands|run|rotate|hook'),
    forbidUp('report', 'checks|setup|fix|prompts|ui|commands|run|rotate|hook', SETUP_PORTS),
    forbidUp('ui', 'stores|scanner|live|checks|setup|fix|prompts|commands|run|rotate|hook', SETUP_PORTS),
    forbidUp('prompts', 'stores|scanner|live|checks|report|ui|commands|run|rotate|hook'),
    // run: keys into a child's environment (core, providers, project, stores only: no network, no git).
    forbidUp('run', 'git|scanner|live|checks|setup|report|prompts|ui|commands|rotate|hook'),
    // rotate: a service like setup (it tests, stores, records and scans); views stay in commands.
    forbidUp('rotate', 'report|ui|commands|run|setup|hook'),
    // fix: applies the doctor's safe fixes (files, the index, the keychain); it decides nothing about keys.
    forbidUp('fix', 'scanner|live|checks|setup|report|prompts|ui|commands|run|rotate|hook'),
    // hook: writes git hooks; it needs git and the atomic write of stores, nothing that reads keys.
    forbidUp('hook', 'providers|project|scanner|live|checks|setup|report|prompts|ui|commands|run|rotate'),
    {
      name: 'only-main-imports-commands',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|commands/)' },
      to: { path: '^src/commands/' },
    },
    // One home per runtime dependency: a library is imported in one place, so replacing or
    // upgrading it touches one module. Each entry: the package, and the only path that may import it.
    ...Object.entries(HOMES).map(([pkg, home]) => ({
      name: `${pkg.replace(/[@/]/g, '-').replace(/^-/, '')}-only-in-its-home`,
      comment: `${pkg} is imported only by ${home}`,
      severity: 'error',
      from: { path: '^src/', pathNot: home },
      to: { path: `node_modules/${pkg}/` },
    })),
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
