// The CLI as a few files (`bundle/`, what bin/keyward.js loads), built from tsc's output in dist/.
// Node resolves, reads and compiles each module it loads one by one: `keyward setup` opened ~200
// files (half keyward's, half its dependencies') before its first question, and opens 37 from
// here, so the question comes about a third sooner (issue 12: 1.70 → 1.19 times a bare prompt's
// start, bench/first-question.js).
// dist/ stays: the `keyward/config` export, the tests and the benchmarks import its modules.
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

await build({
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  input: {
    main: 'dist/main.js',
    // Started by path from the bundle's own folder (new URL('./worker.js', import.meta.url)).
    worker: 'dist/scanner/worker.js',
    'keychain-helper': 'dist/stores/keychain-helper.js',
  },
  platform: 'node',
  // keytar is a native addon, optional and loaded lazily; ink imports react-devtools-core only
  // when DEV=true, and keyward does not ship it.
  external: [/^node:/, /^@github\/keytar(\/|$)/, 'react-devtools-core'],
  output: { dir: 'bundle', format: 'esm', chunkFileNames: '[name]-[hash].js', cleanDir: true },
});
