// `npm run bench [-- --repo DIR] [--runs N] [--only doctor]`: builds a corpus of real code (from node_modules) with
// planted keys, then prints keyward's speed on it (and on DIR, a real repository, when given) as
// ratios to baselines measured in the same run: medians of N interleaved runs, with min and max, and
// the peak RSS of keyward's own process. Not a test: numbers vary by machine.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDERS } from '../dist/providers/index.js';
import { ALNUM, B64URL, HEX, pseudoRandom } from '../dist/providers/sample.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CORPUS = join(ROOT, 'bench/.corpus');
const REPO = join(CORPUS, 'repo');
const STAMP = join(CORPUS, 'stamp.json');
const BIN = join(ROOT, 'bin/keyward.js');
const SCAN_ONLY = join(ROOT, 'bench/scan-only.js');
/** The least a Node program does to read the files the scan reads (see the file). */
const NODE_FLOOR = join(ROOT, 'bench/node-floor.js');
/** Preloaded into keyward's process: writes its peak RSS (worker threads included, git's processes not) where BENCH_RSS_FILE says. */
const RSS_HOOK = join(ROOT, 'bench/peak-rss.js');
const RSS_FILE = join(tmpdir(), `keyward-bench-rss-${process.pid}`);
/** Bump when the corpus recipe changes, so a cached corpus is rebuilt. */
const RECIPE = 4;
const COMMITS = 2500;
const EDITS_PER_COMMIT = 8;
const EXT = /\.(?:[cm]?js|[cm]?ts|json|md|map|txt|yml|yaml|css|html)$/;
const MAX_SOURCE_FILE = 2 * 1024 * 1024;
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

const git = (args, opts = {}) => execFileSync('git', args, { cwd: REPO, env: GIT_ENV, maxBuffer: 1 << 30, ...opts });
const gitIn = (dir, args) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, maxBuffer: 1 << 30 });

/** Text files of installed packages (the node binary package left out): real code, real sizes. */
function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) {
        if (p === join(ROOT, 'node_modules/node') || d.name === '.bin') continue;
        walk(p);
      } else if (d.isFile() && EXT.test(d.name)) {
        const size = statSync(p).size;
        if (size > 0 && size <= MAX_SOURCE_FILE) out.push({ abs: p, rel: relative(join(ROOT, 'node_modules'), p), size });
      }
    }
  };
  walk(join(ROOT, 'node_modules'));
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

const MARKER = ['T3Blbk', 'FJ'].join('');
/** Keys planted in the corpus, built at run time like the tests' fakes. */
function plantedKeys() {
  return [
    `sk-proj-${pseudoRandom(74, B64URL, 'b1')}${MARKER}${pseudoRandom(74, B64URL, 'b2')}`,
    `sk-ant-api03-${pseudoRandom(93, B64URL, 'b3')}AA`,
    `AIzaSy${pseudoRandom(33, B64URL, 'b4')}`,
    `gsk_${pseudoRandom(52, ALNUM, 'b5')}`,
    `sk-or-v1-${pseudoRandom(64, HEX, 'b6')}`,
    `xai-${pseudoRandom(80, ALNUM, 'b7')}`,
  ];
}

/** A git fast-import stream: files arrive over COMMITS commits, each also editing a few earlier small files. */
async function buildCorpus() {
  rmSync(CORPUS, { recursive: true, force: true });
  mkdirSync(REPO, { recursive: true });
  git(['init', '-q', '-b', 'main']);
  const files = sourceFiles();
  const keys = plantedKeys();
  const small = [];
  const importer = spawn('git', ['fast-import', '--quiet'], { cwd: REPO, env: GIT_ENV, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) => importer.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`fast-import exited ${c}`)))));
  const write = (chunk) => (importer.stdin.write(chunk) ? Promise.resolve() : new Promise((r) => importer.stdin.once('drain', r)));
  const data = (buf) => Buffer.concat([Buffer.from(`data ${buf.length}\n`), buf, Buffer.from('\n')]);
  let rng = 7;
  const rand = (n) => ((rng = (Math.imul(rng, 1103515245) + 12345) >>> 0) % n);
  const perCommit = Math.ceil(files.length / COMMITS);
  let time = 1_700_000_000;
  for (let c = 0; c < COMMITS; c += 1) {
    const parts = [`commit refs/heads/main\nmark :${c + 1}\ncommitter Bench <bench@example.com> ${(time += 60)} +0000\n`, data(Buffer.from(`commit ${c}\n`)).toString('latin1')];
    if (c > 0) parts.push(`from :${c}\n`);
    await write(Buffer.from(parts.join(''), 'latin1'));
    for (const f of files.slice(c * perCommit, (c + 1) * perCommit)) {
      let content = readFileSync(f.abs);
      // Plant keys: some stay in HEAD, some are edited away later (history only).
      if (c % 400 === 17) content = Buffer.concat([content, Buffer.from(`\n// config: ${keys[(c / 400) | 0 % keys.length]}\n`)]);
      await write(Buffer.concat([Buffer.from(`M 100644 inline ${f.rel}\n`), data(content)]));
      if (f.size < 256 * 1024) small.push(f);
    }
    for (let e = 0; e < EDITS_PER_COMMIT && small.length > 0; e += 1) {
      const f = small[rand(small.length)];
      f.rev = (f.rev ?? 0) + 1;
      const content = Buffer.concat([readFileSync(f.abs), Buffer.from(`\n// revision ${f.rev}\n`)]);
      await write(Buffer.concat([Buffer.from(`M 100644 inline ${f.rel}\n`), data(content)]));
    }
  }
  importer.stdin.end();
  await done;
  git(['tag', 'v1', 'main~100']);
  git(['branch', 'feature', 'main~50']);
  git(['checkout', '-q', '-f', 'main']);
  writeFileSync(STAMP, JSON.stringify({ recipe: RECIPE, files: files.length }));
}

