import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CheckResult, Finding } from '../../src/core/finding.js';
import { runCli } from './cli.js';
import { tempDir, type TestProject } from './repo.js';

// `keyward scan --history --json` run by the built bin behind a git that writes down each command
// it runs, for the tests of what a history scan keeps between runs: whether it walked, and how.

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/**
 * A folder with `git`: the real one, each call's arguments from its subcommand on (after the `-c`
 * settings and options) written to `calls`. keyward runs several git processes at once, and a
 * record is two writes: each is written under a lock on the log (flock, util-linux), released
 * before git starts. Without it two records could interleave into one and a call go missing
 * (3 of 200 in a run of 40 wrappers at once).
 */
function recordingGit(): { path: string; calls(): string[][] } {
  const bin = tempDir('keyward-git-');
  const log = join(bin, 'calls.txt');
  const script = ['#!/bin/sh', `exec 9>>'${log}'`, 'flock 9', `printf '%s\\0' "$@" >&9`, `printf '\\n' >&9`, 'exec 9>&-', `exec '${REAL_GIT}' "$@"`, ''].join('\n');
  execFileSync('sh', ['-c', `cat > '${bin}/git' && chmod +x '${bin}/git'`], { input: script });
  const calls = (): string[][] => {
    if (!existsSync(log)) return [];
    return readFileSync(log, 'utf8')
      .split('\0\n')
      .filter(Boolean)
      .map((line) => line.split('\0'))
      .map((args) => args.slice(args.findIndex((a, i) => !a.startsWith('-') && args[i - 1] !== '-c')));
  };
  return { path: `${bin}:${process.env.PATH ?? ''}`, calls };
}

export interface JsonReport {
  checks: CheckResult[];
  findings: Finding[];
}

export interface Run {
  code: number | null;
  report: JsonReport;
  /** Whether git walked the history (`git log`), the whole of it or only the commits a kept walk did not reach. */
  walked: boolean;
  /** The walks git ran, in order: `all` every commit, `new` the commits a kept walk did not reach (`--stdin` names those it reached). */
  walks: Array<'all' | 'new'>;
  /** How git was asked which blobs HEAD's tree holds: its whole listing (`ls-tree`), or a diff from the HEAD a kept walk read (`diff-tree`). */
  trees: Array<'ls-tree' | 'diff-tree'>;
}

export async function scan(p: TestProject, cwd = p.dir, ...flags: string[]): Promise<Run> {
  const git = recordingGit();
  const r = await runCli(['scan', '--history', '--json', ...flags], { cwd, env: { PATH: git.path } });
  expect(r.stderr).toBe('');
  const parsed = JSON.parse(r.stdout) as JsonReport;
  const walks = git
    .calls()
    .filter((args) => args[0] === 'log' && args.includes('--all'))
    .map((args) => (args.includes('--stdin') ? ('new' as const) : ('all' as const)));
  const trees = git
    .calls()
    .map((args) => args[0])
    .filter((c): c is 'ls-tree' | 'diff-tree' => c === 'ls-tree' || c === 'diff-tree');
  return { code: r.code, report: { findings: parsed.findings, checks: parsed.checks.map((c) => ({ ...c, durationMs: 0 })) }, walked: walks.length > 0, walks, trees };
}

/** The scan that reads everything, which every other report must equal. */
export const full = async (p: TestProject, cwd = p.dir): Promise<JsonReport> => (await scan(p, cwd, '--no-cache')).report;

/** Rule, file, key, commit and whether HEAD holds it: the history findings a person reads. */
export function history(r: Run): Array<[string | undefined, string | null, string | null | undefined, boolean | undefined]> {
  return r.report.findings.filter((f) => f.rule === 'exposure.history').map((f) => [f.location?.file, f.secret?.fingerprint ?? null, f.location?.commit, f.location?.inHead]);
}
