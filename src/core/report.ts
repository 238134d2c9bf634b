import type { CheckResult, Finding } from './finding.js';
import { isAtLeast, SEVERITIES, severityRank, type Severity } from './severity.js';
import { compareText } from './text-order.js';

/** One entry of `shadows`: a different key that lost to the winner. */
export interface ShadowedKey {
  source: KeySourceKind;
  file: string | null;
  fingerprint: string;
}

export type KeySourceKind = 'env' | 'dotenv' | 'keychain';

/** One entry of the report's `keys` array: the key that wins for a provider. */
export interface ResolvedKeyReport {
  provider: string;
  variable: string;
  source: KeySourceKind;
  file: string | null;
  account: string | null;
  fingerprint: string;
  redacted: string;
  kind: string;
  shadows: ShadowedKey[];
  /** In a monorepo: the app folder whose key this is. */
  app?: string;
}

/** One provider an app uses and the evidence for it (`dependency @ai-sdk/google`, `src/chat.ts reads GOOGLE_GEMINI_API_KEY`). */
export interface ProviderUse {
  id: string;
  evidence: string[];
  /** The variables this app reads for the provider, the one its code or SDK reads first first. */
  variables: string[];
  /** Marked optional by a template or by configuration: a missing key is a note, not a problem. */
  optional: boolean;
}

/**
 * What keyward thinks an app is (design.md turn 2: `project` and `apps[]`): every report carries the
 * project; a monorepo also lists each app. `path` is relative to the root, `.` for the root itself.
 */
export interface AppReport {
  path: string;
  name: string;
  language: 'node' | 'python' | 'unknown';
  framework: string;
  providers: ProviderUse[];
  /** `.env*` files the app loads in the current mode, winner first, relative to the root. */
  envFiles: string[];
  /** Template files (`.env.example`, `.env.local.example`, …), relative to the root. */
  templates: string[];
}

/** One entry of the report's `calls` array (live test calls). */
export interface CallReport {
  name: string;
  provider?: string;
  request: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  requestId?: string;
  model?: string;
  rule?: string;
  [extra: string]: unknown;
}

export interface Summary {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  failed: boolean;
}

/** design.md's `keyward.report/v1`. */
export interface Report {
  schema: 'keyward.report/v1';
  tool: { name: 'keyward'; version: string };
  root: string;
  durationMs: number;
  summary: Summary;
  checks: CheckResult[];
  keys: ResolvedKeyReport[];
  findings: Finding[];
  calls?: CallReport[];
  /** What keyward thinks the project at the root is, for every report (a monorepo's root too). */
  project?: AppReport;
  /** Present for a monorepo: its apps; `keys`, `findings` and `checks` then carry `app`. */
  apps?: AppReport[];
}

/**
 * Counts findings per severity; `failed` is true when one is at or above the threshold.
 * `ignoredForFailure` names rules that are reported but cannot fail the run (network trouble in a CI gate).
 */
export function summarize(findings: readonly Finding[], failOn: Severity, ignoredForFailure: ReadonlySet<string> = new Set()): Summary {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity] += 1;
  return { ...counts, failed: findings.some((f) => isAtLeast(f.severity, failOn) && !ignoredForFailure.has(f.rule)) };
}

/** Most severe first, then by rule and place, so reports are stable across runs. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      compareText(a.rule, b.rule) ||
      compareText(a.location?.file ?? '', b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
}