function corpusReady() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).recipe === RECIPE && existsSync(join(REPO, '.git'));
  } catch {
    return false;
  }
}

/** One timed run: wall ms, and for keyward's own process (`rss`) its peak RSS in MB. `prepare`, a shell command, runs first, untimed. */
function runOnce({ cmd, args = [], shell = false, rss = false, prepare }, cwd) {
  if (prepare) execFileSync('sh', ['-c', prepare], { cwd, env: GIT_ENV, stdio: 'ignore' });
  rmSync(RSS_FILE, { force: true });
  const env = rss ? { ...GIT_ENV, BENCH_RSS_FILE: RSS_FILE } : GIT_ENV;
  const t0 = process.hrtime.bigint();
  const r = shell
    ? spawnSync('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 })
    : spawnSync(cmd, rss ? ['--import', RSS_HOOK, ...args] : args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(-500)}`);
  return { ms, rssMB: rss && existsSync(RSS_FILE) ? Number(readFileSync(RSS_FILE, 'utf8')) / 1024 : 0 };
}

/**
 * Each command `runs` times, the runs interleaved (a, b, a, b, …) so a load change on a shared
 * machine hits both sides of a ratio alike, after one untimed warm-up of each (caches).
 */
function measure(commands, cwd, runs) {
  for (const c of commands) runOnce(c, cwd);
  const out = commands.map(() => ({ times: [], rssMB: 0 }));
  for (let i = 0; i < runs; i += 1) {
    commands.forEach((c, k) => {
      const r = runOnce(c, cwd);
      out[k].times.push(r.ms);
      out[k].rssMB = Math.max(out[k].rssMB, r.rssMB);
    });
  }
  return out.map(({ times, rssMB }) => {
    const sorted = [...times].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], rssMB };
  });
}

/** ripgrep's form of keyward's rules: the same key bodies, the keyword-anchored ones in rg syntax, ASCII only. */
function rgPattern() {
  const alts = ['dangerouslyAllowBrowser'];
  for (const p of PROVIDERS) {
    for (const f of p.formats) {
      if (f.literals.length > 0) alts.push(f.body);
      else alts.push(`(?i:${p.contextWords.join('|')})[A-Za-z0-9_.$-]*?(?i:key|token|secret)[A-Za-z0-9_.$-]*["'\`]?\\]?[ \\t]*(?::=|=>|=|:|[ \\t])[ \\t]*["'\`]?(?:${f.body})`);
    }
  }
  return `(?-u)(?:${alts.join('|')})`;
}

const node = process.execPath;
const ms = (t) => `${t.median.toFixed(0)} ms (${t.min.toFixed(0)}–${t.max.toFixed(0)})`;

/**
 * `doctor --offline` and the scan it contains, interleaved: with the result cache the run before
 * left (what a person gets the second time), and with `--no-cache` (every file and blob read).
 */
function measureDoctor(dir, runs) {
  return measure(
    [
      { cmd: node, args: [BIN, 'doctor', '--offline', '--json'], rss: true },
      { cmd: node, args: [BIN, 'scan', '--history', '--json'], rss: true },
      { cmd: node, args: [BIN, 'doctor', '--offline', '--json', '--no-cache'], rss: true },
      { cmd: node, args: [BIN, 'scan', '--history', '--json', '--no-cache'], rss: true },
    ],
    dir,
    runs,
  );
}

