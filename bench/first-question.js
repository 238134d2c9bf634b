// Time to the first question of `keyward setup` in a real pseudo-terminal, against a bare
// @inquirer/prompts select (bench/bare-select.js) started in the same way in the same run (issue 12):
// from spawn to the question's text in the terminal's output, runs interleaved, median, min and max.
// `--secret-service` runs it inside a private D-Bus session with an unlocked gnome-keyring in a
// fresh HOME (as scripts/test.mjs does); `--runs N` (or BENCH_RUNS) sets the number of runs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-select.js', import.meta.url));
const QUESTION = 'Which provider is this key for?';
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : (process.env.BENCH_RUNS ?? 10));
const secretService = args.includes('--secret-service');
if (secretService && !process.env.KEYWARD_BENCH_SESSION) {
  const home = mkdtempSync(join(tmpdir(), 'keyward-bench-keyring-'));
  const script = 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), KEYWARD_BENCH_SESSION: '1' },
  });
  // dbus-daemon, not run as its own user, warns that it cannot raise its file limit: noise.
  process.stderr.write(r.stderr.toString('utf8').split('\n').filter((l) => l && !l.includes('dbus-daemon')).map((l) => `${l}\n`).join(''));
  rmSync(home, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
const env = { ...process.env, TERM: 'xterm-256color', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
for (const name of ['CI', 'NO_COLOR', 'OPENAI_API_KEY']) delete env[name];

/** A small Node app that uses OpenAI and has no key yet: the wizard's usual first run. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-app', dependencies: { openai: '^7.0.0' } }));
  writeFileSync(join(dir, 'index.js'), "import OpenAI from 'openai';\nconst client = new OpenAI();\n");
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: { ...env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' } });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'init');
  return dir;
}

/** Milliseconds from spawn until the question is in the pseudo-terminal's output; then Ctrl-C. */
function timeToQuestion(args, cwd) {
  const command = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', `stty cols 100 rows 50; exec ${command}`, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let ms = null;
    child.stdout.on('data', (d) => {
      out += d.toString('utf8');
      if (ms === null && stripVTControlCharacters(out).includes(QUESTION)) {
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        child.stdin.write('\x03');
      }
    });
    child.on('close', () => (ms === null ? reject(new Error(`${args.join(' ')} never asked; it wrote:\n${stripVTControlCharacters(out)}`)) : resolve(ms)));
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const show = (x) => `${x.median.toFixed(0)} ms (min ${x.min.toFixed(0)}, max ${x.max.toFixed(0)})`;

const dir = project();
try {
  const wizard = [];
  const bare = [];
  // One warm-up of each (disk cache, Node's compile cache), then the runs interleaved so a load change hits both sides.
  await timeToQuestion([BIN, 'setup'], dir);
  await timeToQuestion([BARE], dir);
  for (let i = 0; i < runs; i += 1) {
    wizard.push(await timeToQuestion([BIN, 'setup'], dir));
    bare.push(await timeToQuestion([BARE], dir));
  }
  const w = stats(wizard);
  const b = stats(bare);
  console.log(`first question on screen, in a pseudo-terminal (median of ${runs}, Node ${process.version}, ${secretService ? 'a Secret Service: private D-Bus + unlocked gnome-keyring' : process.env.DBUS_SESSION_BUS_ADDRESS ? "this session's D-Bus" : 'no D-Bus session'})`);
  console.log(`  bare @inquirer/prompts select   ${show(b)}`);
  console.log(`  keyward setup                   ${show(w)}   ratio ${(w.median / b.median).toFixed(2)} (target <= 1.5)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
