import type { Severity } from './severity.js';

export type Category = 'missing' | 'exposure' | 'permission' | 'hygiene';

/** Where a finding was seen; `file` is relative to the project root. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
  /** Earliest commit that introduced the text; null for the working tree. */
  commit?: string | null;
  inHead?: boolean;
}

/** The key a finding is about, never the key itself. */
export interface SecretRef {
  provider: string;
  kind: string;
  fingerprint: string;
  redacted: string;
  /** True when this is the key the project is configured to use now. */
  active: boolean;
  /** What the provider's free auth call said of a leaked key (`scan --verify`, the doctor online); absent when not checked. */
  live?: Liveness;
}

/** A leaked key as its provider sees it now: accepted, rejected as invalid, or not known (no free call, no answer). */
export type Liveness = 'live' | 'revoked' | 'unknown';

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
  location?: Location;
  secret?: SecretRef;
  /** In a monorepo: the app folder (relative to the root) the finding belongs to; absent for repository-wide ones. */
  app?: string;
}

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error';

/** One entry of the report's `checks` array. */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  durationMs: number;
  note?: string;
  /** In a monorepo: the app folder this check ran for. */
  app?: string;
}