function doctorTableRows(doctor, scanAll, doctorCold, scanAllCold) {
  return [
    ['`doctor --offline --json`, from the cache', '`keyward scan --history --json`, from the cache', ms(doctor), ms(scanAll), (doctor.median / scanAll.median).toFixed(2), '≤ 1.1'],
    ['`doctor --offline --json --no-cache`', '`keyward scan --history --json --no-cache`', ms(doctorCold), ms(scanAllCold), (doctorCold.median / scanAllCold.median).toFixed(2), '≤ 1.1'],
  ];
}

/** The doctor's rows alone: `doctor --offline` against the scan it contains, and peak RSS. */
function doctorRows(dir, runs) {
  const [doctor, scanAll, doctorCold, scanAllCold] = measureDoctor(dir, runs);
  return [
    ...doctorTableRows(doctor, scanAll, doctorCold, scanAllCold),
    ['peak RSS of keyward\'s process, doctor / scan --history (no cache)', '', `${doctorCold.rssMB.toFixed(0)} / ${scanAllCold.rssMB.toFixed(0)} MB`, '', '', '≤ 300 MB'],
  ];
}

/** Every row of issue 14's table on one repository, as Markdown table rows. */
function rowsFor(dir, runs) {
  const pattern = rgPattern();
  const quoted = `'${pattern.replace(/'/g, `'\\''`)}'`;
  // The scanner alone reads everything (`cold`: the result cache neither read nor written); the CLI
  // rows are what a person runs: the second time with the cache the run before left, the first
  // time (a fresh clone) writing it.
  const kw = (what, threads) => ({ cmd: node, args: [SCAN_ONLY, what, String(threads), dir, 'cold'], rss: true });
  const firstRun = (args) => ({ cmd: `rm -rf .git/keyward && '${node}' '${BIN}' ${args}`, shell: true });
  // --hidden: keyward reads dot-files too (git lists them), so ripgrep reads the same files.
  const [wt1, wt2, wtCli, wtFirst, rg, floor] = measure(
    [
      kw('worktree', 1),
      kw('worktree', 2),
      { cmd: node, args: [BIN, 'scan', '--json'], rss: true },
      firstRun('scan --json'),
      { cmd: 'rg', args: ['-c', '--no-messages', '--hidden', '-g', '!.git', pattern, '.'] },
      { cmd: node, args: [NODE_FLOOR, dir] },
    ],
    dir,
    runs,
  );
  // The floor: every reachable blob read once. cat-file needs %(rest) in its format to split
  // rev-list's `<oid> <path>` lines; without it each line is looked up whole, reported missing,
  // and no blob is read at all. Trees and commits are left out, as keyward leaves them out;
  // `--missing=allow-any`: in a clone with absent blobs (a partial clone, a snapshot) rev-list
  // would stop at the first one, and the floor would be a fraction of the history.
  const rawRead = { cmd: `git rev-list --objects --all --filter=object:type=blob --missing=allow-any | git cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' >/dev/null`, shell: true };
  const [h1, h2, hCli, hFirst, raw, classic] = measure(
    [
      kw('history', 1),
      kw('history', 2),
      { cmd: node, args: [BIN, 'scan', '--history', '--json'], rss: true },
      firstRun('scan --history --json'),
      rawRead,
      { cmd: `git log -p --all | rg -c ${quoted}`, shell: true },
    ],
    dir,
    runs,
  );
  const [doctor, scanAll, doctorCold, scanAllCold] = measureDoctor(dir, runs);
  const [hNew, doctorNew, rawNew] = afterOneCommit(dir, runs, rawRead);
  const ratio = (a, b) => (a.median / b.median).toFixed(2);
  return [
    ['`scan` (working tree), 1 thread, every file read', 'ripgrep, same patterns and files, `(?-u)`', ms(wt1), ms(rg), ratio(wt1, rg), '≤ 1.5'],
    ['`scan` (working tree), 2 threads, every file read', 'ripgrep', ms(wt2), ms(rg), ratio(wt2, rg), '≤ 1.5'],
    ['`keyward scan --json` (CLI), first run: cache written', 'ripgrep', ms(wtFirst), ms(rg), ratio(wtFirst, rg), '≤ 1.5'],
    ['`keyward scan --json` (CLI), from the cache', 'ripgrep', ms(wtCli), ms(rg), ratio(wtCli, rg), '≤ 1.5'],
    ['Node on one thread: start, git\'s listing, every file read, nothing matched (`bench/node-floor.js`)', 'ripgrep', ms(floor), ms(rg), ratio(floor, rg), '(no target)'],
    ['`scan` (working tree), 1 thread, every file read', 'Node on one thread, nothing matched', ms(wt1), ms(floor), ratio(wt1, floor), '(no target)'],
    ['`scan --history`, 1 thread, every blob read', 'every reachable blob read by `git cat-file --batch`', ms(h1), ms(raw), ratio(h1, raw), '≤ 1.5'],
    ['`scan --history`, 2 threads, every blob read', '`git cat-file --batch`', ms(h2), ms(raw), ratio(h2, raw), '≤ 1.5'],
    ['`keyward scan --history --json` (CLI, working tree too), first run', '`git cat-file --batch`', ms(hFirst), ms(raw), ratio(hFirst, raw), '≤ 1.5'],
    ['`keyward scan --history --json` (CLI, working tree too), from the cache', '`git cat-file --batch`', ms(hCli), ms(raw), ratio(hCli, raw), '≤ 1.5'],
    ['`keyward scan --history --json` (CLI, working tree too), after one new commit on another branch (a fetch)', '`git cat-file --batch`', ms(hNew), ms(rawNew), ratio(hNew, rawNew), '≤ 1.5'],
    ['`scan --history`, 1 thread, every blob read', '`git log -p --all \\| rg` (misses merge-only keys)', ms(h1), ms(classic), ratio(h1, classic), '≤ 0.7'],
    ...doctorTableRows(doctor, scanAll, doctorCold, scanAllCold),
    ['`doctor --offline --json`, after one new commit on another branch', '`keyward scan --history --json`, the same', ms(doctorNew), ms(hNew), ratio(doctorNew, hNew), '≤ 1.1'],
    ['peak RSS of keyward\'s process, history 1 / 2 threads', '', `${h1.rssMB.toFixed(0)} / ${h2.rssMB.toFixed(0)} MB`, '', '', '≤ 300 MB'],
    ['peak RSS of keyward\'s process, doctor no cache / from the cache / worktree CLI', '', `${doctorCold.rssMB.toFixed(0)} / ${doctor.rssMB.toFixed(0)} / ${wtCli.rssMB.toFixed(0)} MB`, '', '', '≤ 300 MB'],
  ];
}

