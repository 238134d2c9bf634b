import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLiveCallsCheck, liveCallsCheck } from '../../src/checks/live-calls.js';
import { runDoctor, type DoctorIO, type DoctorOptions } from '../../src/checks/run-doctor.js';
import type { LiveMode } from '../../src/checks/types.js';
import { createGitRunner } from '../../src/git/git.js';
import { findProvider } from '../../src/providers/index.js';
import { ALNUM, pseudoRandom } from '../../src/providers/sample.js';
import { createTransport } from '../../src/live/transport.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { runCli } from '../support/cli.js';
import { makeProject } from '../support/repo.js';
import { expectNoKey, KIND, outcome, parse, rows, S, VARIABLE } from './scenarios.js';

const fake = useFakeProvider();

function io(root: string, env: Record<string, string>): DoctorIO {
  return {
    root,
    env,
    git: createGitRunner({ PATH: process.env.PATH }),
    keychain: async () => ({ ok: false, problem: { reason: 'no keychain in tests', fix: 'none' } }),
    platform: process.platform,
    now: () => new Date(),
    version: '0.0.0-test',
    stateDir: join(root, '.state'),
  };
}

function options(live: LiveMode, providerIds: string[] = ['openai']): DoctorOptions {
  return { providerIds, live, history: false, failOn: 'high', timeoutMs: 5000 };
}

describe('the permission.live check in the doctor', () => {
  it('makes no call offline', async () => {
    const before = fake.requests.length;
    const p = makeProject({ git: false });
    const report = await runDoctor(io(p.dir, { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL }), options('off'), [liveCallsCheck]);
    expect(report.checks).toEqual([expect.objectContaining({ id: 'permission.live', status: 'skip', note: 'offline: no live calls' })]);
    expect(report.calls).toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });

  it('makes only the free auth call by default, and all three with --live full', async () => {
    const p = makeProject({ git: false });
    const env = { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL };
    const auth = await runDoctor(io(p.dir, env), options('auth'), [liveCallsCheck]);
    expect(auth.calls!.map((c) => c.name)).toEqual(['auth']);
    expect(auth.checks[0]!.status).toBe('pass');
    const full = await runDoctor(io(p.dir, env), options('full'), [liveCallsCheck]);
    expect(full.calls!.map((c) => `${c.name}:${c.ok}`)).toEqual(['auth:true', 'sync:true', 'async:true']);
  });

  it('turns a failing call into a permission finding, with the source that won', async () => {
    const p = makeProject({ git: false });
    const key = fake.key('invalid-key');
    p.write('.env', `OPENAI_API_KEY=${fake.key('ok')}\n`);
    const report = await runDoctor(io(p.dir, { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL }), options('auth'), [liveCallsCheck]);
    expect(report.checks[0]!.status).toBe('fail');
    const finding = report.findings.find((f) => f.rule === 'permission.invalid-key')!;
    expect(finding.detail).toContain('OPENAI_API_KEY from the environment (it wins over a different key in .env)');
    expect(finding.fix).toContain('unset OPENAI_API_KEY');
    expect(JSON.stringify(report)).not.toContain(key);
  });

  it('skips keys of providers without a free check, and leaves key-format problems to the offline checks', async () => {
    const p = makeProject({ git: false });
    const report = await runDoctor(
      io(p.dir, { PERPLEXITY_API_KEY: `pplx-${pseudoRandom(48, ALNUM, 'px')}`, OPENAI_API_KEY: 'sk-proj-••••', OPENAI_BASE_URL: fake.baseURL }),
      options('auth', ['openai', 'perplexity']),
      [liveCallsCheck],
    );
    expect(report.checks[0]!.note).toContain('no free check for Perplexity');
    expect(report.calls!.map((c) => c.rule)).toEqual(['missing.malformed']);
    expect(report.findings).toEqual([]);
  });

  it('takes its transport from the factory it is given', async () => {
    const p = makeProject({ git: false });
    const made: string[] = [];
    const check = createLiveCallsCheck((env, now) => {
      made.push(env.OPENAI_BASE_URL ?? '');
      return { transport: createTransport({}), now, clock: () => 0 };
    });
    const report = await runDoctor(io(p.dir, { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL }), options('auth'), [check]);
    expect(made).toEqual([fake.baseURL]);
    expect(report.calls![0]!.latencyMs).toBe(0);
    expect(findProvider('openai')!.api.authPath).toBe('/models');
  });
});

