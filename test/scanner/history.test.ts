import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { mergeScans, scanHistory, scanWorktree } from '../../src/scanner/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, commitMergeResolution } from '../support/repo.js';
import { optionsFor } from './helpers.js';

describe('scanHistory: every blob reachable from any ref, once', () => {
  const p = makeProject();
  const K = {
    deleted: fakeKey('anthropic', 'deleted'),
    branch: fakeKey('groq', 'branch'),
    tag: fakeKey('xai', 'tag'),
    merge: fakeKey('openrouter', 'merge'),
    stash: fakeKey('gemini', 'stash'),
    still: fakeKey('openai-project', 'still'),
    moved: fakeKey('openai-admin', 'moved'),
  };
  p.write('README.md', '# app\n');
  const base = p.commit('base');
  // A key committed, then deleted.
  p.write('config/secrets.json', `{\n  "anthropic": "${K.deleted}"\n}\n`);
  const added = p.commit('add secrets');
  p.git('rm', '-q', 'config/secrets.json');
  p.commit('remove secrets');
  // A key that only a branch holds.
  p.git('checkout', '-q', '-b', 'feature');
  p.write('feature.py', `GROQ = "${K.branch}"\n`);
  const onBranch = p.commit('feature work');
  p.git('checkout', '-q', 'main');
  // A key that only a tag reaches (the commit is on no branch).
  p.git('checkout', '-q', '--detach');
  p.write('release.env', `XAI_API_KEY=${K.tag}\n`);
  const tagged = p.commit('release');
  p.git('tag', 'v1.0.0');
  p.git('checkout', '-q', 'main');
  // A key that only a merge commit's conflict resolution introduced.
  const merged = commitMergeResolution(p, `OPENROUTER_API_KEY=${K.merge}
`);
  // A key still in the working tree, and one moved from one file to another.
  p.write('src/app.ts', `const k = "${K.still}";\n`);
  p.write('old/key.txt', `${K.moved}\n`);
  const stillAt = p.commit('app');
  p.git('mv', 'old/key.txt', 'new-key.txt');
  p.commit('move');
  // A key only in the stash.
  p.write('src/app.ts', `const k = "${K.still}";\nconst g = "${K.stash}";\n`);
  p.git('stash', 'push', '-q');

  it('finds deleted, branch-only, tag-only, merge-only, stashed and current keys, each once', async () => {
    const r = await scanHistory(optionsFor(p.dir));
    const got = new Map(r.findings.map((f) => [f.secret!.fingerprint, f]));
    expect(r.findings).toHaveLength(Object.keys(K).length);
    expect(new Set(got.keys())).toEqual(new Set(Object.values(K).map(fingerprint)));
    for (const f of r.findings) expect(f.rule).toBe('exposure.history');
  });

  it('names the earliest commit and path that introduced each key, and whether HEAD still holds it', async () => {
    const r = await scanHistory(optionsFor(p.dir));
    const at = (key: string) => r.findings.find((f) => f.secret?.fingerprint === fingerprint(key))!.location;
    expect(at(K.deleted)).toEqual({ file: 'config/secrets.json', line: 2, column: 17, commit: added, inHead: false });
    expect(at(K.branch)).toMatchObject({ file: 'feature.py', line: 1, commit: onBranch, inHead: false });
    expect(at(K.tag)).toMatchObject({ file: 'release.env', commit: tagged, inHead: false });
    expect(at(K.merge)).toMatchObject({ file: 'conf.txt', commit: merged, inHead: false });
    expect(at(K.still)).toMatchObject({ file: 'src/app.ts', commit: stillAt, inHead: true });
    expect(at(K.moved)).toMatchObject({ file: 'old/key.txt', commit: stillAt, inHead: true });
    expect(at(K.stash)?.file).toBe('src/app.ts');
    expect(base).toMatch(/^[0-9a-f]{40}$/);
  });

  it('says what to do: removing the file did not revoke the key', async () => {
    const r = await scanHistory(optionsFor(p.dir));
    const f = r.findings.find((x) => x.secret?.fingerprint === fingerprint(K.deleted))!;
    expect(f.severity).toBe('critical');
    expect(f.fix).toMatch(/Rotate the key at https:\/\/console\.anthropic\.com/);
    expect(f.fix).toMatch(/git filter-repo/);
    expect(r.checks[0]).toMatchObject({ id: 'exposure.history', status: 'fail' });
  });

  it('reports a key once when merged with the working tree: source-literal if it is still there, history otherwise', async () => {
    const o = optionsFor(p.dir);
    const r = mergeScans(await scanWorktree(o), await scanHistory(o));
    const rules = r.findings.map((f) => `${f.rule} ${f.location?.file}`).sort();
    expect(rules).toContain('exposure.source-literal src/app.ts');
    expect(rules).toContain('exposure.source-literal new-key.txt');
    expect(rules.filter((x) => x.startsWith('exposure.history'))).toHaveLength(5);
    const app = r.findings.find((f) => f.location?.file === 'src/app.ts')!;
    expect(app.detail).toContain(`also in git history since commit ${stillAt.slice(0, 12)}`);
  });

  it('reads git through a private socket that leaves nothing in the temporary folder, and through a pipe, to the same report, when no socket can be made', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keyward-test-tmp-'));
    // A file where the temporary folder should be: no folder, so no socket, can be made in it.
    writeFileSync(join(tmp, 'not-a-folder'), '');
    const viaSocket = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { TMPDIR: tmp } });
    const viaPipe = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { TMPDIR: join(tmp, 'not-a-folder') } });
    const report = (r: CliResult): unknown => JSON.parse(r.stdout, (k, v: unknown) => (k === 'durationMs' ? 0 : v));
    expect([viaSocket.code, viaPipe.code]).toEqual([1, 1]);
    expect((report(viaSocket) as { findings: unknown[] }).findings).toHaveLength(7);
    expect(report(viaPipe)).toEqual(report(viaSocket));
    // Node's own compile cache may be there; keyward's socket folders may not.
    expect(readdirSync(tmp).filter((n) => n.startsWith('keyward-'))).toEqual([]);
  });

  it('reads blobs that only a tag of a tree reaches (no commit holds them), with no commit to name', async () => {
    const q = makeProject();
    q.write('README.md', '# q\n');
    q.commit('base');
    const key = fakeKey('groq', 'tree-tag');
    const withInput = (input: string, ...args: string[]): string => execFileSync('git', args, { cwd: q.dir, env: gitEnv(), input, encoding: 'utf8' }).trim();
    const blob = withInput(`GROQ_API_KEY=${key}\n`, 'hash-object', '-w', '--stdin');
    const tree = withInput(`100644 blob ${blob}\tloose.env\n`, 'mktree');
    q.git('tag', 'tree-only', tree);
    const r = await scanHistory(optionsFor(q.dir));
    expect(r.findings.map((f) => [f.secret?.fingerprint, f.location?.file, f.location?.commit])).toEqual([[fingerprint(key), 'loose.env', null]]);
  });

  it('skips a folder that is no repository', async () => {
    const q = makeProject({ git: false });
    const r = await scanHistory(optionsFor(q.dir));
    expect(r).toEqual({ findings: [], checks: [expect.objectContaining({ id: 'exposure.history', status: 'skip' })] });
  });
});

