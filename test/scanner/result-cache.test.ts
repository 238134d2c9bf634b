import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli, type CliResult } from '../support/cli.js';
import { canaryKey, fakeKey } from '../support/keys.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';

// keyward keeps what each blob held in .git/keyward, and a later scan takes a tracked file's
// outcome from there when git sees the file as HEAD's, and a blob's when the history walk meets
// it again. These tests run the built bin on real repositories: the reports must be the ones a
// scan that reads everything gives, whatever git says changed in between.

const K = {
  tracked: canaryKey(),
  notebook: fakeKey('gemini', 'cache-nb'),
  untracked: fakeKey('groq', 'cache-untracked'),
  dotenv: fakeKey('anthropic', 'cache-dotenv'),
  gone: fakeKey('xai', 'cache-gone'),
  edited: fakeKey('openrouter', 'cache-edited'),
};

interface JsonReport {
  checks: CheckResult[];
  findings: Finding[];
}

function project(): TestProject {
  const p = makeProject();
  p.write('.gitignore', '.env\n');
  p.write('src/old.ts', `export const xai = "${K.gone}";\n`);
  p.commit('a key, later removed');
  p.git('rm', '-q', 'src/old.ts');
  p.write('src/a.ts', `// the client\nexport const apiKey = "${K.tracked}";\n`);
  p.write('src/b.ts', 'export const b = 2;\n');
  p.write('notebooks/n.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: ['print(key)\n'], outputs: [{ output_type: 'stream', text: [`${K.notebook}\n`] }] }] }, null, 1));
  // Over the 8 MiB limit: skipped by its size, from the cache too.
  p.write('data/big.txt', Buffer.alloc(9 * 1024 * 1024, 0x61));
  p.commit('the app');
  p.write('notes.md', `GROQ_API_KEY=${K.untracked}\n`);
  p.write('.env', `ANTHROPIC_API_KEY=${K.dotenv}\n`, 0o600);
  return p;
}

const scan = (p: TestProject, ...flags: string[]): Promise<CliResult> => runCli(['scan', '--history', '--json', ...flags], { cwd: p.dir });
/** The working tree alone: with --history the key would still be reported from the commit that holds it. */
const scanTree = (p: TestProject, ...flags: string[]): Promise<CliResult> => runCli(['scan', '--json', ...flags], { cwd: p.dir });

function report(r: CliResult): JsonReport {
  const parsed = JSON.parse(r.stdout) as JsonReport;
  return { findings: parsed.findings, checks: parsed.checks.map((c) => ({ ...c, durationMs: 0 })) };
}

/** What a person reads first: rule, place, key, and whether HEAD holds it. */
function brief(r: CliResult): Array<[string, string | undefined, number | undefined, string | null, boolean | undefined]> {
  return report(r).findings.map((f) => [f.rule, f.location?.file, f.location?.line, f.secret?.fingerprint ?? null, f.location?.inHead]);
}

const cacheFile = (p: TestProject, kind: string): string => join(p.dir, '.git', 'keyward', `${kind}.json`);

/**
 * Rewrites the cache so that it says `oid` holds no key, as an outdated entry would. The snapshot of
 * the index goes, so that a scan of the working tree answers from what each blob held, and so does
 * the walk kept for the refs, so that the history walks and looks each blob up.
 */
function markClean(p: TestProject, kind: string, oid: string): void {
  rmSync(cacheFile(p, 'tree'), { force: true });
  rmSync(cacheFile(p, 'history-walk'), { force: true });
  const data = JSON.parse(readFileSync(cacheFile(p, kind), 'utf8')) as { clean: string; found: Record<string, unknown> };
  expect(Object.keys(data.found)).toContain(oid);
  delete data.found[oid];
  data.clean = data.clean ? `${data.clean},${oid}` : oid;
  writeFileSync(cacheFile(p, kind), JSON.stringify(data));
}

// The ignored .env is read (keyward reads ignored .env files for their own rules) and is no finding.
const EXPECTED = [
  ['exposure.history', 'src/old.ts', 1, fingerprint(K.gone), false],
  ['exposure.source-literal', 'notebooks/n.ipynb', 12, fingerprint(K.notebook), true],
  ['exposure.source-literal', 'notes.md', 1, fingerprint(K.untracked), false],
  ['exposure.source-literal', 'src/a.ts', 2, fingerprint(K.tracked), true],
];

describe('keyward scan with the result cache (built bin, real git)', () => {
  it('reports the same, byte for byte, from the cache as from reading everything, and keeps no key in it', async () => {
    const p = project();
    const first = await scan(p);
    const second = await scan(p);
    const reread = await scan(p, '--no-cache');
    expect([first.code, second.code, reread.code]).toEqual([1, 1, 1]);
    expect(brief(first).map((b) => b.slice(0, 2))).toEqual(EXPECTED.map((b) => b.slice(0, 2)));
    expect(brief(first)).toEqual(EXPECTED);
    expect(report(second)).toEqual(report(first));
    expect(report(reread)).toEqual(report(first));
    expect(report(second).checks.map((c) => c.note)).toEqual(['Scanned 6 files. Skipped 1: 1 over the size limit.', 'Scanned 5 blobs. Skipped 1: 1 over the size limit.']);
    expect(readdirSync(join(p.dir, '.git', 'keyward')).sort()).toEqual(['history-walk.json', 'history.json', 'tree.json', 'worktree.json']);
    for (const kind of ['worktree', 'history', 'tree', 'history-walk']) {
      const stored = readFileSync(cacheFile(p, kind), 'utf8');
      for (const key of Object.values(K)) {
        expect(stored).not.toContain(key);
        expect(stored).not.toContain(key.slice(8, 30));
      }
    }
  });

  it('answers an unchanged file from the cache, and reads it again once it changes, even in the same second', async () => {
    const p = project();
    await scan(p);
    // Proof that the file is not read: an entry saying its blob holds nothing is believed.
    markClean(p, 'worktree', p.git('rev-parse', 'HEAD:src/a.ts').trim());
    const trusted = await scanTree(p);
    expect(brief(trusted).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md']);
    expect(brief(await scanTree(p, '--no-cache')).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md', 'src/a.ts']);
    // The same length, another key: only git's stat (or, written this fast, its content check) can tell.
    const other = fakeKey('openai-project', 'cache-same-size');
    p.write('src/a.ts', `// the client\nexport const apiKey = "${other}";\n`);
    const edited = await scanTree(p);
    expect(brief(edited).filter((b) => b[1] === 'src/a.ts')).toEqual([['exposure.source-literal', 'src/a.ts', 2, fingerprint(other), false]]);
    expect(report(edited)).toEqual(report(await scanTree(p, '--no-cache')));
  });

  it('reads files marked assume-unchanged or skip-worktree, which git would call unchanged', async () => {
    const p = project();
    p.write('config/local.ts', 'export const key = "";\n');
    p.write('config/shared.ts', 'export const key = "";\n');
    p.commit('config');
    await scan(p);
    // How people keep a local secret in a tracked file: git stops looking at it.
    p.git('update-index', '--assume-unchanged', 'config/local.ts');
    p.git('update-index', '--skip-worktree', 'config/shared.ts');
    const local = fakeKey('openai-project', 'cache-assume');
    const shared = fakeKey('groq', 'cache-skip');
    p.write('config/local.ts', `export const key = "${local}";\n`);
    p.write('config/shared.ts', `export const key = "${shared}";\n`);
    const r = await scan(p);
    expect(brief(r).filter((b) => b[1]?.startsWith('config/'))).toEqual([
      ['exposure.source-literal', 'config/local.ts', 1, fingerprint(local), false],
      ['exposure.source-literal', 'config/shared.ts', 1, fingerprint(shared), false],
    ]);
    expect(report(r)).toEqual(report(await scan(p, '--no-cache')));
  });

  it('reads a staged change again, and says the new key is not in HEAD', async () => {
    const p = project();
    await scan(p);
    p.write('src/b.ts', `export const b = "${K.edited}";\n`);
    p.git('add', 'src/b.ts');
    const r = await scan(p);
    expect(brief(r).filter((b) => b[1] === 'src/b.ts')).toEqual([['exposure.source-literal', 'src/b.ts', 1, fingerprint(K.edited), false]]);
    expect(report(r)).toEqual(report(await scan(p, '--no-cache')));
    // Committed: now it is HEAD's, and the next scans say so, read or not.
    p.commit('b');
    const committed = await scan(p);
    const again = await scan(p);
    expect(brief(committed).filter((b) => b[1] === 'src/b.ts')).toEqual([['exposure.source-literal', 'src/b.ts', 1, fingerprint(K.edited), true]]);
    expect(report(again)).toEqual(report(committed));
    expect(report(again)).toEqual(report(await scan(p, '--no-cache')));
  });

  it('takes a history blob from the cache, and --no-cache reads it', async () => {
    const p = project();
    await scan(p);
    markClean(p, 'history', p.git('rev-parse', 'HEAD~1:src/old.ts').trim());
    expect(brief(await scan(p)).map((b) => b[0])).not.toContain('exposure.history');
    expect(brief(await scan(p, '--no-cache'))).toEqual(EXPECTED);
  });

  it('keeps a linked worktree\'s outcomes in that worktree\'s git folder, and the history\'s in the shared one', async () => {
    const p = project();
    p.commit('notes', 'notes.md');
    const other = join(p.dir, '..', `${p.dir.split('/').pop()}-wt`);
    p.git('worktree', 'add', '-q', '-b', 'side', other);
    const key = fakeKey('deepseek', 'cache-worktree');
    writeFileSync(join(other, 'side.ts'), `export const deepseekApiKey = "${key}";\n`);
    const run = (...flags: string[]) => runCli(['scan', '--history', '--json', ...flags], { cwd: other });
    const first = await run();
    const second = await run();
    expect(brief(first).find((b) => b[1] === 'side.ts')).toEqual(['exposure.source-literal', 'side.ts', 1, fingerprint(key), false]);
    expect(report(second)).toEqual(report(first));
    expect(report(await run('--no-cache'))).toEqual(report(first));
    const [name] = readdirSync(join(p.dir, '.git', 'worktrees'));
    expect(readdirSync(join(p.dir, '.git', 'worktrees', name!, 'keyward')).sort()).toEqual(['tree.json', 'worktree.json']);
    expect(readdirSync(join(p.dir, '.git', 'keyward')).sort()).toEqual(['history-walk.json', 'history.json']);
  });

  it('scans a subfolder from the cache as it reads it', async () => {
    const p = project();
    const run = (...flags: string[]) => runCli(['scan', 'src', '--json', ...flags], { cwd: p.dir });
    const first = await run();
    const second = await run();
    // Paths are told relative to the folder scanned.
    expect(brief(first)).toEqual([['exposure.source-literal', 'a.ts', 2, fingerprint(K.tracked), true]]);
    expect(report(second)).toEqual(report(first));
    expect(report(await run('--no-cache'))).toEqual(report(first));
  });

  it('neither waits on a FIFO left at the cache\'s name nor writes through a linked folder', async () => {
    const p = project();
    const first = await scan(p, '--no-cache');
    mkdirSync(join(p.dir, '.git', 'keyward'));
    execFileSync('mkfifo', [cacheFile(p, 'worktree'), cacheFile(p, 'history'), cacheFile(p, 'tree'), cacheFile(p, 'history-walk')]);
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir, timeoutMs: 20_000 });
    expect(r.signal).toBeNull();
    expect(report(r)).toEqual(report(first));
    // A `keyward` folder that is a link to somewhere else: nothing is written there.
    rmSync(join(p.dir, '.git', 'keyward'), { recursive: true });
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(p.dir, '.git', 'keyward'));
    expect(report(await scan(p))).toEqual(report(first));
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('starts over from a cache file that is garbage, and rewrites it', async () => {
    const p = project();
    const first = await scan(p);
    writeFileSync(cacheFile(p, 'worktree'), '{"salt": 1, "clean": [');
    writeFileSync(cacheFile(p, 'history'), Buffer.from([0xff, 0x00, 0x7b]));
    writeFileSync(cacheFile(p, 'tree'), '{"named": [["src/a.ts", {"hits": "none"}]]}');
    const walk = JSON.parse(readFileSync(cacheFile(p, 'history-walk'), 'utf8')) as Record<string, unknown>;
    writeFileSync(cacheFile(p, 'history-walk'), JSON.stringify({ ...walk, seen: [['sha256:000000000000', [['0', 'a.ts', { type: 'key' }]]]] }));
    const r = await scan(p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(report(r)).toEqual(report(first));
    for (const kind of ['worktree', 'history']) expect(Object.keys(JSON.parse(readFileSync(cacheFile(p, kind), 'utf8')) as object)).toEqual(['salt', 'id', 'clean', 'found']);
    expect(Object.keys(JSON.parse(readFileSync(cacheFile(p, 'tree'), 'utf8')) as object)).toEqual(['salt', 'index', 'root', 'ignore', 'tap', 'named', 'clean', 'listSkipped', 'filterSkipped', 'tracked']);
    // The walk kept again names the blob cache written with it, which is a new one.
    const history = JSON.parse(readFileSync(cacheFile(p, 'history'), 'utf8')) as { id: string };
    expect(history.id).not.toBe(walk.cacheId);
    expect(readFileSync(cacheFile(p, 'history-walk'), 'utf8')).toBe(JSON.stringify({ ...walk, cacheId: history.id }));
  });
});

/** The snapshot of the index made to say `path` holds nothing, as an outdated one would. */
function markTreeClean(p: TestProject, path: string): void {
  const data = JSON.parse(readFileSync(cacheFile(p, 'tree'), 'utf8')) as { named: Array<[string, unknown]>; clean: number };
  const at = data.named.findIndex(([named]) => named === path);
  expect(data.named[at]?.[1]).toMatchObject({ hits: [{ type: 'key' }] });
  data.named.splice(at, 1);
  data.clean += 1;
  writeFileSync(cacheFile(p, 'tree'), JSON.stringify(data));
}

describe('keyward scan from the snapshot of an unchanged index (built bin, real git)', () => {
  it('answers the tracked files from it while the index is the one listed, and lists the index again once it changes', async () => {
    const p = project();
    await scanTree(p);
    markTreeClean(p, 'src/a.ts');
    expect(brief(await scanTree(p)).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md']);
    // A file staged: another index, so the listing decides (and the cache of each blob, untouched, answers).
    p.write('src/c.ts', 'export const c = 3;\n');
    p.git('add', 'src/c.ts');
    const relisted = await scanTree(p);
    expect(brief(relisted).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md', 'src/a.ts']);
    expect(report(relisted)).toEqual(report(await scanTree(p, '--no-cache')));
  });

  it('reads what changed beside the index: an edit of the same length in the same second, a key in a file that held none, a deleted and an untracked file', async () => {
    const p = project();
    await scanTree(p);
    const first = await scanTree(p);
    const snapshot = readFileSync(cacheFile(p, 'tree'));
    const other = fakeKey('openai-project', 'tree-same-size');
    p.write('src/a.ts', `// the client\nexport const apiKey = "${other}";\n`);
    p.write('src/b.ts', `export const b = "${K.edited}";\n`);
    rmSync(join(p.dir, 'notebooks', 'n.ipynb'));
    p.write('late.txt', `XAI_API_KEY=${K.gone}\n`);
    const r = await scanTree(p);
    expect(brief(r)).toEqual([
      ['exposure.source-literal', 'late.txt', 1, fingerprint(K.gone), false],
      ['exposure.source-literal', 'notes.md', 1, fingerprint(K.untracked), false],
      ['exposure.source-literal', 'src/a.ts', 2, fingerprint(other), false],
      ['exposure.source-literal', 'src/b.ts', 1, fingerprint(K.edited), false],
    ]);
    expect(report(r).checks.map((c) => c.note)).toEqual(['Scanned 6 files. Skipped 1: 1 over the size limit.']);
    expect(report(r)).toEqual(report(await scanTree(p, '--no-cache')));
    // Read from the snapshot, not listed: that would have written another one.
    expect(readFileSync(cacheFile(p, 'tree'))).toEqual(snapshot);
    expect(report(first).checks.map((c) => c.note)).toEqual(['Scanned 6 files. Skipped 1: 1 over the size limit.']);
  });

  it('is taken again for a new .keywardignore, and never when git is pointed at another index', async () => {
    const p = project();
    await scanTree(p);
    p.write('.keywardignore', 'src/a.ts\n');
    const ignored = await scanTree(p);
    expect(brief(ignored).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md']);
    expect(report(await scanTree(p))).toEqual(report(ignored));
    expect(report(ignored)).toEqual(report(await scanTree(p, '--no-cache')));
    rmSync(join(p.dir, '.keywardignore'));
    await scanTree(p);
    markTreeClean(p, 'src/a.ts');
    // A pre-commit hook runs with GIT_INDEX_FILE: the index git reads may not be the one the snapshot names.
    const hooked = await runCli(['scan', '--json'], { cwd: p.dir, env: { GIT_INDEX_FILE: join(p.dir, '.git', 'index') } });
    expect(brief(hooked).map((b) => b[1])).toEqual(['notebooks/n.ipynb', 'notes.md', 'src/a.ts']);
  });
});
