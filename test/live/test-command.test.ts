import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, startFakeProvider, type CountingProxy, type FakeProvider } from '../support/fake-provider.js';
import { runCli, type CliResult } from '../support/cli.js';
import { makeProject } from '../support/repo.js';
import { expectNoKey, KIND, outcome, parse, rows, S, VARIABLE, type Row } from './scenarios.js';

let fake: FakeProvider;
const project = () => makeProject({ git: false, name: 'live-app' });

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

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

describe('text from the server in the plain output', () => {
  it('a model name with an escape sequence is shown as text, never sent to the terminal', async () => {
    const model = 'gpt\u001b[2J';
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/models') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
        const choice = { index: 0, finish_reason: 'stop' };
        if (!(JSON.parse(body) as { stream?: boolean }).stream) {
          const completion = { id: 'c1', object: 'chat.completion', created: 1, model, choices: [{ ...choice, message: { role: 'assistant', content: 'OK' } }] };
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
        }
        const chunk = { id: 'c2', object: 'chat.completion.chunk', created: 1, model, choices: [{ ...choice, delta: { content: 'OK' } }] };
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    try {
      const key = fake.key('ok');
      const port = (server.address() as AddressInfo).port;
      const r = await runCli(['test', '--provider', 'openai'], { cwd: project().dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` } });
      expectNoKey(r, key);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('\u001b');
      // Latencies differ from run to run; everything else on the lines is exact.
      const lines = r.stdout.split('\n').map((l) => l.replace(/\d+ms/g, 'Nms'));
      expect(lines).toContain('  ✓ sync  POST /chat/completions  200  Nms  model gpt\\x1b[2J');
      expect(lines).toContain('  ✓ async POST /chat/completions stream  200  Nms  model gpt\\x1b[2J  first token Nms, 1 chunks, 3 at once');
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
  });
});
