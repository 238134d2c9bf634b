import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli, type CliOptions } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, tempDir, type TestProject } from '../support/repo.js';

// Each fault is made for real in a repository the test builds; the built bin must fail closed:
// exit 1 under the default --fail-on high, with an exposure.scan-incomplete finding that says what was not read.

interface JsonReport {
  summary: { high: number; failed: boolean };
  checks: Array<{ id: string; status: string; note?: string }>;
  findings: Finding[];
}

async function scanJson(args: string[], opts: CliOptions): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const r = await runCli([...args, '--json'], opts);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

function gaps(report: JsonReport): Array<Pick<Finding, 'severity' | 'title' | 'detail' | 'fix'>> {
  return report.findings.filter((f) => f.rule === 'exposure.scan-incomplete').map(({ severity, title, detail, fix }) => ({ severity, title, detail, fix }));
}

/** A repository whose history holds a key that the working tree no longer has, plus a few plain files. */
function leakedHistory(seed: string): { p: TestProject; key: string } {
  const p = makeProject();
  const key = fakeKey('anthropic', seed);
  p.write('README.md', '# app\n');
  p.write('config.json', `{"anthropic": "${key}"}\n`);
  p.commit('add config');
  p.git('rm', '-q', 'config.json');
  p.commit('remove config');
  return { p, key };
}

function blobOf(p: TestProject, rev: string): string {
  return p.git('rev-parse', rev).trim();
}

