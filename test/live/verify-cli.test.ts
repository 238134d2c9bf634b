import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { startCountingProxy, startFakeProvider, useFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { runCli } from '../support/cli.js';
import { makeProject, type TestProject } from '../support/repo.js';
import { expectNoKey, parse } from './scenarios.js';

const fake = useFakeProvider();
/** The hostile repository's own server: it must never see a request. */
let evil: FakeProvider;
beforeAll(async () => {
  evil = await startFakeProvider();
});
afterAll(async () => {
  await evil.close();
});

const verifyEnv = () => ({ KEYWARD_VERIFY_BASE_URL_OPENAI: fake.baseURL });

/** A repository with each key in its own source file, committed. */
function repoWith(keys: Record<string, string>): TestProject {
  const p = makeProject({ name: 'verify-app' });
  for (const [file, key] of Object.entries(keys)) p.write(file, `export const key = "${key}";\n`);
  p.commit('init');
  return p;
}

function requestsFor(key: string): number {
  return fake.requests.filter((r) => r.authorization === `Bearer ${key}`).length;
}

function byFile(findings: Finding[], file: string): Finding {
  const f = findings.find((x) => x.location?.file === file);
  if (!f) throw new Error(`no finding for ${file}: ${JSON.stringify(findings.map((x) => x.location?.file))}`);
  return f;
}

describe('keyward scan --verify: is the leaked key live?', () => {
  it('says live (critical, revoke it now), revoked and unknown, one free call each', async () => {
    const live = fake.key('ok');
    const revoked = fake.key('invalid-key');
    const broken = fake.key('server-error');
    const p = repoWith({ 'src/live.ts': live, 'src/revoked.ts': revoked, 'src/broken.ts': broken });
    const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env: verifyEnv() });
    for (const k of [live, revoked, broken]) expectNoKey(r, k);
    const report = parse(r);
    const l = byFile(report.findings, 'src/live.ts');
    expect(l.severity).toBe('critical');
    expect(l.secret?.live).toBe('live');
    expect(l.title).toBe('OpenAI project key hardcoded in src/live.ts: live, revoke it now');
    expect(l.fix).toMatch(/^Revoke it now at https:\/\/platform\.openai\.com\/api-keys\. /);
    const d = byFile(report.findings, 'src/revoked.ts');
    expect(d.secret?.live).toBe('revoked');
    expect(d.severity).toBe('critical');
    expect(d.title).toBe('OpenAI project key hardcoded in src/revoked.ts: already revoked');
    const u = byFile(report.findings, 'src/broken.ts');
    expect(u.secret?.live).toBe('unknown');
    expect(u.severity).toBe('critical');
    expect(u.detail).toContain('Whether the key still works could not be checked (OpenAI had a server error (500 server_error)); treat it as live.');
    expect(report.checks.find((c) => c.id === 'exposure.live')).toMatchObject({
      status: 'fail',
      note: "3 exposed keys checked with the provider's free auth call: 1 live, 1 revoked, 1 could not be checked.",
    });
    for (const k of [live, revoked, broken]) expect(requestsFor(k)).toBe(1);
    expect(fake.requests.filter((x) => [live, revoked, broken].some((k) => x.authorization === `Bearer ${k}`)).map((x) => `${x.method} ${x.path}`)).toEqual(['GET /v1/models', 'GET /v1/models', 'GET /v1/models']);
    expect(r.code).toBe(1);
  });

  it('calls once for a key found in three places (deduplicated by fingerprint)', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'a.ts': key, 'b.ts': key, 'docs/c.md': key });
    const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.findings.map((f) => f.secret?.live)).toEqual(['live', 'live', 'live']);
    expect(requestsFor(key)).toBe(1);
  });

  it('a revoked key left only in old history drops to low, and the default gate passes', async () => {
    const key = fake.key('invalid-key');
    const p = repoWith({ 'config.ts': key });
    p.git('rm', '-q', 'config.ts');
    p.commit('remove the key');
    const r = await runCli(['scan', '--history', '--verify', '--json'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ rule: 'exposure.history', severity: 'low', secret: { live: 'revoked' } });
    expect(report.findings[0]!.title).toMatch(/: already revoked$/);
    expect(report.findings[0]!.fix).toMatch(/^Nothing to rotate: the key is already revoked\./);
    expect(report.summary).toMatchObject({ critical: 0, low: 1, failed: false });
    expect(r.code).toBe(0);
    // Without --verify the same history is a critical leak.
    const plain = await runCli(['scan', '--history', '--json'], { cwd: p.dir });
    expect(parse(plain).findings[0]).toMatchObject({ severity: 'critical' });
    expect(plain.code).toBe(1);
  });

  it('a live key in old history stays critical', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'config.ts': key });
    p.git('rm', '-q', 'config.ts');
    p.commit('remove the key');
    const r = await runCli(['scan', '--history', '--verify'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    expect(r.stdout).toContain('live, revoke it now');
    expect(r.code).toBe(1);
  });

  it('a dropped connection is unknown and keeps the severity', async () => {
    const key = fake.key('drop');
    const p = repoWith({ 'src/k.ts': key });
    const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    expect(parse(r).findings[0]).toMatchObject({ severity: 'critical', secret: { live: 'unknown' } });
    expect(r.code).toBe(1);
  });

  it('--staged --verify reads the key from the index, as the pre-commit hook sees it', async () => {
    const key = fake.key('ok');
    const p = makeProject({ name: 'staged-app' });
    p.write('src/k.ts', `export const key = "${key}";\n`);
    p.git('add', 'src/k.ts');
    // The working copy no longer holds the key; the commit would.
    p.write('src/k.ts', 'export const key = process.env.OPENAI_API_KEY;\n');
    const r = await runCli(['scan', '--staged', '--verify', '--json'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    expect(parse(r).findings.map((f) => f.secret?.live)).toEqual(['live']);
    expect(requestsFor(key)).toBe(1);
  });

  it('makes no call without --verify', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'src/k.ts': key });
    const r = await runCli(['scan', '--json'], { cwd: p.dir, env: verifyEnv() });
    expect(parse(r).findings[0]!.secret).not.toHaveProperty('live');
    expect(requestsFor(key)).toBe(0);
  });

  it("never sends a leaked key to the base URL a hostile repository's .env or environment names", async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'src/k.ts': key });
    p.write('.env', `OPENAI_BASE_URL=${evil.baseURL}\nOPENAI_API_KEY=${evil.key('ok')}\n`);
    p.write('.env.local', `KEYWARD_VERIFY_BASE_URL_OPENAI=${evil.baseURL}\n`);
    const before = evil.requests.length;
    const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env: { ...verifyEnv(), OPENAI_BASE_URL: evil.baseURL } });
    expectNoKey(r, key);
    expect(parse(r).findings.find((f) => f.location?.file === 'src/k.ts')?.secret?.live).toBe('live');
    expect(evil.requests.length).toBe(before);
    expect(requestsFor(key)).toBe(1);
  });

  it('ignores an override that points away from this machine', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'src/k.ts': key });
    // Every request leaves through the counting proxy: plain HTTP (the override, if it were used) is
    // forwarded and counted; the registry's HTTPS URL asks for a tunnel, which this proxy refuses.
    const proxy = await startCountingProxy();
    try {
      const env = { KEYWARD_VERIFY_BASE_URL_OPENAI: 'http://verify.example.invalid/v1', HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
      const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env });
      expectNoKey(r, key);
      expect(parse(r).findings[0]!.secret?.live).toBe('unknown');
      expect(proxy.forwarded).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('the verdict reaches SARIF and text', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'src/k.ts': key });
    const r = await runCli(['scan', '--verify', '--sarif', 'out.sarif'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    expect(r.stdout).toContain('OpenAI project key hardcoded in src/k.ts: live, revoke it now');
    const sarif = readFileSync(join(p.dir, 'out.sarif'), 'utf8');
    expect(sarif).toContain('live, revoke it now');
    expect(sarif).not.toContain(key.slice(8, 24));
  });
});

