import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject } from '../support/repo.js';

// A NUL byte used to make a file "binary" and skipped, and UTF-16 hid every key: both are searched now.

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

const K = {
  nul: fakeKey('openai-project', 'nul'),
  le: fakeKey('anthropic', 'utf16le'),
  bare: fakeKey('groq', 'utf16bare'),
  be: fakeKey('xai', 'utf16be'),
  image: fakeKey('gemini', 'png'),
};

/** Files in each shape: the key is always on line 2 after `key = "`, so at column 8. */
function files(): Record<string, Buffer> {
  return {
    'data.txt': Buffer.concat([Buffer.from('\0\nkey = "'), Buffer.from(`${K.nul}"\n`)]),
    'script.ps1': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# setup\r\nkey = "${K.le}"\r\n`, 'utf16le')]),
    'notes.txt': Buffer.from(`# notes, no byte-order mark\nkey = "${K.bare}"\n`, 'utf16le'),
    'legacy.cfg': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(`[app]\nkey = "${K.be}"\n`)]),
    'logo.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.from(`\nkey = "${K.image}"`), Buffer.from([0, 1, 2, 3, 0xff])]),
  };
}

const EXPECTED = [
  ['data.txt', fingerprint(K.nul)],
  ['legacy.cfg', fingerprint(K.be)],
  ['logo.png', fingerprint(K.image)],
  ['notes.txt', fingerprint(K.bare)],
  ['script.ps1', fingerprint(K.le)],
];

function places(findings: Finding[]): Array<[string | undefined, string | undefined]> {
  return findings.map((f): [string | undefined, string | undefined] => [f.location?.file, f.secret?.fingerprint]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

describe('keys in files with NUL bytes or in UTF-16', () => {
  it('scan finds each, at its line and column, and exits 1', async () => {
    const p = makeProject();
    for (const [name, bytes] of Object.entries(files())) p.write(name, bytes);
    const r = await runCli(['scan', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Finding[]; checks: Array<{ note?: string }> };
    expect(places(report.findings)).toEqual(EXPECTED);
    expect(report.findings.map((f) => [f.location?.line, f.location?.column])).toEqual(EXPECTED.map(() => [2, 8]));
    expect(report.checks[0]!.note).toBe('Scanned 5 files.');
    for (const key of Object.values(K)) expect(r.stdout).not.toContain(key);
  });

  it('scan --history finds them in commits after the files are gone', async () => {
    const p = makeProject();
    for (const [name, bytes] of Object.entries(files())) p.write(name, bytes);
    p.commit('add');
    p.git('rm', '-q', '--', ...Object.keys(files()));
    p.commit('remove');
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Finding[] };
    expect(places(report.findings)).toEqual(EXPECTED);
    expect(report.findings.every((f) => f.rule === 'exposure.history')).toBe(true);
  });

  it('the pre-commit hook blocks a commit adding a key after one NUL byte', async () => {
    const p = makeProject();
    p.write('README.md', '# app\n');
    p.commit('init');
    expect((await runCli(['hook', 'install'], { cwd: p.dir })).code).toBe(0);
    p.write('data.txt', files()['data.txt']!);
    p.git('add', 'data.txt');
    const staged = await runCli(['scan', '--staged', '--json'], { cwd: p.dir });
    expect(staged.code).toBe(1);
    expect(places((JSON.parse(staged.stdout) as { findings: Finding[] }).findings)).toEqual([['data.txt', fingerprint(K.nul)]]);
    const commit = spawnSync('git', ['commit', '-q', '-m', 'adds a key'], { cwd: p.dir, env: gitEnv(), encoding: 'utf8' });
    expect(commit.status).not.toBe(0);
    expect(`${commit.stdout}${commit.stderr}`).toContain('keyward: commit blocked: it adds the key(s) listed above.');
    expect(p.git('log', '--format=%s').trim()).toBe('init');
  });
});
