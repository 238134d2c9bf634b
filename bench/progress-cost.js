// `node bench/progress-cost.js [runs]`: what the progress line costs. Runs keyward's scans on the
// benchmark corpus (made by bench/run.js) in a pseudo-terminal (util-linux `script`), with
// progress drawn from the first event and with --quiet, interleaved, and prints on / off: wall
// time, and CPU time (user + system, git's included), which a busy shared machine disturbs less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO = join(ROOT, 'bench/.corpus/repo');
const BIN = join(ROOT, 'bin/keyward.js');
const runs = Number(process.argv[2] ?? 5);
if (!existsSync(REPO)) throw new Error('No corpus: run `npm run bench` once to build bench/.corpus.');

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', KEYWARD_PROGRESS_DELAY_MS: '0', TERM: 'xterm-256color' };
delete env.CI;
delete env.NO_COLOR;

const TIMES = join(mkdtempSync(join(tmpdir(), 'keyward-bench-')), 'time');

/** Wall and CPU ms of one run in a terminal of 100 columns; what it draws is thrown away. */
function inPty(args) {
  const cmd = `stty cols 100 rows 40; exec /usr/bin/time -o '${TIMES}' -f '%e %U %S' ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`keyward ${args.join(' ')} failed (${r.status})`);
  const [wall, user, sys] = readFileSync(TIMES, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms: wall * 1000, cpu: (user + sys) * 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (on, off) => `${(on / off).toFixed(3)} (${on.toFixed(0)} vs ${off.toFixed(0)} ms)`;

for (const args of [['scan'], ['scan', '--history']]) {
  const samples = { on: [], off: [] };
  for (let i = 0; i < runs; i += 1) {
    for (const side of i % 2 === 0 ? ['on', 'off'] : ['off', 'on']) samples[side].push(inPty(side === 'on' ? args : [...args, '--quiet']));
  }
  const best = (side, k) => Math.min(...samples[side].map((s) => s[k]));
  const mid = (side, k) => median(samples[side].map((s) => s[k]));
  console.log(`keyward ${args.join(' ')}, progress on / off, ${runs} runs each:`);
  console.log(`  wall: best ${ratio(best('on', 'ms'), best('off', 'ms'))}, median ${ratio(mid('on', 'ms'), mid('off', 'ms'))}`);
  console.log(`  CPU:  best ${ratio(best('on', 'cpu'), best('off', 'cpu'))}, median ${ratio(mid('on', 'cpu'), mid('off', 'cpu'))}`);
}
