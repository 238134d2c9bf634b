import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { RULES, type RuleId } from '../core/rules.js';
import type { Severity } from '../core/severity.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'warning', info: 'note' };
/** GitHub code scanning ranks alerts by this property (0–10); the bands follow its critical/high/medium/low cut-offs. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** `OpenAI key` style rule names from ids: `exposure.source-literal` -> `ExposureSourceLiteral`. */
function ruleName(id: string): string {
  return id.split(/[.-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, newlines, non-ASCII). */
function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function descriptor(id: string): ReportingDescriptor {
  const info = RULES[id as RuleId];
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: info?.summary ?? id },
    defaultConfiguration: { level: LEVEL[info?.severity ?? 'high'] },
    properties: { category: info?.category ?? 'exposure', 'security-severity': SECURITY_SEVERITY[info?.severity ?? 'high'], tags: ['security', 'secrets'] },
  };
}

function result(f: Finding, ruleIndex: number): Result {
  const r: Result = {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}. ${f.detail} Fix: ${f.fix}` },
    properties: { severity: f.severity },
  };
  const l = f.location;
  if (l) {
    r.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(l.file), uriBaseId: SRCROOT },
          ...(l.line ? { region: { startLine: l.line, ...(l.column ? { startColumn: l.column } : {}) } } : {}),
        },
      },
    ];
    if (l.commit) r.properties = { ...r.properties, commit: l.commit };
    if (l.inHead !== undefined) r.properties = { ...r.properties, inHead: l.inHead };
  }
  if (f.secret) {
    // The key's fingerprint identifies the alert across runs and line moves; rule and file keep one key in two files apart.
    r.partialFingerprints = { 'keyward/secret/v1': f.secret.fingerprint, 'keyward/finding/v1': `${f.rule}:${f.secret.fingerprint}:${l?.file ?? ''}` };
    r.properties = { ...r.properties, provider: f.secret.provider, kind: f.secret.kind, fingerprint: f.secret.fingerprint, redacted: f.secret.redacted, active: f.secret.active };
  } else if (l) {
    r.partialFingerprints = { 'keyward/finding/v1': `${f.rule}:${l.file}:${l.line ?? 0}` };
  }
  return r;
}

/** SARIF 2.1.0 for code-scanning uploads: rule metadata from the rule table, one result per finding, fingerprints, never a key. */
export function renderSarif(report: Report): string {
  const ids = [...new Set(report.findings.map((f) => f.rule))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const log: Log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'keyward', version: report.tool.version, semanticVersion: report.tool.version, informationUri: 'https://www.npmjs.com/package/keyward', rules: ids.map(descriptor) } },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(report.root).href.replace(/\/?$/, '/')}` } },
        results: report.findings.map((f) => result(f, index.get(f.rule)!)),
        invocations: [{ executionSuccessful: !report.checks.some((c) => c.status === 'error') }],
        properties: { checks: report.checks },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
