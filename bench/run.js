// `npm run bench`: builds a corpus of real code (from node_modules) with planted keys, then prints
// keyward's speed as ratios to baselines measured in the same run. Not a test: numbers vary by machine.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDERS } from '../dist/providers/index.js';
import { ALNUM, B64URL, HEX, pseudoRandom } from '../dist/providers/sample.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CORPUS = join(ROOT, 'bench/.corpus');
const REPO = join(CORPUS, 'repo');
const STAMP = join(CORPUS, 'stamp.json');
const BIN = join(ROOT, 'bin/keyward.js');
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

/** One timed run of a command: wall ms, and peak RSS in KB via GNU time (not for shell pipelines). */
function runOnce({ cmd, args = [], shell = false }, cwd = REPO) {
  const t0 = process.hrtime.bigint();
  const r = shell
    ? spawnSync('sh', ['-c', cmd], { cwd, env: GIT_ENV, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 })
    : spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, env: GIT_ENV, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(-500)}`);
  return { ms, rssKB: shell ? 0 : Number(r.stderr.toString().trim().split('\n').pop()) };
}

/**
 * Wall time of each command, the best of `runs` (warm caches), with the commands' runs
 * interleaved (a, b, a, b, …) so a load change on a shared machine hits both sides of a ratio
 * alike; plus each command's peak RSS.
 */
function measure(commands, { runs = 3 } = {}) {
  const out = commands.map(() => ({ ms: Infinity, rssMB: 0 }));
  for (let i = 0; i < runs; i += 1) {
    commands.forEach((c, k) => {
      const r = runOnce(c);
      out[k].ms = Math.min(out[k].ms, r.ms);
      out[k].rssMB = Math.max(out[k].rssMB, r.rssKB / 1024);
    });
  }
  return out;
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
const fmt = (n) => n.toFixed(2);

async function main() {
  const t0 = Date.now();
  if (!corpusReady()) {
    console.log('Building the corpus in bench/.corpus (cached for later runs)…');
    await buildCorpus();
    console.log(`  built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const objects = git(['count-objects', '-vH']).toString().match(/size-pack: (.*)/)?.[1];
  const tracked = git(['ls-files']).toString().split('\n').length - 1;
  const commits = git(['rev-list', '--all', '--count']).toString().trim();
  const blobBytes = git(['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)']).toString().split('\n').filter((l) => l.startsWith('blob')).reduce((s, l) => s + Number(l.split(' ')[1]), 0);
  console.log(`Corpus: ${tracked} files in the working tree, ${commits} commits, ${(blobBytes / 2 ** 20).toFixed(0)} MB of blobs (${objects} packed)`);
  const pattern = rgPattern();

  // --hidden: keyward reads dot-files too (git lists them), so ripgrep reads the same 14k files.
  const [kwWorktree, rgWorktree] = measure([
    { cmd: node, args: [BIN, 'scan', '--json'] },
    { cmd: 'rg', args: ['-c', '--no-messages', '--hidden', '-g', '!.git', pattern, '.'] },
  ]);
  // The floor: every reachable blob read once. cat-file needs %(rest) in its format to split
  // rev-list's `<oid> <path>` lines; without it each line is looked up whole, reported missing,
  // and no blob is read at all. Trees and commits are left out, as keyward leaves them out.
  const [kwHistory, raw, classic] = measure(
    [
      { cmd: node, args: [join(ROOT, 'bench/history-only.js'), REPO] },
      { cmd: `git rev-list --objects --all --filter=object:type=blob | git cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' >/dev/null`, shell: true },
      { cmd: `git log -p --all | rg -c '${pattern.replace(/'/g, `'\\''`)}'`, shell: true },
    ],
    { runs: 2 },
  );

  // A ten-file commit for the pre-commit hook case, undone afterwards.
  const tenFiles = git(['ls-files']).toString().split('\n').filter((f) => f.endsWith('.js')).slice(0, 10);
  for (const f of tenFiles) writeFileSync(join(REPO, f), `${readFileSync(join(REPO, f), 'utf8')}\n// staged edit\n`);
  git(['add', '--', ...tenFiles]);
  let staged;
  let version;
  try {
    [staged, version] = measure([{ cmd: node, args: [BIN, 'scan', '--staged'] }, { cmd: node, args: [BIN, '--version'] }], { runs: 5 });
  } finally {
    git(['reset', '-q', '--hard']);
  }

  const rows = [
    ['working tree: keyward / ripgrep', `${fmt(kwWorktree.ms / rgWorktree.ms)}`, '<= 1.5', `${kwWorktree.ms.toFixed(0)} ms vs ${rgWorktree.ms.toFixed(0)} ms`],
    ['history: keyward / raw rev-list|cat-file read', `${fmt(kwHistory.ms / raw.ms)}`, '<= 2', `${kwHistory.ms.toFixed(0)} ms vs ${raw.ms.toFixed(0)} ms`],
    ['history: keyward / git log -p --all | rg', `${fmt(kwHistory.ms / classic.ms)}`, '<= 1.0', `${kwHistory.ms.toFixed(0)} ms vs ${classic.ms.toFixed(0)} ms`],
    ['history scan peak RSS', `${kwHistory.rssMB.toFixed(0)} MB`, '<= 300 MB', ''],
    ['scan --staged (10 files) / keyward --version', `${fmt(staged.ms / version.ms)}`, '<= 2', `${staged.ms.toFixed(0)} ms vs ${version.ms.toFixed(0)} ms`],
  ];
  console.log('');
  for (const [name, value, target, detail] of rows) console.log(`${name.padEnd(48)} ${value.padStart(8)}  (target ${target})  ${detail}`);
}

await main();
