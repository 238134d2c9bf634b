import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallReport, Report } from '../../src/core/report.js';
import { startCountingProxy, startFakeProvider, type CountingProxy, type FakeProvider, type Scenario } from '../support/fake-provider.js';
import { runCli, type CliResult } from '../support/cli.js';
import type { FakeKind } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

let fake: FakeProvider;
const project = () => makeProject({ git: false, name: 'live-app' });

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

/** The canary: no part of the key but its prefix and last four may appear anywhere. */
function expectNoKey(r: CliResult, key: string): void {
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(key);
    expect(out).not.toContain(key.slice(8, 24));
    expect(out).not.toContain(key.slice(-16, -4));
  }
}

function parse(r: CliResult): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

interface Row {
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

const VARIABLE: Record<string, string> = {
  openai: 'OPENAI_API_KEY', gemini: 'GEMINI_API_KEY', mistral: 'MISTRAL_API_KEY', xai: 'XAI_API_KEY', openrouter: 'OPENROUTER_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY', anthropic: 'ANTHROPIC_API_KEY', 'azure-openai': 'AZURE_OPENAI_API_KEY',
};
const KIND: Record<string, FakeKind | 'azure'> = {
  openai: 'openai-project', gemini: 'gemini', mistral: 'mistral', xai: 'xai', openrouter: 'openrouter', deepseek: 'deepseek', anthropic: 'anthropic', 'azure-openai': 'azure',
};

const S = 'skipped';
const rows: Row[] = [
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

function outcome(c: CallReport): string {
  if (c.skipped) return S;
  return c.ok ? 'ok' : String(c.rule);
}

/** Runs `keyward test --json` with the scenario's key in the provider's variable and the fake server as base URL. */
async function runScenario(row: Row, extra: string[] = []): Promise<{ r: CliResult; key: string }> {
  const provider = row.provider ?? 'openai';
  const key = fake.key(row.scenario, row.kind ?? KIND[provider]);
  const env: Record<string, string> = { [VARIABLE[provider]!]: key, ...row.env };
  const args = ['test', '--provider', provider, '--json', ...(row.args ?? []), ...extra];
  if (provider === 'azure-openai') env.AZURE_OPENAI_ENDPOINT = `http://127.0.0.1:${fake.port}`;
  else if (provider === 'openai') env.OPENAI_BASE_URL = fake.baseURL;
  else args.push('--base-url', fake.baseURL);
  const r = await runCli(args, { cwd: project().dir, env });
  return { r, key };
}

describe('keyward test --json against the fake provider', () => {
  it.each(rows)('$scenario ($provider) -> $calls', async (row) => {
    const { r, key } = await runScenario(row);
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls?.map(outcome), r.stdout).toEqual(row.calls);
    expect(r.code).toBe(row.exit);
    const failed = report.calls!.filter((c) => !c.ok && !c.skipped);
    for (const c of failed) expect(report.findings.map((f) => f.rule)).toContain(c.rule);
    if (row.severity) expect(report.findings[0]!.severity).toBe(row.severity);
    if (row.says) expect(report.findings.map((f) => `${f.title}\n${f.detail}\n${f.fix}`).join('\n')).toMatch(row.says);
    for (const f of report.findings) if (f.secret) expect(f.secret.redacted).toBe(`${f.secret.redacted.split('…')[0]}…${key.slice(-4)}`);
    if (row.calls[0] === 'ok') expect(report.calls![0]!.requestId ?? report.calls![0]!.status).toBeTruthy();
  });

  it('reports latency, request id, model, remaining rate limit, time to first token and chunks', async () => {
    const { r } = await runScenario({ scenario: 'ok', calls: [], exit: 0 });
    const [auth, sync, stream] = parse(r).calls!;
    expect(auth).toMatchObject({ name: 'auth', request: 'GET /models', ok: true, status: 200, requestId: expect.stringMatching(/^req_[0-9a-f]{32}$/) });
    expect(sync).toMatchObject({ name: 'sync', request: 'POST /chat/completions', model: 'gpt-4o-mini-2024-07-18', rateLimit: { remainingRequests: 499, remainingTokens: 199985 } });
    expect(stream).toMatchObject({ name: 'async', request: 'POST /chat/completions stream', chunks: 4, concurrent: 3, ttftMs: expect.any(Number) });
  });

  it('sends the organization header only from OPENAI_ORG_ID', async () => {
    const before = fake.requests.length;
    await runScenario({ scenario: 'ok', calls: [], exit: 0, env: { OPENAI_ORG_ID: 'org-abc' } });
    expect(fake.requests.slice(before).every((q) => q.organization === 'org-abc')).toBe(true);
  });
});

describe('client-side failures', () => {
  it('a base URL without /v1 is a base-url finding that names the fix', async () => {
    const key = fake.key('ok');
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: `http://127.0.0.1:${fake.port}` } });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls![0]).toMatchObject({ ok: false, status: 404, rule: 'permission.base-url' });
    expect(report.findings[0]!.fix).toContain(`http://127.0.0.1:${fake.port}/v1`);
    expect(r.code).toBe(1);
  });

  it('a key with a masked character is explained, never sent', async () => {
    const before = fake.requests.length;
    const key = `${fake.key('ok').slice(0, 30)}••••${'x'.repeat(4)}`;
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls![0]).toMatchObject({ ok: false, status: null, rule: 'missing.malformed' });
    expect(report.findings.find((f) => f.rule === 'missing.malformed')!.title).toContain('character 31');
    expect(fake.requests.length).toBe(before);
  });

  it('no key: missing.key and no call', async () => {
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_BASE_URL: fake.baseURL } });
    const report = parse(r);
    expect(report.calls!.map(outcome)).toEqual(['missing.key', S, S]);
    expect(r.code).toBe(1);
  });

  it('rejects a bad --timeout with exit 2', async () => {
    const r = await runCli(['test', '--provider', 'openai', '--timeout', 'soon'], { cwd: project().dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout');
  });
});

