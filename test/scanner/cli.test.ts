import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { canaryKey, fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';
import { briefs, optionsFor } from './helpers.js';

// These run the built bin (`npm run build` first), as a user or a hook would.
// The official schema has one pattern (language tags) that is invalid as a /u regex, hence unicodeRegExp: false.
const require = createRequire(import.meta.url);
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

function leakyProject() {
  const p = makeProject({ name: 'leaky' });
  const canary = canaryKey();
  const other = fakeKey('anthropic', 'cli');
  p.write('src/app.ts', `export const key = "${canary}";\n`);
  p.write('old.json', `{"k": "${other}"}\n`);
  p.commit('init');
  p.git('rm', '-q', 'old.json');
  p.commit('remove');
  return { p, canary, other };
}

describe('keyward scan (built bin)', () => {
  it('prints a text list with location, rule, redacted key, fingerprint and fix, and exits 1', async () => {
    const { p, canary } = leakyProject();
    const r = await runCli(['scan'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('at src/app.ts:1:21');
    expect(r.stdout).toContain(`key: sk-proj-…${canary.slice(-4)} ${fingerprint(canary)}`);
    expect(r.stdout).toContain('fix: Rotate the key');
    expect(r.stdout).toContain('keys in the working tree');
    expect(r.stdout + r.stderr).not.toContain(canary);
  });

  it('--json prints the keyward.report/v1 document with exposure findings only and no keys', async () => {
    const { p, canary, other } = leakyProject();
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { schema: string; root: string; keys: unknown[]; summary: { critical: number; failed: boolean }; checks: Array<{ id: string }>; findings: Array<{ rule: string; category: string; location: { file: string; commit: string | null }; secret: { fingerprint: string } }> };
    expect(report.schema).toBe('keyward.report/v1');
    expect(report.root).toBe(p.dir);
    expect(report.keys).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(['exposure.worktree', 'exposure.history']);
    expect(report.findings.map((f) => [f.rule, f.location.file, f.secret.fingerprint])).toEqual([
      ['exposure.history', 'old.json', fingerprint(other)],
      ['exposure.source-literal', 'src/app.ts', fingerprint(canary)],
    ]);
    expect(report.findings.every((f) => f.category === 'exposure')).toBe(true);
    expect(report.summary).toMatchObject({ critical: 2, failed: true });
    expect(r.stdout + r.stderr).not.toContain(canary);
    expect(r.stdout).not.toContain(other);
  });

  it('exits 0 on a clean project and honours --fail-on', async () => {
    const p = makeProject();
    p.write('a.ts', 'export const a = 1;\n');
    expect((await runCli(['scan'], { cwd: p.dir })).code).toBe(0);
    p.write('src/client.ts', 'new OpenAI({ dangerouslyAllowBrowser: true });\n'); // keyward:allow (fixture)
    expect((await runCli(['scan'], { cwd: p.dir })).code).toBe(1);
    expect((await runCli(['scan', '--fail-on', 'critical'], { cwd: p.dir })).code).toBe(0);
  });

  it('--write-baseline accepts current keys: the file is sorted fingerprints, and the next scan passes', async () => {
    const { p, canary } = leakyProject();
    p.write('b.ts', `export const k = "${fakeKey('groq', 'b')}";\n`);
    const w = await runCli(['scan', '--history', '--write-baseline'], { cwd: p.dir });
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/Wrote 3 key fingerprints to \.keyward-baseline/);
    const text = readFileSync(join(p.dir, '.keyward-baseline'), 'utf8');
    const fps = text.split('\n').filter((l) => l.startsWith('sha256:')).map((l) => l.split(' ')[0]);
    expect(fps).toEqual([...fps].sort());
    expect(fps).toHaveLength(3);
    expect(text).not.toContain(canary);
    expect((await runCli(['scan', '--history'], { cwd: p.dir })).code).toBe(0);
    const again = await runCli(['scan', '--history', '--write-baseline'], { cwd: p.dir });
    expect(again.code).toBe(0);
    expect(readFileSync(join(p.dir, '.keyward-baseline'), 'utf8')).toBe(text);
  });

  it('--staged checks only the index, for a pre-commit hook', async () => {
    const p = makeProject();
    p.write('a.ts', 'export const a = 1;\n');
    p.commit('init');
    p.write('leak.ts', `export const k = "${canaryKey()}";\n`);
    expect((await runCli(['scan', '--staged'], { cwd: p.dir })).code).toBe(0);
    p.git('add', 'leak.ts');
    const r = await runCli(['scan', '--staged', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { checks: Array<{ id: string }> }).checks.map((c) => c.id)).toEqual(['exposure.staged']);
    expect(r.stdout).not.toContain(canaryKey());
  });

  it('--sarif writes SARIF 2.1.0 that validates against the official schema, with rules and fingerprints', async () => {
    const { p, canary } = leakyProject();
    p.write('src/client.ts', 'new OpenAI({ dangerouslyAllowBrowser: true });\n'); // keyward:allow (fixture)
    // keyward creates no folder for a report (a typo must not build a tree): out/ exists first.
    p.write('out/.keep', '');
    const r = await runCli(['scan', '--history', '--sarif', 'out/keyward.sarif'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const text = readFileSync(join(p.dir, 'out/keyward.sarif'), 'utf8');
    expect(text).not.toContain(canary);
    const sarif = JSON.parse(text) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; partialFingerprints?: Record<string, string> }> }> };
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    const valid = ajv.validate(SARIF_SCHEMA, sarif);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(['exposure.browser-client', 'exposure.history', 'exposure.source-literal']);
    const literal = run.results.find((x) => x.ruleId === 'exposure.source-literal')!;
    expect(literal.partialFingerprints?.['keyward/secret/v1']).toBe(fingerprint(canary));
  });

  it('scans a big tree and finds the same with worker threads as with one thread', async () => {
    const p = makeProject();
    const keys = Array.from({ length: 6 }, (_, i) => fakeKey('groq', `w${i}`));
    for (let i = 0; i < 600; i += 1) p.write(`src/m${i}.ts`, `export const v${i} = ${i};\n${i % 100 === 0 ? `const k = "${keys[i / 100]}";\n` : ''}`);
    p.commit('many files');
    const r = await runCli(['scan', '--json'], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as { findings: Array<{ location: { file: string }; secret: { fingerprint: string } }>; checks: Array<{ note: string }> };
    expect(report.findings.map((f) => [f.location.file, f.secret.fingerprint]).sort()).toEqual(keys.map((k, i) => [`src/m${i * 100}.ts`, fingerprint(k)]).sort());
    expect(report.checks[0]!.note).toMatch(/^Scanned 600 files\./);
    // Workers exist only in the build (they load dist/scanner/worker.js), so the built module is driven directly.
    const built = (await import(new URL('../../dist/scanner/index.js', import.meta.url).href)) as typeof import('../../src/scanner/index.js');
    const one = optionsFor(p.dir, { workers: 1 });
    const two = optionsFor(p.dir, { workers: 2 });
    const strip = (x: { findings: Finding[] }) => briefs(x.findings);
    expect(strip(await built.scanWorktree(two))).toEqual(strip(await built.scanWorktree(one)));
    expect(strip(await built.scanHistory(two))).toEqual(strip(await built.scanHistory(one)));
    expect((await built.scanHistory(two)).findings).toHaveLength(6);
  });

  it('--json says which keys HEAD holds: committed, edited, staged only, untracked, deleted; none without commits; no inHead outside git', async () => {
    type Located = { findings: Array<{ location: { file: string; inHead?: boolean }; secret: { fingerprint: string } }> };
    const places = async (dir: string) => {
      const r = await runCli(['scan', '--json'], { cwd: dir });
      return (JSON.parse(r.stdout) as Located).findings.map((f) => [f.location.file, f.secret.fingerprint, f.location.inHead]);
    };
    const k = Array.from({ length: 6 }, (_, i) => fakeKey('groq', `head${i}`));
    const p = makeProject();
    p.write('committed.ts', `export const a = "${k[0]}";\n`);
    p.write('edited.ts', `export const b = "${k[1]}";\n`);
    p.write('deleted.ts', `export const c = "${k[2]}";\n`);
    p.commit('keys');
    p.write('edited.ts', `export const b = "${k[3]}";\n`);
    p.write('staged.ts', `export const d = "${k[4]}";\n`);
    p.git('add', 'staged.ts');
    p.write('untracked.ts', `export const e = "${k[5]}";\n`);
    rmSync(join(p.dir, 'deleted.ts'));
    expect(await places(p.dir)).toEqual([
      ['committed.ts', fingerprint(k[0]!), true],
      ['edited.ts', fingerprint(k[3]!), false],
      ['staged.ts', fingerprint(k[4]!), false],
      ['untracked.ts', fingerprint(k[5]!), false],
    ]);
    const fresh = makeProject();
    fresh.write('a.ts', `export const a = "${k[0]}";\n`);
    fresh.git('add', 'a.ts');
    expect(await places(fresh.dir)).toEqual([['a.ts', fingerprint(k[0]!), false]]);
    const plain = makeProject({ git: false });
    plain.write('a.ts', `export const a = "${k[0]}";\n`);
    expect(await places(plain.dir)).toEqual([['a.ts', fingerprint(k[0]!), undefined]]);
  });

  it('reads a key past the first megabyte of a file, an empty file, and skips a file over the limit by its size', async () => {
    const p = makeProject();
    const key = fakeKey('xai', 'far');
    p.write('big.js', `${'// filler line of a big generated file\n'.repeat(40_000)}const k = "${key}";\n`);
    p.write('empty.ts', '');
    p.write('small.ts', 'export const a = 1;\n');
    p.write('huge.txt', Buffer.alloc(9 * 1024 * 1024, 0x61));
    p.commit('files');
    const r = await runCli(['scan', '--json'], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as { findings: Array<{ location: { file: string; line: number; column: number } }>; checks: Array<{ note: string }> };
    expect(report.findings.map((f) => [f.location.file, f.location.line, f.location.column])).toEqual([['big.js', 40_001, 12]]);
    expect(report.checks[0]!.note).toBe('Scanned 3 files. Skipped 1: 1 over the size limit.');
  });

  it('rejects a missing path and contradicting flags with exit 2', async () => {
    const p = makeProject();
    expect((await runCli(['scan', 'nope'], { cwd: p.dir })).code).toBe(2);
    expect((await runCli(['scan', '--staged', '--history'], { cwd: p.dir })).code).toBe(2);
  });
});
