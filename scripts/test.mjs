// `npm test`: vitest inside a private D-Bus session with a new, unlocked gnome-keyring, so the
// keychain tests use a real Secret Service and never touch the developer's own keyring. Where the
// machine has no dbus-run-session or gnome-keyring-daemon (`.ci/run` installs them), the tests run
// without it: the keychain tests then skip locally and fail in CI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
// The JSON report gives the plain closing line below, which CI logs are read for.
const results = join(mkdtempSync(join(tmpdir(), 'keyward-results-')), 'results.json');
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)];
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

let status;
if (!process.env.KEYWARD_TEST_SESSION && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  // An old keyring file with another password stays locked: every run gets a fresh HOME.
  const home = mkdtempSync(join(tmpdir(), 'keyward-keyring-'));
  const script = 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', script, 'sh', process.execPath, vitest, ...args], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), XDG_STATE_HOME: join(home, '.local/state'), KEYWARD_TEST_SESSION: '1' },
  });
  // dbus-daemon, not run as its own user, warns that it cannot raise its file limit: noise.
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!line.includes('Failed to set fd limit')) process.stderr.write(`${line}\n`);
  });
  status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
  rmSync(home, { recursive: true, force: true });
} else {
  status = spawnSync(process.execPath, [vitest, ...args], { stdio: 'inherit' }).status;
}
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
} catch {
  console.log('tests: no results were written (vitest did not finish)');
}
rmSync(dirname(results), { recursive: true, force: true });
process.exit(status ?? 1);