describe('scan --history fails closed on what it could not read', () => {
  it('a deleted object file: names the missing blob count and git fsck', async () => {
    const { p } = leakedHistory('missing');
    const oid = blobOf(p, 'HEAD~1:config.json');
    rmSync(join(p.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)));
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir });
    expect(code).toBe(1);
    expect(gaps(report)).toEqual([
      {
        severity: 'high',
        title: 'Git history not fully scanned: 1 blob could not be read',
        detail: '1 blob of the history is missing from the repository (deleted or damaged object files), so it was not scanned.',
        fix: '`git fsck --full` lists them; `git fetch --refetch origin` (or a fresh clone) restores them, then scan again.',
      },
    ]);
    expect(report.checks.find((c) => c.id === 'exposure.history')).toMatchObject({ status: 'error', note: 'Scanned 1 blob. Git history not fully scanned: 1 blob could not be read.' });
    expect(report.summary).toMatchObject({ high: 1, failed: true });
  });

  it('a deleted tree: the walk stops, and the finding names the damaged tree', async () => {
    const { p } = leakedHistory('tree');
    const tree = blobOf(p, 'HEAD~1^{tree}');
    rmSync(join(p.dir, '.git/objects', tree.slice(0, 2), tree.slice(2)));
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir });
    expect(code).toBe(1);
    const [gap] = gaps(report);
    expect(gap!.title).toBe('Git history not fully scanned: git could not walk every commit');
    expect(gap!.detail).toMatch(new RegExp(`^git log stopped \\(git log exited with 128: unable to read tree ${tree}\\): commits or trees are missing or damaged, and the history past them was not scanned; \\d+ blobs? (was|were) read before it stopped\\.$`));
  });

  it('a shallow clone: says how many boundary commits and git fetch --unshallow', async () => {
    const { p } = leakedHistory('shallow');
    const dir = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${p.dir}`, dir], { env: gitEnv() });
    const { code, report } = await scanJson(['scan', '--history'], { cwd: dir });
    expect(code).toBe(1);
    expect(gaps(report)).toEqual([
      {
        severity: 'high',
        title: 'Git history not fully scanned: this is a shallow clone',
        detail: "The history behind the clone's 1 boundary commit was never fetched, so it was not scanned; a key committed there would go unseen.",
        fix: '`git fetch --unshallow`, then scan again.',
      },
    ]);
  });

  it('a partial clone: counts the blobs never downloaded, with the fetch for its remote, for another remote when none is set, or for a remote that is gone', async () => {
    const { p } = leakedHistory('partial');
    p.git('config', 'uploadpack.allowFilter', 'true');
    const dir = join(tempDir(), 'partial');
    execFileSync('git', ['clone', '-q', '--filter=blob:none', `file://${p.dir}`, dir], { env: gitEnv() });
    const withRemote = await scanJson(['scan', '--history'], { cwd: dir });
    expect(withRemote.code).toBe(1);
    expect(gaps(withRemote.report)).toEqual([
      {
        severity: 'high',
        title: 'Git history not fully scanned: 1 blob of this partial clone was never downloaded',
        detail: 'This is a partial clone (cloned with --filter): 1 blob of its history is not on disk, so it was not scanned. keyward reads only what is on disk.',
        fix: '`git fetch --refetch --no-filter origin` downloads it, then scan again.',
      },
    ]);
    // A copy of a partial clone keeps its .promisor packs, but no remote is set to fetch from.
    execFileSync('git', ['config', '--unset', 'remote.origin.promisor'], { cwd: dir, env: gitEnv() });
    const unset = await scanJson(['scan', '--history'], { cwd: dir });
    expect(gaps(unset.report).map((g) => [g.detail, g.fix])).toEqual([
      [
        'This is a partial clone (cloned with --filter): 1 blob of its history is not on disk, and no remote is set to fetch it from, so it was not scanned. keyward reads only what is on disk.',
        '`git fetch --refetch --no-filter origin` downloads it, then scan again.',
      ],
    ]);
    execFileSync('git', ['remote', 'remove', 'origin'], { cwd: dir, env: gitEnv() });
    const gone = await scanJson(['scan', '--history'], { cwd: dir });
    expect(gone.code).toBe(1);
    expect(gaps(gone.report).map((g) => [g.detail, g.fix])).toEqual([
      [
        'This is a partial clone (cloned with --filter): 1 blob of its history is not on disk and the remote it came from is gone, so it was not scanned. keyward reads only what is on disk.',
        'Add the remote back (`git remote add origin <url it was cloned from>`), run `git fetch --refetch --no-filter origin`, then scan again.',
      ],
    ]);
  });

  it('a corrupt HEAD: git calls it no repository, keyward says it could not read it', async () => {
    const { p } = leakedHistory('head');
    writeFileSync(join(p.dir, '.git/HEAD'), 'garbage\n');
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir });
    expect(code).toBe(1);
    expect(gaps(report)).toEqual([
      {
        severity: 'high',
        title: 'Git history not scanned: git does not accept the repository',
        detail: `${join(p.dir, '.git')} is there, but git does not read it as a repository (not a git repository (or any of the parent directories): .git); its HEAD, config or object store is damaged, so none of its history was read.`,
        fix: 'Run `git status` in the folder to see what git rejects; repair it (a damaged .git/HEAD holds one line, such as `ref: refs/heads/main`) or clone the repository again, then scan again.',
      },
    ]);
  });

  it('git missing from PATH: says so and to install git', async () => {
    const { p } = leakedHistory('nogit');
    const emptyBin = tempDir();
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir, env: { PATH: emptyBin } });
    expect(code).toBe(1);
    expect(gaps(report)).toEqual([
      {
        severity: 'high',
        title: 'Git history not scanned: git is not installed or not on PATH',
        detail: "git could not be started (spawn git ENOENT), so none of the repository's history was read.",
        fix: 'Install git (or add it to PATH; `git --version` must work), then scan again.',
      },
    ]);
  });

  it('a folder that is not a repository at all is still a plain skip, exit 0', async () => {
    const p = makeProject({ git: false });
    p.write('README.md', '# notes\n');
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir });
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.checks.find((c) => c.id === 'exposure.history')).toMatchObject({ status: 'skip', note: 'Not a git repository: there is no history to scan.' });
  });

  it('the gap obeys --fail-on: --fail-on critical lets it pass, and the text report names it', async () => {
    const { p } = leakedHistory('failon');
    const oid = blobOf(p, 'HEAD~1:config.json');
    rmSync(join(p.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)));
    const loose = await runCli(['scan', '--history', '--fail-on', 'critical'], { cwd: p.dir });
    expect(loose.code).toBe(0);
    const text = await runCli(['scan', '--history'], { cwd: p.dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('high: Git history not fully scanned: 1 blob could not be read');
    expect(text.stdout).toContain('fix: `git fsck --full` lists them');
  });

  it('doctor --offline reports the gap and exits 1', async () => {
    const { p } = leakedHistory('doctor');
    writeFileSync(join(p.dir, '.git/HEAD'), 'garbage\n');
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(gaps(report).map((g) => g.title)).toEqual(['Git history not scanned: git does not accept the repository']);
  });

  it('doctor: a history gap does not make the working tree fail when its only finding is the env-files check own', async () => {
    const src = makeProject();
    src.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'tracked')}\n`);
    src.commit('tracked env');
    const dir = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${src.dir}`, dir], { env: gitEnv() });
    chmodSync(join(dir, '.env'), 0o600);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['exposure.env-tracked', 'exposure.scan-incomplete']);
    expect(report.checks.filter((c) => c.id.startsWith('exposure.')).map((c) => [c.id, c.status])).toEqual([
      ['exposure.env-files', 'fail'],
      ['exposure.file-permissions', 'pass'],
      ['exposure.worktree', 'pass'],
      ['exposure.history', 'error'],
    ]);
  });
});

