import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

// `keyward scan` splits a big working tree between this thread and a helper thread (from 2,000
// files, when a core is idle, or as KEYWARD_SCAN_THREADS says). Whichever thread reads which
// batch, the report is the same, in the same order, read errors included.

const K = {
  first: fakeKey('openai-project', 'split-first'),
  middle: fakeKey('anthropic', 'split-middle'),
  last: fakeKey('mistral', 'split-last'),
  untracked: fakeKey('groq', 'split-untracked'),
  bundle: fakeKey('gemini', 'split-bundle'),
};

/** Files enough for a helper thread (it joins from 2,000), keys spread over the batches, two files the scan cannot read. */
function bigProject() {
  const p = makeProject();
  chmodSync(p.dir, 0o755);
  p.write('.gitignore', 'dist/\n');
  for (let i = 0; i < 2100; i += 1) {
    const name = `a/${String(i).padStart(4, '0')}.ts`;
    p.write(name, `export const v${i} = ${i}; // ${i % 10 === 0 ? 'together with azure' : 'plain'}\n`);
  }
  p.write('a/0003.ts', `export const client = { apiKey: "${K.first}" };\n`);
  p.write('a/1234.ts', `// settings\nconst anthropic = "${K.middle}";\n`);
  p.write('a/2097.ts', `\n\nMISTRAL_API_KEY = "${K.last}"\n`);
  p.write('a/0500-locked.ts', 'export const hidden = 1;\n', 0o600);
  p.write('z/locked.txt', 'private\n', 0o600);
  p.write('package-lock.json', '{"lockfileVersion": 3}\n');
  p.commit('many files');
  p.write('notes/todo.md', `GROQ_API_KEY=${K.untracked}\n`);
  p.write('dist/app.js', `var k="${K.bundle}";\n`);
  return p;
}

interface JsonReport {
  durationMs: number;
  checks: CheckResult[];
  findings: Finding[];
}

/** The report without its timings. */
function withoutTimings(stdout: string): JsonReport {
  const report = JSON.parse(stdout) as JsonReport;
  return { ...report, durationMs: 0, checks: report.checks.map((c) => ({ ...c, durationMs: 0 })) };
}

describe('keyward scan on a tree split between two threads (built bin)', () => {
  it.skipIf(process.getuid?.() !== 0)('gives one thread\'s report, in order, with the files it could not read named', async () => {
    const p = bigProject();
    // Run as nobody, so the two files only root may read are read errors.
    const run = (threads: string) => runCli(['scan', '--json'], { cwd: p.dir, uid: 65534, env: { HOME: '/tmp', KEYWARD_SCAN_THREADS: threads } });
    const one = await run('1');
    const two = await run('2');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(two.stderr).toBe(one.stderr);
    const report = withoutTimings(one.stdout);
    expect(withoutTimings(two.stdout)).toEqual(report);
    expect(two.stdout.replace(/"durationMs": \d+/g, '')).toBe(one.stdout.replace(/"durationMs": \d+/g, ''));

    expect(report.findings.map((f) => [f.rule, f.location?.file, f.location?.line, f.secret?.fingerprint ?? null])).toEqual([
      ['exposure.bundle', 'dist/app.js', 1, fingerprint(K.bundle)],
      ['exposure.source-literal', 'a/0003.ts', 1, fingerprint(K.first)],
      ['exposure.source-literal', 'a/1234.ts', 2, fingerprint(K.middle)],
      ['exposure.source-literal', 'a/2097.ts', 3, fingerprint(K.last)],
      ['exposure.source-literal', 'notes/todo.md', 1, fingerprint(K.untracked)],
      ['exposure.scan-incomplete', undefined, undefined, null],
    ]);
    expect(report.findings.map((f) => f.location?.inHead)).toEqual([false, true, true, true, false, undefined]);
    expect(report.findings.at(-1)!.detail).toBe('keyward could not read "a/0500-locked.ts", "z/locked.txt", so they were not scanned for keys.');
    expect(report.checks.map((c) => [c.id, c.status, c.note])).toEqual([
      ['exposure.worktree', 'error', 'Scanned 2103 files. Skipped 3: 1 lockfile, 2 unreadable. Could not read "a/0500-locked.ts" (EACCES), "z/locked.txt" (EACCES).'],
    ]);
  });
});
