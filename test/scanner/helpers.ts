import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { createGitRunner } from '../../src/git/git.js';
import type { ScanOptions } from '../../src/scanner/index.js';
import { gitEnv } from '../support/repo.js';

/** Scan options for a test folder: real git, the test identity, no workers (sources run as TypeScript). */
export function optionsFor(root: string, extra: Partial<ScanOptions> = {}): ScanOptions {
  const env = gitEnv();
  return { root, git: createGitRunner(env), env, workers: 1, ...extra };
}

/** 1-based line and column of `needle` in `text` (ASCII text). */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error('needle not in text');
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { line, column: i - before.lastIndexOf('\n') };
}

/** The comparable shape of a finding: rule, place and key fingerprint. */
export function brief(f: Finding): { rule: string; file: string | undefined; line: number | undefined; column: number | undefined; fp: string | undefined } {
  return { rule: f.rule, file: f.location?.file, line: f.location?.line, column: f.location?.column, fp: f.secret?.fingerprint };
}

/** Sorted briefs, so tests compare sets of findings. */
export function briefs(findings: readonly Finding[]): ReturnType<typeof brief>[] {
  return findings.map(brief).sort((a, b) => `${a.rule}${a.file}${a.line}`.localeCompare(`${b.rule}${b.file}${b.line}`));
}

export { fingerprint };
