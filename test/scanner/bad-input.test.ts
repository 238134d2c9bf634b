import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { scanHistory, scanWorktree } from '../../src/scanner/index.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, tempDir } from '../support/repo.js';
import { optionsFor } from './helpers.js';

describe('bad input: skipped or reported with a reason, never a crash or a hang', () => {
  it('reads invalid UTF-8 as bytes and still finds the key at the right line', async () => {
    const p = makeProject();
    const key = fakeKey('groq', 'utf8');
    p.write('weird.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`k=${key}\n`)]));
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.findings.map((f) => [f.location?.file, f.location?.line, f.location?.column, f.secret?.fingerprint])).toEqual([['weird.txt', 2, 3, fingerprint(key)]]);
  });

  it('searches binaries (NUL bytes) for keys and skips a 2 GB sparse file by size', async () => {
    const p = makeProject();
    const key = fakeKey('xai', 'bin');
    p.write('image.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(key)]));
    p.write('huge.txt', '');
    execFileSync('truncate', ['-s', '2G', join(p.dir, 'huge.txt')]);
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.findings.map((f) => [f.location?.file, f.secret?.fingerprint])).toEqual([['image.bin', fingerprint(key)]]);
    expect(r.checks[0]!.note).toBe('Scanned 1 file. Skipped 1: 1 over the size limit.');
  });

  it('names a symlink loop and does not follow links', async () => {
    const p = makeProject({ git: false });
    const key = fakeKey('anthropic', 'link');
    mkdirSync(join(p.dir, 'real'));
    writeFileSync(join(p.dir, 'real/key.txt'), `${key}\n`);
    symlinkSync('loop', join(p.dir, 'loop'));
    symlinkSync('real', join(p.dir, 'alias'));
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.findings.map((f) => f.location?.file)).toEqual(['real/key.txt']);
    expect(r.checks[0]!.note).toContain('Could not read "loop" (symlink-loop)');
  });

  it('scans a folder without read permission when it can (root can) and reports it when it cannot', async () => {
    const p = makeProject({ git: false });
    const key = fakeKey('gemini', 'locked');
    p.write('locked/key.txt', `${key}\n`);
    chmodSync(join(p.dir, 'locked'), 0o000);
    let readable = true;
    try {
      readdirSync(join(p.dir, 'locked'));
    } catch {
      readable = false;
    }
    const r = await scanWorktree(optionsFor(p.dir));
    chmodSync(join(p.dir, 'locked'), 0o755);
    if (readable) expect(r.findings.map((f) => f.location?.file)).toEqual(['locked/key.txt']);
    else expect(r.checks[0]!.note).toContain('"locked" (EACCES)');
  });

  it('handles paths with newlines and non-ASCII characters', async () => {
    const p = makeProject();
    const a = fakeKey('openrouter', 'nl');
    const b = fakeKey('groq', 'uni');
    p.write('odd\nname.txt', `${a}\n`);
    p.write('clé/ключ.ts', `const k = "${b}";\n`);
    p.commit('odd names');
    const wt = await scanWorktree(optionsFor(p.dir));
    expect(wt.findings.map((f) => f.location?.file).sort()).toEqual(['clé/ключ.ts', 'odd\nname.txt']);
    const h = await scanHistory(optionsFor(p.dir));
    expect(h.findings.map((f) => f.location?.file).sort()).toEqual(['clé/ключ.ts', 'odd\nname.txt']);
  });

  it('reports a shallow clone as a gap of the history', async () => {
    const src = makeProject();
    const key = fakeKey('xai', 'shallow');
    src.write('a.txt', `${key}\n`);
    src.commit('one');
    src.write('a.txt', 'gone\n');
    src.commit('two');
    const dir = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${src.dir}`, dir], { env: gitEnv() });
    const r = await scanHistory(optionsFor(dir));
    expect(r.findings.map((f) => [f.rule, f.title])).toEqual([['exposure.scan-incomplete', 'Git history not fully scanned: this is a shallow clone']]);
    expect(r.checks[0]!.note).toMatch(/shallow clone/);
  });

  it('leaves a submodule to its own scan and says so', async () => {
    const sub = makeProject();
    sub.write('k.txt', `${fakeKey('groq', 'sub')}\n`);
    sub.commit('sub');
    const p = makeProject();
    p.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    p.commit('add submodule');
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.findings).toEqual([]);
    expect(r.checks[0]!.note).toMatch(/1 submodule or nested repository/);
  });

  it('scans the history of a bare repository and skips its missing working tree', async () => {
    const src = makeProject();
    const key = fakeKey('anthropic', 'bare');
    src.write('a.txt', `${key}\n`);
    src.commit('one');
    const dir = join(tempDir(), 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', src.dir, dir], { env: gitEnv() });
    const wt = await scanWorktree(optionsFor(dir));
    expect(wt.checks[0]).toMatchObject({ status: 'skip' });
    const h = await scanHistory(optionsFor(dir));
    expect(h.findings.map((f) => f.secret?.fingerprint)).toEqual([fingerprint(key)]);
  });

  it('reports a corrupted pack as an error of the history check', async () => {
    const p = makeProject();
    for (let i = 0; i < 5; i += 1) {
      p.write(`f${i}.txt`, `${'data '.repeat(200)}${i}\n`);
      p.commit(`c${i}`);
    }
    p.git('gc', '-q');
    const packDir = join(p.dir, '.git/objects/pack');
    const pack = readdirSync(packDir).find((n) => n.endsWith('.pack'))!;
    const path = join(packDir, pack);
    chmodSync(path, 0o644);
    const bytes = execFileSync('cat', [path]);
    for (let i = 200; i < bytes.length - 40; i += 97) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(path, bytes);
    const r = await scanHistory(optionsFor(p.dir));
    expect(r.checks[0]).toMatchObject({ id: 'exposure.history', status: 'error' });
    expect(r.checks[0]!.note).toMatch(/Git history not fully scanned/);
    expect(r.findings.map((f) => f.rule)).toContain('exposure.scan-incomplete');
  });
});
