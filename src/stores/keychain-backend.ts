/** keytar's API, the part keyward uses. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Why no keychain can be used, with the step that fixes it. */
export interface KeychainProblem {
  reason: string;
  fix: string;
}

export type KeychainProbe = { ok: true; backend: KeychainBackend } | { ok: false; problem: KeychainProblem };

/** Opens the OS keychain through @github/keytar; loaded lazily since it is optional and native. */
export type KeychainOpener = () => Promise<KeychainProbe>;

const SERVICE_PROBE = 'keyward';
const LINUX_FIX =
  'Start a Secret Service (gnome-keyring or KeePassXC) in a D-Bus session, e.g. `dbus-run-session -- sh -c "printf PASSWORD | gnome-keyring-daemon --unlock --components=secrets; keyward ..."`, or keep the key in a .env file that git ignores.';

/** Maps what keytar or the loader threw to a reason a person understands. */
export function explainKeychainError(error: unknown, platform: NodeJS.Platform): KeychainProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(message)) {
    return {
      reason: 'the keychain library (@github/keytar, an optional dependency) is not installed',
      fix: 'Reinstall keyward with optional dependencies (`npm install keyward --include=optional`), or keep the key in a .env file that git ignores.',
    };
  }
  if (/libsecret/.test(message)) {
    return { reason: 'libsecret is missing', fix: 'Install it (`sudo apt-get install libsecret-1-0`), or keep the key in a .env file that git ignores.' };
  }
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|dbus/i.test(message)) {
    return { reason: 'no D-Bus session to reach a Secret Service (headless or SSH session)', fix: LINUX_FIX };
  }
  if (/timed out/.test(message)) {
    return { reason: 'the keychain did not answer within a few seconds (locked, or waiting for a password prompt)', fix: platform === 'linux' ? LINUX_FIX : 'Unlock the keychain and run the command again.' };
  }
  if (/locked|unlock|dismissed|cancel/i.test(message)) {
    return { reason: 'the keychain is locked', fix: platform === 'linux' ? LINUX_FIX : 'Unlock the keychain and run the command again.' };
  }
  if (/secret|org\.freedesktop/i.test(message)) {
    return { reason: 'no Secret Service answers on the D-Bus session', fix: LINUX_FIX };
  }
  return { reason: `the keychain failed (${message.split('\n')[0]})`, fix: 'Run with --debug for details, or keep the key in a .env file that git ignores.' };
}

/** Rejects after `ms`: a locked keyring can wait forever for a password dialog nobody sees. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`keychain call timed out after ${ms} ms`)), ms);
    t.unref();
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The real opener: imports keytar on first use, then proves the keychain answers with one read. */
export function createKeychainOpener(platform: NodeJS.Platform, timeoutMs = 3000): KeychainOpener {
  let probe: Promise<KeychainProbe> | undefined;
  return () => {
    probe ??= (async (): Promise<KeychainProbe> => {
      try {
        const mod = (await import('@github/keytar')) as { default?: KeychainBackend } & KeychainBackend;
        const keytar: KeychainBackend = mod.default ?? mod;
        const guarded: KeychainBackend = {
          getPassword: (s, a) => withTimeout(keytar.getPassword(s, a), timeoutMs),
          setPassword: (s, a, p) => withTimeout(keytar.setPassword(s, a, p), timeoutMs),
          deletePassword: (s, a) => withTimeout(keytar.deletePassword(s, a), timeoutMs),
          findCredentials: (s) => withTimeout(keytar.findCredentials(s), timeoutMs),
        };
        await guarded.findCredentials(SERVICE_PROBE);
        return { ok: true, backend: guarded };
      } catch (error) {
        return { ok: false, problem: explainKeychainError(error, platform) };
      }
    })();
    return probe;
  };
}
