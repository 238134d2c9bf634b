import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'bundle/**', 'node_modules/**', 'coverage/**', 'bench/.corpus/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Only the entry modules (keyward's, keyward/config's, the keychain helper's) and the deps factory touch the process; everything else gets it as Deps.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main.ts', 'src/deps.ts', 'src/config.ts', 'src/config-child.ts', 'src/stores/keychain-helper.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'process', property: 'exit', message: 'Only src/main.ts exits; return an error value instead.' },
        { object: 'process', property: 'env', message: 'Read the environment from Deps.env.' },
        { object: 'process', property: 'cwd', message: 'Read the folder from Deps.cwd.' },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'bin/**', 'scripts/**', '*.config.*', '.dependency-cruiser.cjs'],
    // Tests assert on terminal escape codes and NUL bytes; scripts talk to the console.
    rules: { 'no-console': 'off', 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    // A CommonJS config file has no other way to load a module.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
