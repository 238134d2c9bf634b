// Cold start of `keyward --version` against `node -e 0`, measured in the same run (issue 2):
// keyward must not load Ink, React or the SDK before a command needs them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);

function median(cmdArgs) {
  const times = [];
  for (let i = 0; i < runs + 3; i += 1) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cmdArgs, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmdArgs.join(' ')} exited ${r.status}`);
    if (i >= 3) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const baseline = median(['-e', '0']);
const version = median([bin, '--version']);
const help = median([bin, 'doctor', '--help']);
console.log(`cold start (median of ${runs}, Node ${process.version})`);
console.log(`  node -e 0            ${baseline.toFixed(1)} ms`);
console.log(`  keyward --version    ${version.toFixed(1)} ms   ratio ${(version / baseline).toFixed(2)}`);
console.log(`  keyward doctor --help ${help.toFixed(1)} ms   ratio ${(help / baseline).toFixed(2)}`);