describe('scan --history: blobs skipped by their path are not read, and are counted as when they were', () => {
  // Lockfiles are most of a JavaScript history's bytes: their content is never asked of git, only their size and presence.
  function skippedHistory() {
    const p = makeProject();
    const keys = { lock: fakeKey('openai-project', 'lockfile'), ignored: fakeKey('groq', 'ignored'), plain: fakeKey('anthropic', 'plain') };
    p.write('README.md', '# app\n');
    p.write('huge.txt', Buffer.alloc(9 * 1024 * 1024, 0x61));
    p.commit('huge');
    p.write('.keywardignore', 'fixtures/\n');
    p.write('fixtures/keys.env', `GROQ_API_KEY=${keys.ignored}\n`);
    p.write('yarn.lock', `# "openai@^4": key ${keys.lock}\n`);
    p.write('config.json', `{"anthropic": "${keys.plain}"}\n`);
    p.commit('fixtures and lockfile');
    // A lockfile over the size limit is skipped for its size, as any file over it.
    p.write('package-lock.json', `{"lockfileVersion": 3, "k": "${keys.lock}", "pad": "${'x'.repeat(9 * 1024 * 1024)}"}\n`);
    p.commit('big lockfile');
    return { p, keys };
  }
  const history = (r: CliResult): { findings: Array<{ rule: string; location?: { file: string } }>; note: string | undefined } => {
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; location?: { file: string } }>; checks: Array<{ id: string; note?: string }> };
    return { findings: report.findings.filter((f) => f.rule !== 'exposure.source-literal'), note: report.checks.find((c) => c.id === 'exposure.history')?.note };
  };

  it('names the reasons in the order the walk meets them (newest commit first), a lockfile over the limit as over the limit, and finds the rest', async () => {
    const { p } = skippedHistory();
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(history(r)).toEqual({ findings: [], note: 'Scanned 3 blobs. Skipped 4: 2 over the size limit, 1 matched by .keywardignore, 1 lockfile.' });
    p.git('rm', '-q', 'config.json');
    p.commit('remove config');
    const after = history(await runCli(['scan', '--history', '--json'], { cwd: p.dir }));
    expect(after.findings.map((f) => [f.rule, f.location?.file])).toEqual([['exposure.history', 'config.json']]);
  });

  it('counts a lockfile blob deleted from the repository as missing, not as skipped', async () => {
    const { p } = skippedHistory();
    const oid = p.git('rev-parse', 'HEAD:yarn.lock').trim();
    rmSync(join(p.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)));
    const r = history(await runCli(['scan', '--history', '--json'], { cwd: p.dir }));
    expect(r.findings.map((f) => f.rule)).toEqual(['exposure.scan-incomplete']);
    expect(r.note).toBe('Scanned 3 blobs. Skipped 3: 2 over the size limit, 1 matched by .keywardignore. Git history not fully scanned: 1 blob could not be read.');
  });
});
