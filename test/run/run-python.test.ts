import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// A Python app reads its key from os.environ, as the openai and anthropic SDKs do: it prints the
// fingerprint of what it sees, never the key.
const SCRIPT = `import hashlib, os
key = os.environ.get("OPENAI_API_KEY")
print("sha256:" + hashlib.sha256(key.encode()).hexdigest()[:12] if key else "unset")
`;

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function pythonApp(name: string): TestProject {
  const p = makeProject();
  p.write('pyproject.toml', `[project]\nname = "${name}"\ndependencies = ["openai"]\n`);
  p.write('.gitignore', '.env\n');
  p.write('script.py', SCRIPT);
  return p;
}

describe.skipIf(!hasPython)('keyward run -- python3 script.py', () => {
  it('the Python script sees the key from .env', async () => {
    const key = fakeKey('openai-project', 'python-dotenv');
    const p = pythonApp('python-dotenv-app');
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    const r = await runCli(['run', '--', 'python3', 'script.py'], { cwd: p.dir });
    expect(r.stdout).toBe(`${fingerprint(key)}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.skipIf(!hasSession)("the Python script sees the key from the OS keychain, over .env's", async () => {
    const stored = fakeKey('openai-project', 'python-keychain');
    const p = pythonApp('python-keychain-app');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'python-stale')}\n`, 0o600);
    const account = accountFor('openai', 'python-keychain-app', p.dir);
    storeAsKeytar(account, stored);
    try {
      const r = await runCli(['run', '--', 'python3', 'script.py'], { cwd: p.dir });
      expect(r.stdout).toBe(`${fingerprint(stored)}\n`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      clearEntry(account);
    }
  });
});
