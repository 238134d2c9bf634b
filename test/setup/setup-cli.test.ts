import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { makeProject } from '../support/repo.js';
import { accountFor, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';

// `keyward setup` without a terminal, as a script or CI runs it: every answer from a flag.
const fake = useFakeProvider();

describe('keyward setup without a terminal', () => {
  it('exits 2 and names the missing flag, changing nothing', async () => {
    const p = makeProject({ name: 'noterm-app' });
    const r = await runCli(['setup'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--provider is missing.*Pass --provider ID/);
    const r2 = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv'], { cwd: p.dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--key-stdin is missing/);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it('--provider openai --store dotenv --key-stdin --yes: tests the key over HTTP and writes .env, .gitignore, .env.example', async () => {
    const p = makeProject({ name: 'script-app' });
    const key = fake.key('ok');
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: p.dir, input: `${key}\n`, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ sync +POST \/chat\/completions +200/);
    expect(r.stdout).toMatch(/✓ async +POST \/chat\/completions stream +200/);
    expect(r.stdout).toMatch(/Created \.env: OPENAI_API_KEY=sk-proj-….{4} \(mode 0600/);
    expect(r.stdout + r.stderr).not.toContain(key.slice(8, 40));
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n');
    expect(fake.requests.some((q) => q.path === '/v1/chat/completions')).toBe(true);
  });

  it('stores nothing and exits 1 when the key fails its test', async () => {
    const p = makeProject({ name: 'bad-script-app' });
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: p.dir, input: fake.key('invalid-key'), env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/permission\.invalid-key|Incorrect API key|invalid/i);
    expect(r.stderr).toMatch(/not stored/);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it("refuses another provider's key on standard input with exit 2, and sends nothing", async () => {
    const p = makeProject({ name: 'malformed-app' });
    const anthropic = fake.key('ok', 'anthropic');
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: p.dir, input: `Bearer ${anthropic}`, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyward: the key on standard input is not usable: That is an Anthropic key, not an OpenAI key/);
    expect(r.stderr).not.toContain(anthropic.slice(14, 30));
    expect(fake.requests.filter((q) => q.authorization?.includes(anthropic.slice(14, 30)))).toEqual([]);
  });

  it.skipIf(!hasKeychain)("--store keychain writes keytar's entry, read back with secret-tool, and says how the app's own entry file loads it", async () => {
    const p = makeProject({ name: 'script-keychain-app' });
    p.write('package.json', JSON.stringify({ name: 'script-keychain-app', type: 'module', scripts: { start: 'node server.js' }, dependencies: { openai: '^6' } }));
    p.write('server.js', "import OpenAI from 'openai';\n");
    const key = fake.key('ok');
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'keychain', '--key-stdin', '--yes'], { cwd: p.dir, input: key, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "How your app gets OPENAI_API_KEY:\n  Start server.js with the key in its environment:\n    node --import keyward/config server.js\n  Or as the first line of server.js:\n    import 'keyward/config';\n",
    );
    expect(execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', accountFor('openai', 'script-keychain-app', p.dir)], { encoding: 'utf8' })).toBe(key);
    execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'script-keychain-app', p.dir)]);
  });

  it('--store keychain without a Secret Service fails with the reason and the fix, exit 1 (a finding, design.md), storing nothing', async () => {
    const p = makeProject({ name: 'nokeychain-app' });
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'keychain', '--key-stdin', '--yes', '--skip-test'], { cwd: p.dir, input: fake.key('ok'), env: { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^keyward: the OS keychain cannot be used here \(no D-Bus session to reach a Secret Service \(headless or SSH session\)\); nothing was stored\. Fix: .* Or pass --store dotenv\.\n$/);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it('--timeout takes the same values as `keyward test --timeout`', async () => {
    const p = makeProject({ name: 'timeout-flag-app' });
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--timeout', 'soon'], { cwd: p.dir, input: fake.key('ok') });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('keyward: --timeout: not a number of seconds Fix: Pass a positive number, e.g. --timeout 30.\n');
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it('gives up after --timeout, and with --yes stores the key with "untested" and `keyward test` on the Done screen', async () => {
    const p = makeProject({ name: 'timeout-app' });
    const key = fake.key('slow');
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--timeout', '1'], { cwd: p.dir, input: key, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Testing ${key.slice(0, 8)}…${key.slice(-4)} against ${fake.baseURL} (each call gives up at 1 s)\n`);
    expect(r.stdout).toContain(`  ✖ No answer from 127.0.0.1:${fake.port} within 1s\n      fix: Retry the test, and check the network and the provider's status page.\n`);
    expect(r.stdout).toContain('▲ OpenAI could not be reached; storing the key untested because of --yes.\n');
    expect(r.stdout).toContain(`  ✓ Created .env: OPENAI_API_KEY=${key.slice(0, 8)}…${key.slice(-4)} (mode 0600; every other line kept).\n    ▲ The key is untested (OpenAI could not be reached): run \`keyward test --provider openai\` to test it.\n`);
    expect(r.stdout).not.toContain(key.slice(8, 40));
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
  });
});