describe('keyward doctor --json --live full against the fake provider', () => {
  // The doctor has no --timeout; the never-answering server is covered by `keyward test`.
  const doctorRows = rows.filter((r) => r.scenario !== 'slow');

  it.each(doctorRows)('$scenario ($provider) -> $calls', async (row) => {
    const provider = row.provider ?? 'openai';
    const key = fake.key(row.scenario, row.kind ?? KIND[provider]);
    const baseVariable = findProvider(provider)!.api.baseUrlEnv!;
    const env: Record<string, string> = {
      [VARIABLE[provider]!]: key,
      [baseVariable]: provider === 'azure-openai' ? `http://127.0.0.1:${fake.port}` : fake.baseURL,
      ...row.env,
    };
    const p = makeProject({ name: 'doctor-app' });
    const r = await runCli(['doctor', '--json', '--live', 'full', '--no-history', '--provider', provider], { cwd: p.dir, env });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.calls?.map(outcome), r.stdout).toEqual(row.calls);
    const permission = report.findings.filter((f) => f.category === 'permission').map((f) => f.rule);
    for (const c of report.calls!) if (!c.ok && !c.skipped) expect(permission).toContain(c.rule);
    expect(report.checks.find((c) => c.id === 'permission.live')?.status).toBe(row.calls.every((c) => c === 'ok' || c === S) ? 'pass' : 'fail');
  });

  it('offline makes no call', async () => {
    const before = fake.requests.length;
    const p = makeProject({ name: 'doctor-app' });
    const r = await runCli(['doctor', '--json', '--offline', '--no-history', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL } });
    expect(parse(r).calls).toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });
});

// The shape of huggingface/chat-ui: its committed .env points OPENAI_BASE_URL at Hugging Face's
// router, and the user's .env.local holds the token that router takes in OPENAI_API_KEY.
describe('a base URL set in a .env file the app loads', () => {
  function routerApp(baseUrlIn: '.env' | '.env.local', url = fake.baseURL) {
    const p = makeProject({ name: 'router-app' });
    p.write('package.json', JSON.stringify({ name: 'router-app', dependencies: { next: '15', openai: '5' } }));
    p.write('.gitignore', '.env.local\n');
    p.write('.env', baseUrlIn === '.env' ? `OPENAI_BASE_URL=${url}\n` : 'MODELS=[]\n');
    p.commit('init');
    // A router's token, not an OpenAI key: only the base URL makes it the key the app sends.
    const token = `hf_${pseudoRandom(34, ALNUM, 'router')}`;
    p.write('.env.local', `OPENAI_API_KEY=${token}\n${baseUrlIn === '.env.local' ? `OPENAI_BASE_URL=${url}\n` : ''}`, 0o600);
    return { p, token };
  }

  it('offline, the key it takes is no wrong-provider finding, as with the variable exported', async () => {
    const { p, token } = routerApp('.env', 'https://router.huggingface.co/v1');
    const r = await runCli(['doctor', '--json', '--offline', '--no-history'], { cwd: p.dir, env: {} });
    expectNoKey(r, token);
    expect(parse(r).findings.filter((f) => f.category === 'missing' && f.rule !== 'missing.keychain-unavailable').map((f) => f.title)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a committed file does not choose where keyward sends the key; the user\'s untracked .env.local does', async () => {
    const committed = routerApp('.env');
    const before = fake.requests.length;
    const r = await runCli(['doctor', '--json', '--no-history'], { cwd: committed.p.dir, env: {} });
    expectNoKey(r, committed.token);
    expect(fake.requests.length).toBe(before);
    expect(parse(r).checks.find((c) => c.id === 'permission.live')).toMatchObject({
      status: 'skip',
      note: 'no call for OpenAI: OPENAI_BASE_URL is set in the committed .env, and keyward sends no key to a server a checkout names (export OPENAI_BASE_URL to test it)',
    });

    const own = routerApp('.env.local');
    const sent = await runCli(['doctor', '--json', '--no-history'], { cwd: own.p.dir, env: {} });
    expectNoKey(sent, own.token);
    expect(parse(sent).calls?.map((c) => `${c.name}:${c.ok}`)).toEqual(['auth:false']);
    expect(fake.requests.length).toBe(before + 1);
  });
});
