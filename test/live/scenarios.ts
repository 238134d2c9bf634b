import { expect } from 'vitest';
import type { CallReport, Report } from '../../src/core/report.js';
import type { CliResult } from '../support/cli.js';
import type { Scenario } from '../support/fake-provider.js';
import type { FakeKind } from '../support/keys.js';

// Every row of the research file's tables, as a scenario of the fake provider and what keyward
// must make of it: shared by the `keyward test` and `keyward doctor` end-to-end tables.

/** The canary: no part of the key but its prefix and last four may appear anywhere. */
export function expectNoKey(r: CliResult, key: string): void {
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(key);
    expect(out).not.toContain(key.slice(8, 24));
    expect(out).not.toContain(key.slice(-16, -4));
  }
}

export function parse(r: CliResult): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

export interface Row {
  scenario: Scenario;
  provider?: string;
  kind?: FakeKind | 'azure';
  /** Each call's rule, or 'ok', or 'skipped'. */
  calls: string[];
  exit: 0 | 1;
  env?: Record<string, string>;
  args?: string[];
  /** Severity of the first finding, where it is not the rule's default. */
  severity?: string;
  says?: RegExp;
}

export const VARIABLE: Record<string, string> = {
  openai: 'OPENAI_API_KEY', gemini: 'GEMINI_API_KEY', mistral: 'MISTRAL_API_KEY', xai: 'XAI_API_KEY', openrouter: 'OPENROUTER_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY', anthropic: 'ANTHROPIC_API_KEY', 'azure-openai': 'AZURE_OPENAI_API_KEY',
};
export const KIND: Record<string, FakeKind | 'azure'> = {
  openai: 'openai-project', gemini: 'gemini', mistral: 'mistral', xai: 'xai', openrouter: 'openrouter', deepseek: 'deepseek', anthropic: 'anthropic', 'azure-openai': 'azure',
};

export const S = 'skipped';
export const rows: Row[] = [
  { scenario: 'ok', calls: ['ok', 'ok', 'ok'], exit: 0 },
  { scenario: 'invalid-key', calls: ['permission.invalid-key', S, S], exit: 1, says: /echoed the same prefix and last four/ },
  { scenario: 'other-key', calls: ['permission.invalid-key', S, S], exit: 1, says: /received another key/ },
  { scenario: 'echo-full-key', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'echo-undefined', calls: ['permission.invalid-key', S, S], exit: 1, says: /"undefined" instead of a key/ },
  { scenario: 'no-key-sent', calls: ['permission.no-key-sent', S, S], exit: 1 },
  { scenario: 'org-mismatch', calls: ['permission.org-mismatch', S, S], exit: 1, env: { OPENAI_ORG_ID: 'org-not-yours' }, says: /Unset OPENAI_ORG_ID/ },
  { scenario: 'project-mismatch', calls: ['permission.project-mismatch', S, S], exit: 1, env: { OPENAI_PROJECT_ID: 'proj_not_yours' }, says: /Unset OPENAI_PROJECT_ID/ },
  { scenario: 'ip-not-allowed', calls: ['permission.ip-not-allowed', S, S], exit: 1 },
  { scenario: 'scope-listing', calls: ['permission.missing-scope', 'ok', 'ok'], exit: 0, severity: 'medium', says: /inference works/ },
  { scenario: 'scope-request', calls: ['ok', 'permission.missing-scope', 'permission.missing-scope'], exit: 1, says: /model\.request/ },
  { scenario: 'region', calls: ['permission.region', S, S], exit: 1 },
  { scenario: 'model-not-found', calls: ['ok', 'permission.model-access', 'permission.model-access'], exit: 1, args: ['--model', 'gpt-x'], says: /gpt-x/ },
  { scenario: 'quota', calls: ['ok', 'permission.quota', S], exit: 1 },
  { scenario: 'credit-exhausted', calls: ['ok', 'permission.quota', S], exit: 1 },
  { scenario: 'spend-limit', calls: ['ok', 'permission.quota', S], exit: 1 },
  { scenario: 'rate-limit', calls: ['permission.rate-limit', 'permission.rate-limit', 'permission.rate-limit'], exit: 0, says: /requests reset in 6m 0s/ },
  { scenario: 'too-large', calls: ['ok', 'permission.rate-limit', 'permission.rate-limit'], exit: 0, says: /Shrink the input/ },
  { scenario: 'server-error', calls: ['permission.server', 'permission.server', 'permission.server'], exit: 0 },
  { scenario: 'overloaded', calls: ['permission.server', 'permission.server', 'permission.server'], exit: 0 },
  { scenario: 'html-502', calls: ['permission.server', 'permission.server', 'permission.server'], exit: 0, says: /HTML page/ },
  { scenario: 'html-200', calls: ['permission.base-url', S, S], exit: 1, says: /Hotel WiFi/ },
  { scenario: 'deactivated', calls: ['permission.account', S, S], exit: 1 },
  { scenario: 'no-organization', calls: ['permission.account', S, S], exit: 1 },
  { scenario: 'mid-stream', calls: ['ok', 'ok', 'permission.server'], exit: 0, says: /broke off/ },
  { scenario: 'drop', calls: ['permission.network', S, S], exit: 1, says: /dropped/ },
  { scenario: 'slow', calls: ['permission.timeout', S, S], exit: 0, args: ['--timeout', '0.5'] },
  { scenario: 'string-error', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'ollama-missing-model', calls: ['ok', 'permission.model-access', 'permission.model-access'], exit: 1 },
  { scenario: 'gemini-invalid', provider: 'gemini', calls: ['permission.invalid-key', S, S], exit: 1, says: /API key not valid/ },
  { scenario: 'mistral-message', provider: 'mistral', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'mistral-detail', provider: 'mistral', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'xai-invalid', provider: 'xai', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'azure-invalid', provider: 'azure-openai', calls: ['permission.invalid-key', S, S], exit: 1, says: /endpoint too/ },
  { scenario: 'openrouter-credits', provider: 'openrouter', calls: ['ok', 'permission.quota', S], exit: 1 },
  { scenario: 'openrouter-no-auth', provider: 'openrouter', calls: ['permission.no-key-sent', S, S], exit: 1 },
  { scenario: 'deepseek-invalid', provider: 'deepseek', calls: ['permission.invalid-key', S, S], exit: 1 },
  { scenario: 'deepseek-balance', provider: 'deepseek', calls: ['ok', 'permission.quota', S], exit: 1 },
  { scenario: 'anthropic-invalid', provider: 'anthropic', calls: ['permission.invalid-key', S, S], exit: 1 },
];

export function outcome(c: CallReport): string {
  if (c.skipped) return S;
  return c.ok ? 'ok' : String(c.rule);
}

