// The import direction of style.md: core <- providers <- {stores, scanner, live} <- checks <- commands -> {ui, prompts};
// run sits on stores, rotate and setup on checks, hook on git.
// Each rule forbids a lower layer from reaching up; nothing imports commands but the entry module.
const layer = (name) => `^src/${name}/`;
const forbidUp = (from, to) => ({
  name: `${from}-not-to-${to.replace(/[^a-z|]/g, '')}`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${to})/` },
});

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
    forbidUp('report', 'checks|prompts|ui|commands|run|rotate|hook'),
    forbidUp('ui', 'stores|scanner|live|checks|prompts|commands|run|rotate|hook'),
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
    {
      name: 'keytar-only-in-keychain-store',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/stores/keychain-helper\\.ts$' },
      to: { path: '@github/keytar' },
    },
    {
      name: 'openai-only-in-live',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/live/' },
      to: { path: 'node_modules/openai' },
    },
    {
      name: 'inquirer-only-in-prompts',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/prompts/' },
      to: { path: 'node_modules/@inquirer' },
    },
    {
      name: 'ink-only-in-ui',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/ui/' },
      to: { path: 'node_modules/ink/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