describe('keyward doctor verifies leaked keys unless --offline', () => {
  it('doctor: live verdict online, none offline', async () => {
    const key = fake.key('ok');
    const p = repoWith({ 'src/k.ts': key });
    const online = await runCli(['doctor', '--json', '--no-history'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(online, key);
    const report = parse(online);
    expect(report.findings.find((f) => f.rule === 'exposure.source-literal')?.secret?.live).toBe('live');
    expect(report.checks.find((c) => c.id === 'exposure.live')).toMatchObject({ status: 'fail' });
    expect(requestsFor(key)).toBe(1);
    const offline = await runCli(['doctor', '--json', '--no-history', '--offline'], { cwd: p.dir, env: verifyEnv() });
    const off = parse(offline);
    expect(off.findings.find((f) => f.rule === 'exposure.source-literal')?.secret).not.toHaveProperty('live');
    expect(off.checks.map((c) => c.id)).not.toContain('exposure.live');
    expect(requestsFor(key)).toBe(1);
  });

  it('doctor --ci: a revoked key in old history is low and the gate passes', async () => {
    const key = fake.key('invalid-key');
    const p = repoWith({ 'config.ts': key });
    p.git('rm', '-q', 'config.ts');
    p.commit('remove the key');
    const r = await runCli(['doctor', '--ci', '--json'], { cwd: p.dir, env: verifyEnv() });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.findings.find((f) => f.rule === 'exposure.history')).toMatchObject({ severity: 'low', secret: { live: 'revoked' } });
    expect(r.code).toBe(0);
  });
});