/**
 * `scan --history` and the doctor after one new commit, as a person runs them after committing:
 * each run starts from the walk kept for the refs before it (a copy of `.git/keyward`), with one
 * commit more, on a branch of its own that adds one file (made without touching the working tree or
 * the index, and removed afterwards with the copy put back). Returns the two and the raw blob read.
 */
function afterOneCommit(dir, runs, raw) {
  const keyward = join(dir, gitIn(dir, ['rev-parse', '--git-common-dir']).toString().trim(), 'keyward');
  // What each left: the working tree's snapshot is the last scan's, the scan's or the doctor's (its code reads).
  const saved = { scan: join(tmpdir(), `keyward-bench-scan-${process.pid}`), doctor: join(tmpdir(), `keyward-bench-doctor-${process.pid}`) };
  const index = join(tmpdir(), `keyward-bench-index-${process.pid}`);
  const ref = 'refs/heads/keyward-bench-commit';
  const restore = (from) => `rm -rf '${keyward}' && cp -a '${from}' '${keyward}'`;
  spawnSync('git', ['update-ref', '-d', ref], { cwd: dir, env: GIT_ENV });
  try {
    for (const what of ['scan', 'doctor']) {
      runOnce({ cmd: node, args: what === 'scan' ? [BIN, 'scan', '--history', '--json'] : [BIN, 'doctor', '--offline', '--json'] }, dir);
      rmSync(saved[what], { recursive: true, force: true });
      execFileSync('cp', ['-a', keyward, saved[what]]);
    }
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env: GIT_ENV, input: 'one new commit\n' }).toString().trim();
    const withIndex = { cwd: dir, env: { ...GIT_ENV, GIT_INDEX_FILE: index } };
    execFileSync('git', ['read-tree', 'HEAD'], withIndex);
    execFileSync('git', ['update-index', '--add', '--cacheinfo', `100644,${blob},keyward-bench-commit.txt`], withIndex);
    const tree = execFileSync('git', ['write-tree'], withIndex).toString().trim();
    const commit = execFileSync('git', ['commit-tree', tree, '-p', 'HEAD', '-m', 'one new commit'], { cwd: dir, env: GIT_ENV }).toString().trim();
    gitIn(dir, ['update-ref', ref, commit]);
    return measure(
      [
        { cmd: node, args: [BIN, 'scan', '--history', '--json'], rss: true, prepare: restore(saved.scan) },
        { cmd: node, args: [BIN, 'doctor', '--offline', '--json'], rss: true, prepare: restore(saved.doctor) },
        raw,
      ],
      dir,
      runs,
    );
  } finally {
    spawnSync('git', ['update-ref', '-d', ref], { cwd: dir, env: GIT_ENV });
    if (existsSync(saved.scan)) execFileSync('sh', ['-c', restore(saved.scan)]);
    for (const s of Object.values(saved)) rmSync(s, { recursive: true, force: true });
    rmSync(index, { force: true });
  }
}

