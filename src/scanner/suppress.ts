import { join } from 'node:path';
import { gitignoreRules, type IgnoreRules } from './ignore-rules.js';
import type { Finding } from '../core/finding.js';
import { readRegularFileSync } from '../project/read.js';

/** Path patterns (.gitignore syntax) keyward never scans, in the project root. */
export const IGNORE_FILE = '.keywardignore';

/**
 * Fingerprints of known findings, one per line. Plain lines rather than JSON: two branches that
 * each add a key add two independent lines, and sorted random hex spreads them apart, so a merge
 * never conflicts over commas or a trailing bracket. No line numbers and no dates: nothing churns.
 */
export const BASELINE_FILE = '.keyward-baseline';

/** A FIFO, a device or a runaway file under these names is not read: they are never this large. */
const SETTINGS_MAX_BYTES = 4 * 1024 * 1024;

const FINGERPRINT = /^sha256:[0-9a-f]{12}$/;

/** The root's .keywardignore, or null when there is none. */
export function readKeywardIgnore(root: string): IgnoreRules | null {
  return readKeywardIgnoreFile(root)?.rules ?? null;
}

/** The root's .keywardignore with its text (what a scan's outcome depends on), or null when there is none. */
export function readKeywardIgnoreFile(root: string): { text: string; rules: IgnoreRules } | null {
  const read = readRegularFileSync(join(root, IGNORE_FILE), SETTINGS_MAX_BYTES);
  if (!read.ok) return null;
  const text = read.bytes.toString('utf8');
  return { text, rules: gitignoreRules(text) };
}

/** Fingerprints listed in the baseline file (empty when there is none); unknown lines are ignored. */
export function readBaseline(root: string): Set<string> {
  const read = readRegularFileSync(join(root, BASELINE_FILE), SETTINGS_MAX_BYTES);
  if (!read.ok) return new Set();
  const text = read.bytes.toString('utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const fp = line.split('#')[0]!.trim();
    if (FINGERPRINT.test(fp)) out.add(fp);
  }
  return out;
}

/** The baseline text for these findings: sorted, one fingerprint per line with the provider and redacted form as a comment. */
export function formatBaseline(findings: readonly Finding[]): string {
  const lines = new Map<string, string>();
  for (const f of findings) {
    if (f.secret) lines.set(f.secret.fingerprint, `${f.secret.fingerprint}  # ${f.secret.provider} ${f.secret.redacted}`);
  }
  const body = [...lines.keys()].sort().map((k) => lines.get(k)!);
  return ['# keyward baseline: keys already known and accepted; `keyward scan` does not report them again.', '# Written by `keyward scan --write-baseline`; one fingerprint per line, sorted.', ...body, ''].join('\n');
}

/** Splits findings into those reported and those whose key is in the baseline. */
export function applyBaseline(findings: readonly Finding[], baseline: ReadonlySet<string>): { kept: Finding[]; suppressed: number } {
  const kept = findings.filter((f) => !(f.secret && baseline.has(f.secret.fingerprint)));
  return { kept, suppressed: findings.length - kept.length };
}