describe('scan --staged fails closed', () => {
  it('a staged blob git cannot read fails the hook with exit 3 and says why', async () => {
    const p = makeProject();
    p.write('README.md', '# app\n');
    p.commit('init');
    p.write('config.json', `{"k": "${fakeKey('groq', 'staged-missing')}"}\n`);
    p.git('add', 'config.json');
    const oid = blobOf(p, ':config.json');
    rmSync(join(p.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)));
    const r = await runCli(['scan', '--staged'], { cwd: p.dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('keyward: git could not read 1 blob(s) of the staged change (missing objects), so the commit was not scanned. Fix: Run `git fsck` to see what is damaged, stage the files again (`git add`), then commit.\n');
  });
});

describe.skipIf(process.getuid?.() !== 0)('scan fails closed on what it may not read, as a user without permission', () => {
  it('an unreadable --cwd: the working tree and the history are gaps, exit 1', async () => {
    const { p } = leakedHistory('cwd');
    chmodSync(p.dir, 0o700);
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dir = join(parent, 'app');
    execFileSync('cp', ['-a', p.dir, dir]);
    chmodSync(dir, 0o000);
    const { code, report } = await scanJson(['--cwd', dir, 'scan', '--history'], { cwd: parent, uid: 65534, env: { HOME: '/tmp' } });
    expect(code).toBe(1);
    expect(gaps(report).map((g) => g.title)).toEqual(['Working tree not fully scanned: 1 file or folder could not be read', 'Git history not scanned: keyward cannot enter the folder']);
    expect(gaps(report)[0]!.detail).toBe('keyward could not read ".", so it was not scanned for keys.');
  });

  it('an unreadable file in the working tree: named, exit 1', async () => {
    const p = makeProject();
    chmodSync(p.dir, 0o755);
    p.write('notes.txt', 'hello\n');
    p.write('secret.txt', 'private\n', 0o600);
    mkdirSync(join(p.dir, 'locked'), { mode: 0o700 });
    writeFileSync(join(p.dir, 'locked/a.txt'), 'x\n');
    p.commit('files');
    const { code, report } = await scanJson(['scan'], { cwd: p.dir, uid: 65534, env: { HOME: '/tmp' } });
    expect(code).toBe(1);
    const [gap] = gaps(report);
    expect(gap!.title).toBe('Working tree not fully scanned: 2 files or folders could not be read');
    expect(gap!.detail).toBe('keyward could not read "locked/a.txt", "secret.txt", so they were not scanned for keys.');
  });
});

describe('a repository owned by another user is still scanned', () => {
  it.skipIf(process.getuid?.() !== 0)('reads the history of a checkout another user owns (safe.directory handled)', async () => {
    const { p, key } = leakedHistory('owner');
    execFileSync('chown', ['-R', '65534:65534', p.dir]);
    const { code, report } = await scanJson(['scan', '--history'], { cwd: p.dir });
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.rule, f.secret?.fingerprint])).toEqual([['exposure.history', fingerprint(key)]]);
    expect(readdirSync(p.dir)).toContain('README.md');
  });
});
