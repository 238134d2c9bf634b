import type { Finding } from '../core/finding.js';
import type { CallReport, ResolvedKeyReport } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import type { Provider } from '../providers/index.js';
import type { KeychainProblem } from '../stores/keychain-backend.js';

/** Step 1: what is here, shown at once: the project, and its keys in the environment and `.env*` files. */
export interface Survey {
  root: string;
  project: string;
  git: 'repo' | 'none' | 'broken';
  used: Array<{ provider: string; reasons: string[] }>;
  keys: ResolvedKeyReport[];
}

/**
 * Step 1's end: the OS keychain, which answers later (its helper is a process of its own), so it
 * is shown after the provider question and before the store question. `keys`: each provider's key
 * as keyward resolves it where the keychain holds one.
 */
export interface KeychainSurvey {
  status: { usable: true } | { usable: false; problem: KeychainProblem };
  keys: ResolvedKeyReport[];
}

/** What the wizard changed, for the last screen. */
export interface SetupChange {
  what: string;
  /** A warning that goes with it (a committed key must be rotated). */
  warning?: string;
}

/** Step 6: how the app gets the key. */
export interface LoadAdvice {
  store: 'keychain' | 'dotenv';
  variable: string;
  file: string | null;
  lines: Array<{ label: string; code: string }>;
}

/** What the wizard shows; the Ink and the plain-text views both implement it. */
export interface SetupView {
  survey(s: Survey): void;
  keychain(k: KeychainSurvey): void;
  /** A message about the key or a choice: `warn` explains a risk, `error` a refusal. */
  note(level: 'info' | 'ok' | 'warn' | 'error', text: string): void;
  /**
   * Runs the test calls with progress on screen (elapsed seconds and the timeout); the view is gone
   * from stdin before any prompt. An abort of `interrupt` (Ctrl-C) erases the progress and rejects
   * with a `cancelled` error.
   */
  testCalls(target: TestTarget, run: (onCall: (call: CallReport) => void) => Promise<TestResults>, interrupt?: AbortSignal): Promise<TestResults>;
  done(changes: SetupChange[], advice: LoadAdvice): void;
}

export type TestResults = Array<{ call: CallReport; finding: Finding | null }>;

/** What the test calls are aimed at, for the progress line. */
export interface TestTarget {
  provider: Provider;
  key: Secret;
  baseURL: string;
  /** Each call gives up after this long. */
  timeoutMs: number;
}

/** Runs the sync and async test calls for a key. */
export interface KeyTester {
  /** The base URL the calls go to; null when the provider has no API keyward can call (Replicate, Azure without an endpoint). */
  endpoint(provider: Provider): string | null;
  /** How long each call waits for an answer (`--timeout`). */
  timeoutMs: number;
  /** `given`: how the key arrived, so a finding speaks of "the key you pasted". */
  run(provider: Provider, key: Secret, onCall: (call: CallReport) => void, given: 'pasted' | 'stdin'): Promise<TestResults>;
}

/** The pre-commit hook, offered at the end of the wizard. */
export interface HookPort {
  /** True when the hook can be installed here and is not yet. */
  offered(): Promise<boolean>;
  /** Installs it and says what was done. */
  install(): Promise<string>;
}
