import type { Category, Finding } from './finding.js';
import type { Severity } from './severity.js';

export interface RuleInfo {
  category: Category;
  severity: Severity;
  /** One line for help texts and SARIF rule metadata. */
  summary: string;
}

/** design.md's rule table. Ids are a contract: renaming one is a breaking change. */
export const RULES = {
  'missing.key': { category: 'missing', severity: 'high', summary: 'A provider the project uses has no key in any source.' },
  'missing.empty': { category: 'missing', severity: 'high', summary: 'The key variable is set but empty.' },
  'missing.malformed': { category: 'missing', severity: 'high', summary: 'The key has quotes, whitespace, a Bearer prefix, a placeholder, a masked copy or non-ASCII characters.' },
  'missing.wrong-provider': { category: 'missing', severity: 'high', summary: "The key's format belongs to another provider." },
  'missing.shadowed': { category: 'missing', severity: 'medium', summary: 'Two sources hold different keys for one variable.' },
  'missing.keychain-unavailable': { category: 'missing', severity: 'info', summary: 'No usable OS keychain.' },
  'exposure.source-literal': { category: 'exposure', severity: 'critical', summary: 'A key in a file of the working tree that git does not ignore.' },
  'exposure.history': { category: 'exposure', severity: 'critical', summary: 'A key in git history that is no longer in the working tree.' },
  'exposure.env-not-ignored': { category: 'exposure', severity: 'high', summary: 'A .env file holding a key is not ignored by git.' },
  'exposure.env-tracked': { category: 'exposure', severity: 'critical', summary: 'A .env file holding a key is tracked by git.' },
  'exposure.file-permissions': { category: 'exposure', severity: 'medium', summary: 'A file holding a key is readable by group or others.' },
  'exposure.browser-env': { category: 'exposure', severity: 'critical', summary: 'A key under a name that frameworks ship to the browser.' },
  'exposure.browser-client': { category: 'exposure', severity: 'high', summary: 'An LLM client constructed with dangerouslyAllowBrowser: true.' },
  'exposure.bundle': { category: 'exposure', severity: 'critical', summary: 'A key inside built client assets.' },
  'exposure.log': { category: 'exposure', severity: 'high', summary: 'A key in a log file.' },
  'exposure.scan-incomplete': { category: 'exposure', severity: 'high', summary: 'Part of the working tree or git history could not be read, so a key there would go unseen.' },
  'permission.invalid-key': { category: 'permission', severity: 'critical', summary: 'The provider rejected the key as invalid or revoked.' },
  'permission.no-key-sent': { category: 'permission', severity: 'high', summary: 'The provider received no key although one was configured.' },
  'permission.org-mismatch': { category: 'permission', severity: 'high', summary: 'The organization header does not match the key.' },
  'permission.project-mismatch': { category: 'permission', severity: 'high', summary: 'The project header does not match the key.' },
  'permission.ip-not-allowed': { category: 'permission', severity: 'high', summary: "The caller's IP is not on the allowlist." },
  'permission.missing-scope': { category: 'permission', severity: 'high', summary: 'A restricted key lacks a scope.' },
  'permission.region': { category: 'permission', severity: 'high', summary: 'Unsupported country, region or territory.' },
  'permission.model-access': { category: 'permission', severity: 'high', summary: "The model does not exist or the key's project cannot use it." },
  'permission.quota': { category: 'permission', severity: 'high', summary: 'Out of credit or over a spend limit.' },
  'permission.rate-limit': { category: 'permission', severity: 'medium', summary: 'Rate limited.' },
  'permission.server': { category: 'permission', severity: 'medium', summary: 'The provider answered with a server error.' },
  'permission.base-url': { category: 'permission', severity: 'high', summary: 'The base URL is wrong or a proxy answered.' },
  'permission.network': { category: 'permission', severity: 'high', summary: 'DNS, refused connection, TLS or proxy failure.' },
  'permission.timeout': { category: 'permission', severity: 'medium', summary: 'No answer within the timeout.' },
  'permission.account': { category: 'permission', severity: 'critical', summary: 'Account deactivated, or no organization.' },
  'hygiene.key-age': { category: 'hygiene', severity: 'low', summary: 'The key is older than the rotation period.' },
  'hygiene.admin-key': { category: 'hygiene', severity: 'high', summary: 'An admin key is configured for an app.' },
  'hygiene.legacy-key': { category: 'hygiene', severity: 'low', summary: 'A legacy user key where a project key would limit the damage.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** Builds a finding whose category and default severity come from the rule table. */
export function makeFinding(
  rule: RuleId,
  fields: Omit<Finding, 'rule' | 'category' | 'severity'> & { severity?: Severity },
): Finding {
  const info: RuleInfo = RULES[rule];
  const { severity, ...rest } = fields;
  return { rule, category: info.category, severity: severity ?? info.severity, ...rest };
}