describe('network', () => {
  let closed: Server;
  let closedPort: number;
  beforeAll(async () => {
    // Bind, note the port, close: nothing listens there any more.
    closed = createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
  });

  it('refused connection', async () => {
    const key = fake.key('ok');
    const r = await runCli(['test', '--provider', 'openai', '--json', '--base-url', `http://127.0.0.1:${closedPort}/v1`], { cwd: project().dir, env: { OPENAI_API_KEY: key } });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls!.map(outcome)).toEqual(['permission.network', S, S]);
    expect(report.findings[0]!.title).toMatch(/Connection refused/);
  });

  it('timeout: a server that never answers and a short --timeout', async () => {
    const key = fake.key('slow');
    const r = await runCli(['test', '--provider', 'openai', '--json', '--timeout', '0.3'], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls![0]).toMatchObject({ ok: false, status: null, rule: 'permission.timeout' });
    expect(report.findings[0]!.severity).toBe('medium');
  });

  describe('through HTTP_PROXY', () => {
    let proxy: CountingProxy;
    beforeAll(async () => {
      proxy = await startCountingProxy();
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('goes through the proxy from HTTP_PROXY', async () => {
      const key = fake.key('ok');
      const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL, HTTP_PROXY: proxy.url } });
      expectNoKey(r, key);
      expect(parse(r).calls!.map(outcome)).toEqual(['ok', 'ok', 'ok']);
      // auth, sync, and the async call's three concurrent streams.
      expect(proxy.forwarded).toBe(5);
    });

    it('bypasses it for hosts in NO_PROXY', async () => {
      const before = proxy.forwarded;
      const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      expect(parse(r).calls!.map(outcome)).toEqual(['ok', 'ok', 'ok']);
      expect(proxy.forwarded).toBe(before);
    });

    it('a proxy that is down: refused, naming the proxy', async () => {
      const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: project().dir, env: { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL, HTTP_PROXY: `http://127.0.0.1:${closedPort}` } });
      const report = parse(r);
      expect(report.calls![0]!.rule).toBe('permission.network');
      expect(report.findings[0]!.title).toContain(`proxy http://127.0.0.1:${closedPort}`);
    });
  });
});

describe('the canary in every output mode', () => {
  it.each(['echo-full-key', 'invalid-key', 'other-key', 'mid-stream', 'drop'] as const)('%s: plain text and --debug', async (scenario) => {
    const key = fake.key(scenario);
    for (const extra of [[], ['--debug'], ['--json', '--debug']]) {
      const r = await runCli(['test', '--provider', 'openai', ...extra], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL, OPENAI_LOG: 'debug' } });
      expectNoKey(r, key);
      expect(r.code === 0 || r.code === 1).toBe(true);
    }
  });
});
