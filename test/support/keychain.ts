import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tempDir } from './repo.js';

/** True inside the private D-Bus session and keyring of `npm test` (scripts/test.mjs), never the developer's own. */
export const hasPrivateKeyring = process.env.KEYWARD_TEST_SESSION === '1' && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

/** design.md's account for a provider's key in the project folder `dir`: `<provider>/<name>@<first 12 hex of sha256(real path)>`. */
export function accountFor(provider: string, name: string, dir: string): string {
  return `${provider}/${name}@${createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 12)}`;
}

type Env = Record<string, string | undefined>;
const withEnv = (env: Env) => ({ ...process.env, ...env }) as NodeJS.ProcessEnv;

/** Writes an entry as keytar does: secret-tool sets no schema unless told, and keytar looks entries up by it. */
export function storeAsKeytar(account: string, value: string, env: Env = {}): void {
  execFileSync('secret-tool', ['store', `--label=keyward/${account}`, 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', 'keyward', 'account', account], { input: value, env: withEnv(env) });
}

/** The value secret-tool finds under service keyward and `account`, or null. */
export function lookupEntry(account: string, env: Env = {}): string | null {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', account], { encoding: 'utf8', env: withEnv(env) });
  } catch {
    return null;
  }
}

/** Removes the entry, if there is one (secret-tool fails when nothing matched). */
export function clearEntry(account: string, env: Env = {}): void {
  spawnSync('secret-tool', ['clear', 'service', 'keyward', 'account', account], { stdio: 'ignore', env: withEnv(env) });
}

/**
 * A Secret Service of the test's own: a D-Bus session daemon and an unlocked gnome-keyring in a
 * fresh HOME. A test that locks the keyring does it here, so the shared keyring of the other test
 * files stays unlocked. `env` reaches it; `stop` ends the bus, and gnome-keyring with it.
 */
export async function privateKeyring(): Promise<{ env: Env; lock(): void; stop(): void }> {
  const home = tempDir('keyward-keyring-');
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve) => createInterface({ input: bus.stdout }).once('line', resolve));
  const env = { DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_DATA_HOME: join(home, '.local/share') };
  execFileSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'pw', stdio: ['pipe', 'ignore', 'ignore'], env: withEnv(env) });
  return {
    env,
    lock() {
      execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'], { stdio: 'ignore', env: withEnv(env) });
    },
    stop() {
      bus.kill();
    },
  };
}
