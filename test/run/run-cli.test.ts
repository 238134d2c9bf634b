import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/fingerprint.js';
import { BIN, runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';
import { accountFor, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';

const NODE = process.execPath;

/** A child that prints which keys it got, as fingerprints of nothing but presence and a short hash. */
const SHOW_KEYS = `
const { createHash } = require('node:crypto');
for (const v of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']) {
  const k = process.env[v];
  console.log(v + '=' + (k === undefined ? 'unset' : createHash('sha256').update(k).digest('hex').slice(0, 12)));
}
process.exit(Number(process.argv[2] ?? 0));
`;
const hash = (k: string) => execFileSync(NODE, ['-e', `process.stdout.write(require('node:crypto').createHash('sha256').update(process.argv[1]).digest('hex').slice(0, 12))`, k], { encoding: 'utf8' });

function appWithDotenv(name: string, lines: string): TestProject {
  const p = makeProject({ name });
  p.write('.gitignore', '.env\n');
  p.write('.env', lines, 0o600);
  p.write('show-keys.cjs', SHOW_KEYS);
  return p;
}

/** Runs the bin with a child that announces itself, then sends `signal` to keyward (not to the child). */
function signalDuringRun(p: TestProject, childScript: string, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  p.write('child.cjs', childScript);
  return new Promise((resolve) => {
    const kw = spawn(NODE, [BIN, 'run', '--', NODE, 'child.cjs'], { cwd: p.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    kw.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!sent && stdout.includes('ready')) {
        sent = true;
        kw.kill(signal);
      }
    });
    kw.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    kw.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('keyward run', () => {
  it("gives the child the .env key, keeps the child's exit code, and prints nothing of its own", async () => {
    const key = fakeKey('openai-project', 'run-dotenv');
    const p = appWithDotenv('run-dotenv-app', `OPENAI_API_KEY=${key}\n`);
    const r = await runCli(['run', '--', NODE, 'show-keys.cjs', '7'], { cwd: p.dir });
    expect(r.stdout).toBe(`OPENAI_API_KEY=${hash(key)}\nANTHROPIC_API_KEY=unset\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
  });

  it('never overrides a variable already set in the environment, even an empty one', async () => {
    const file = fakeKey('openai-project', 'run-file');
    const shell = fakeKey('openai-project', 'run-shell');
    const p = appWithDotenv('run-env-app', `OPENAI_API_KEY=${file}\nANTHROPIC_API_KEY=${fakeKey('anthropic', 'run-env')}\n`);
    const r = await runCli(['run', '--', NODE, 'show-keys.cjs'], { cwd: p.dir, env: { OPENAI_API_KEY: shell, ANTHROPIC_API_KEY: '' } });
    expect(r.stdout).toBe(`OPENAI_API_KEY=${hash(shell)}\nANTHROPIC_API_KEY=${hash('')}\n`);
    expect(r.code).toBe(0);
  });

  it('passes standard input through to the child', async () => {
    const p = appWithDotenv('run-stdin-app', '');
    const r = await runCli(['run', '--', NODE, '-e', 'process.stdin.pipe(process.stdout)'], { cwd: p.dir, input: 'line one\nline two\n' });
    expect(r.stdout).toBe('line one\nline two\n');
    expect(r.code).toBe(0);
  });

  it("leaves the command's own options alone, and global options still work before the command", async () => {
    const p = appWithDotenv('run-options-app', '');
    const other = makeProject();
    const r = await runCli(['--cwd', p.dir, 'run', '--', NODE, '-e', 'console.log(process.argv.slice(1).join(" "))', '--', '--help', '--debug', '--version'], { cwd: other.dir });
    expect(r.stdout).toBe('--help --debug --version\n');
    expect(r.code).toBe(0);
  });

  it('exits 127 with one line for a command that does not exist', async () => {
    const p = appWithDotenv('run-missing-app', '');
    const r = await runCli(['run', '--', 'no-such-command-kw'], { cwd: p.dir });
    expect(r.code).toBe(127);
    expect(r.stderr).toBe('keyward: no-such-command-kw: command not found (not in PATH).\n');
    expect(r.stdout).toBe('');
  });

  it('exits 126 for a file that is not executable', async () => {
    const p = appWithDotenv('run-noexec-app', '');
    p.write('tool.sh', '#!/bin/sh\necho hi\n', 0o644);
    const r = await runCli(['run', '--', './tool.sh'], { cwd: p.dir });
    expect(r.code).toBe(126);
    expect(r.stderr).toBe('keyward: ./tool.sh: permission denied (not an executable file).\n');
  });

  it('exits 126 for a folder and 127 for a path that does not exist, as a shell does', async () => {
    const p = appWithDotenv('run-folder-app', '');
    p.write('tools/readme.txt', 'x\n');
    const folder = await runCli(['run', '--', './tools'], { cwd: p.dir });
    expect([folder.code, folder.stderr]).toEqual([126, 'keyward: ./tools: is a folder, not a command.\n']);
    const missing = await runCli(['run', '--', './bin/missing'], { cwd: p.dir });
    expect([missing.code, missing.stderr]).toEqual([127, 'keyward: ./bin/missing: no such file.\n']);
  });

  it('with --provider, hands over only that key, and refuses (exit 2, nothing run) when it has none', async () => {
    const openai = fakeKey('openai-project', 'run-only');
    const p = appWithDotenv('run-only-app', `OPENAI_API_KEY=${openai}\nANTHROPIC_API_KEY=${fakeKey('anthropic', 'run-only')}\n`);
    const only = await runCli(['run', '--provider', 'openai', '--', NODE, 'show-keys.cjs'], { cwd: p.dir });
    expect(only.stdout).toBe(`OPENAI_API_KEY=${hash(openai)}\nANTHROPIC_API_KEY=unset\n`);

    const marker = join(p.dir, 'ran');
    const missing = await runCli(['run', '--provider', 'groq', '--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`], { cwd: p.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^keyward: no key for Groq \(GROQ_API_KEY\): no key in the environment, the keychain \(account groq\/run-only-app@[0-9a-f]{12}\) or the \.env files/);
    expect(missing.stderr).toContain('keyward setup --provider groq');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('asks for `--` when the command comes without it', async () => {
    const p = appWithDotenv('run-nodash-app', '');
    const r = await runCli(['run', 'npm', 'start'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("keyward: put the command after `--` Fix: keyward's own options go before `--`, the command's after it: keyward run -- COMMAND [ARG...].\n");
  });

  it('forwards SIGTERM to the child and exits with its code', async () => {
    const p = appWithDotenv('run-term-app', '');
    const r = await signalDuringRun(p, "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);", 'SIGTERM');
    expect(r.stdout).toBe('ready\nchild got SIGTERM\n');
    expect(r.code).toBe(42);
  });

  it('exits 128+N when the child is killed by a signal', async () => {
    const p = appWithDotenv('run-killed-app', '');
    const r = await signalDuringRun(p, "console.log('ready'); setInterval(() => {}, 1000);", 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('');
  });

  it('without a terminal, passes SIGINT on to the child (a supervisor stopping the job)', async () => {
    const p = appWithDotenv('run-int-app', '');
    const r = await signalDuringRun(p, "let n = 0; process.on('SIGINT', () => { n += 1; console.log('child got SIGINT ' + n); setTimeout(() => process.exit(130), 200); }); console.log('ready'); setInterval(() => {}, 1000);", 'SIGINT');
    expect(r.stdout).toBe('ready\nchild got SIGINT 1\n');
    expect(r.code).toBe(130);
  });

  it('--mask replaces every configured key in stdout and stderr with its redacted form; without it the child prints what it likes', async () => {
    const key = fakeKey('openai-project', 'run-mask');
    const p = appWithDotenv('run-mask-app', `OPENAI_API_KEY=${key}\n`);
    const print = "console.log('out:' + process.env.OPENAI_API_KEY); console.error('err:' + process.env.OPENAI_API_KEY); process.exit(3)";
    const masked = await runCli(['run', '--mask', '--', NODE, '-e', print], { cwd: p.dir });
    expect(masked.stdout).toBe(`out:${redact(key, 'sk-proj-')}\n`);
    expect(masked.stderr).toBe(`err:${redact(key, 'sk-proj-')}\n`);
    expect(masked.code).toBe(3);
    const plain = await runCli(['run', '--', NODE, '-e', print], { cwd: p.dir });
    expect(plain.stdout).toBe(`out:${key}\n`);
  });

  it('--mask also hides a key the child writes a few bytes at a time, and a key from the environment', async () => {
    const key = fakeKey('anthropic', 'run-mask-slow');
    const p = appWithDotenv('run-mask-slow-app', '');
    const dribble = "const k = process.env.ANTHROPIC_API_KEY; let i = 0; const t = setInterval(() => { process.stdout.write(k.slice(i, i + 7)); i += 7; if (i >= k.length) { clearInterval(t); process.stdout.write('\\n'); } }, 1);";
    const r = await runCli(['run', '--mask', '--', NODE, '-e', dribble], { cwd: p.dir, env: { ANTHROPIC_API_KEY: key } });
    expect(r.stdout).toBe(`${redact(key, 'sk-ant-api03-')}\n`);
  });
});

describe.skipIf(!hasSession)('keyward run with the OS keychain (real gnome-keyring)', () => {
  it("gives the child the keychain's key before the .env file's", async () => {
    const kc = fakeKey('openai-project', 'run-keychain');
    const file = fakeKey('openai-project', 'run-keychain-file');
    const p = appWithDotenv('run-keychain-app', `OPENAI_API_KEY=${file}\n`);
    storeAsKeytar(accountFor('openai', 'run-keychain-app', p.dir), kc);
    try {
      const r = await runCli(['run', '--provider', 'openai', '--', NODE, 'show-keys.cjs'], { cwd: p.dir });
      expect(r.stdout).toBe(`OPENAI_API_KEY=${hash(kc)}\nANTHROPIC_API_KEY=unset\n`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'run-keychain-app', p.dir)]);
    }
  });

  it.skipIf(!hasSession)('with --provider and no D-Bus session, says the keychain holding the key could not be read, and how to reach it', async () => {
    const p = appWithDotenv('run-nobus-stored-app', '');
    const account = accountFor('openai', 'run-nobus-stored-app', p.dir);
    storeAsKeytar(account, fakeKey('openai-project', 'run-nobus-stored'));
    try {
      const r = await runCli(['run', '--provider', 'openai', '--', NODE, 'show-keys.cjs'], { cwd: p.dir, env: { DBUS_SESSION_BUS_ADDRESS: undefined } });
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `keyward: no key for OpenAI (OPENAI_API_KEY) in the environment or the .env files, and the keychain could not be read (no D-Bus session to reach a Secret Service (headless or SSH session)), so a key stored there (account ${account}) cannot be seen. Nothing was run. Fix: Start a Secret Service (gnome-keyring or KeePassXC) in a D-Bus session, e.g. \`dbus-run-session -- sh -c "printf PASSWORD | gnome-keyring-daemon --unlock --components=secrets; keyward ..."\`, or keep the key in a .env file that git ignores.\n`,
      );
      expect(r.code).toBe(2);
    } finally {
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', account]);
    }
  });

  it('without a D-Bus session, still runs with the .env key and says nothing', async () => {
    const file = fakeKey('openai-project', 'run-nobus');
    const p = appWithDotenv('run-nobus-app', `OPENAI_API_KEY=${file}\n`);
    const r = await runCli(['run', '--', NODE, 'show-keys.cjs'], { cwd: p.dir, env: { DBUS_SESSION_BUS_ADDRESS: undefined } });
    expect(r.stdout).toBe(`OPENAI_API_KEY=${hash(file)}\nANTHROPIC_API_KEY=unset\n`);
    expect(r.stderr).toBe('');
  });
});