/** `keyward --version` against `node -e 0`: keyward must not load Ink, React or the SDK before a command needs them. */
function coldStartRow(runs) {
  const [version, bare] = measure([{ cmd: node, args: [BIN, '--version'] }, { cmd: node, args: ['-e', '0'] }], ROOT, runs);
  return ['`keyward --version` cold start', '`node -e 0`', ms(version), ms(bare), (version.median / bare.median).toFixed(2), '(no target; issue 2)'];
}

function describe(dir) {
  const tracked = gitIn(dir, ['ls-files']).toString().split('\n').length - 1;
  const commits = gitIn(dir, ['rev-list', '--all', '--count']).toString().trim();
  const blobBytes = gitIn(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)'])
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('blob'))
    .reduce((s, l) => s + Number(l.split(' ')[1]), 0);
  return `${tracked} files in the working tree, ${commits} commits, ${(blobBytes / 2 ** 20).toFixed(0)} MB of blobs`;
}

/**
 * Puts the index in the state a person's repository is in: git counts an entry whose file was
 * written in the same second as the index (after a checkout, up to every entry) as "racily
 * clean", and compares its content on every `ls-files -m` and `diff-files` until `git status`
 * (or this refresh) writes the index again. Which entries those are depends on where a second
 * boundary fell during the checkout, so without this the rows from the cache would measure that.
 * Returns how many entries were racily clean, for the table's title.
 */
function refreshIndex(dir) {
  const index = resolve(dir, gitIn(dir, ['rev-parse', '--git-path', 'index']).toString().trim());
  const racyNow = () => {
    const written = Math.floor(statSync(index).mtimeMs / 1000);
    const mtimes = (gitIn(dir, ['ls-files', '--debug']).toString().match(/^ {2}mtime: \d+/gm) ?? []).map((m) => Number(m.slice(9)));
    return { racy: mtimes.filter((m) => m >= written).length, total: mtimes.length, newest: mtimes.reduce((a, b) => Math.max(a, b), 0) };
  };
  const before = racyNow();
  // An index written in the same second as its newest file leaves that second's entries racy: right
  // after the corpus is built (its checkout writes the last files a moment before), the refresh waits
  // for the next second, or the first run's CLI rows pay git's content checks (511 against 347 ms).
  const wait = (before.newest + 1) * 1000 - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait + 20);
  // Exit 1 when a file differs from the index: the refresh is written all the same.
  spawnSync('git', ['update-index', '-q', '--refresh'], { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
  const after = racyNow();
  return `index refreshed first (${before.racy} of ${before.total} entries were racily clean, ${after.racy} after)`;
}

function printTable(title, rows) {
  console.log(`\n### ${title}\n`);
  console.log('| measure | baseline, same run | keyward, median (min–max) | baseline, median (min–max) | ratio | target |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function main() {
  const runs = Number(argValue('--runs') ?? 3);
  const repo = argValue('--repo');
  // `--only doctor`: the doctor's rows alone, for work on the doctor.
  const only = argValue('--only');
  if (only !== undefined && only !== 'doctor') throw new Error(`--only takes doctor, not ${only}`);
  const t0 = Date.now();
  if (!corpusReady()) {
    console.log('Building the corpus in bench/.corpus (cached for later runs)…');
    await buildCorpus();
    console.log(`  built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`npm run bench${repo ? ` -- --repo ${repo}` : ''}: Node ${process.version}, ${runs} runs each, load average ${load} at the start`);
  const rows = only ? doctorRows : rowsFor;
  const corpusIndex = refreshIndex(REPO);
  printTable(`Corpus: ${describe(REPO)}; ${corpusIndex}`, only ? rows(REPO, runs) : [coldStartRow(Math.max(runs, 15)), ...rows(REPO, runs)]);
  if (repo) {
    const repoIndex = refreshIndex(resolve(repo));
    printTable(`${resolve(repo)}: ${describe(repo)}; ${repoIndex}`, rows(resolve(repo), runs));
  }
}

await main();
