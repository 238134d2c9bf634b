import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli, type CliResult } from '../support/cli.js';
import { canaryKey, fakeKey } from '../support/keys.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';

// In one run the working tree is read first (or beside the history), and a file whose bytes hash to
// its blob's id proves what that blob holds: the history scan does not ask git for it again. These
// tests run the built bin with the real git behind a script that writes down every blob id the
// history asks `cat-file --batch` for, and passes everything on unchanged.

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/** A folder with `git`: the real one, with the history's cat-file requests (the call with --buffer) copied to `log`. */
function recordingGit(): { path: string; log: string; asked(): string[] } {
  const bin = tempDir('keyward-git-');
  const log = join(bin, 'asked.txt');
  const script = [
    '#!/bin/sh',
    'for a in "$@"; do',
    `  if [ "$a" = --buffer ]; then tee -a '${log}' | '${REAL_GIT}' "$@"; exit $?; fi`,
    'done',
    `exec '${REAL_GIT}' "$@"`,
    '',
  ].join('\n');
  execFileSync('sh', ['-c', `cat > '${bin}/git' && chmod +x '${bin}/git'`], { input: script });
  return {
    path: `${bin}:${process.env.PATH ?? ''}`,
    log,
    asked: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).sort() : []),
  };
}

const K = {
  tracked: canaryKey(),
  gone: fakeKey('xai', 'share-gone'),
  untracked: fakeKey('groq', 'share-untracked'),
  filtered: fakeKey('openai-project', 'share-filtered'),
};

interface JsonReport {
  findings: Finding[];
}

function brief(r: CliResult): Array<[string, string | undefined, string | null, boolean]> {
  const { findings } = JSON.parse(r.stdout) as JsonReport;
  return findings.map((f) => [f.rule, f.location?.file, f.secret?.fingerprint ?? null, f.detail.includes('git history')]);
}

/** Two commits, a tracked file edited since, an untracked file: HEAD's blobs of the files left as committed are the ones the working tree proves. */
function project(): { p: TestProject; unproven: string[] } {
  const p = makeProject();
  p.write('src/old.ts', `export const xai = "${K.gone}";\n`);
  p.write('src/b.ts', 'export const b = 1;\n');
  p.commit('first');
  const old = p.git('rev-parse', 'HEAD:src/old.ts').trim();
  const b1 = p.git('rev-parse', 'HEAD:src/b.ts').trim();
  p.git('rm', '-q', 'src/old.ts');
  p.write('src/a.ts', `export const apiKey = "${K.tracked}";\n`);
  p.write('src/b.ts', 'export const b = 2;\n');
  p.write('src/same.ts', 'export const same = true;\n');
  p.commit('second');
  const b2 = p.git('rev-parse', 'HEAD:src/b.ts').trim();
  p.write('src/b.ts', 'export const b = 3;\n');
  p.write('notes.md', `GROQ_API_KEY=${K.untracked}\n`);
  return { p, unproven: [old, b1, b2].sort() };
}

describe('the history takes the blobs the working tree proved (built bin, real git)', () => {
  it('asks git only for the blobs no file of the working tree holds, and reports the same', async () => {
    const { p, unproven } = project();
    const expected = [
      ['exposure.history', 'src/old.ts', fingerprint(K.gone), false],
      ['exposure.source-literal', 'notes.md', fingerprint(K.untracked), false],
      ['exposure.source-literal', 'src/a.ts', fingerprint(K.tracked), true],
    ];
    for (const flags of [[], ['--no-cache']]) {
      const git = recordingGit();
      const r = await runCli(['scan', '--history', '--json', ...flags], { cwd: p.dir, env: { PATH: git.path } });
      expect(r.code).toBe(1);
      expect(brief(r)).toEqual(expected);
      expect(git.asked()).toEqual(unproven);
    }
    // The second run takes every blob from the cache the first left, the shared ones included.
    const again = recordingGit();
    const cached = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { PATH: again.path } });
    expect(brief(cached)).toEqual(expected);
    expect(again.asked()).toEqual([]);
  });

  it('does the same in the doctor, whose history runs beside the working tree', async () => {
    const { p, unproven } = project();
    const git = recordingGit();
    const r = await runCli(['doctor', '--offline', '--json', '--no-cache'], { cwd: p.dir, env: { PATH: git.path } });
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as JsonReport;
    expect(findings.filter((f) => f.secret).map((f) => [f.rule, f.location?.file])).toEqual([
      ['exposure.history', 'src/old.ts'],
      ['exposure.source-literal', 'notes.md'],
      ['exposure.source-literal', 'src/a.ts'],
    ]);
    expect(git.asked()).toEqual(unproven);
  });

  it('proves blobs in a repository whose ids are SHA-256', async () => {
    const p = makeProject({ git: false });
    p.git('init', '-q', '--object-format=sha256', '-b', 'main');
    p.write('src/a.ts', `export const apiKey = "${K.tracked}";\n`);
    p.write('src/b.ts', 'export const b = 1;\n');
    p.commit('first');
    const b1 = p.git('rev-parse', 'HEAD:src/b.ts').trim();
    expect(b1).toHaveLength(64);
    p.write('src/b.ts', 'export const b = 2;\n');
    p.commit('second');
    const git = recordingGit();
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { PATH: git.path } });
    expect(brief(r)).toEqual([['exposure.source-literal', 'src/a.ts', fingerprint(K.tracked), true]]);
    expect(git.asked()).toEqual([b1]);
  });

  it('reads from git the blob of a file a filter changed on checkout, which holds other bytes', async () => {
    const p = makeProject();
    // What git-crypt does: the blob holds what the clean filter wrote (here rot13), the file the plain text.
    p.git('config', 'filter.rot13.clean', 'tr A-Za-z N-ZA-Mn-za-m');
    p.git('config', 'filter.rot13.smudge', 'tr A-Za-z N-ZA-Mn-za-m');
    p.write('.gitattributes', 'secret.env filter=rot13\n');
    p.write('secret.env', `OPENAI_API_KEY=${K.filtered}\n`);
    p.commit('encrypted');
    const blob = p.git('rev-parse', 'HEAD:secret.env').trim();
    expect(p.git('cat-file', 'blob', blob)).not.toContain(K.filtered);
    const git = recordingGit();
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { PATH: git.path } });
    // The key is in the file, not in history: no history finding, and no "also in git history".
    expect(brief(r)).toEqual([['exposure.source-literal', 'secret.env', fingerprint(K.filtered), false]]);
    expect(git.asked()).toContain(blob);
  });
});
