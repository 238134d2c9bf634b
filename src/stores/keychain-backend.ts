import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Env } from '../core/io.js';

/** keytar's API, the part keyward uses. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  /**
   * The accounts that hold an entry under `service`, where the keychain lists them without asking
   * the person (the Secret Service); absent where listing would read every entry's secret behind
   * a prompt (macOS) or is not cheaper than a lookup. Null when this listing failed: look each up.
   */
  accounts?(service: string): Promise<ReadonlySet<string> | null>;
}

/** Why no keychain can be used, with the step that fixes it. */
export interface KeychainProblem {
  reason: string;
  fix: string;
}

export type KeychainProbe = { ok: true; backend: KeychainBackend } | { ok: false; problem: KeychainProblem };

/** Opens the OS keychain through @github/keytar; loaded lazily since it is optional and native. */
export type KeychainOpener = () => Promise<KeychainProbe>;

/** design.md: "keychain calls time out (a few seconds)": the whole probe, and each call after it. */
export const KEYCHAIN_BUDGET_MS = 3000;

/** The helper's start (a Node process, keytar's native module): no keychain is asked yet, so nothing can hang; seconds only on a loaded machine. */
const HELPER_START_MS = 15_000;

/** An account no keyward entry uses: looking it up proves the Secret Service answers without decrypting any secret. */
const PROBE = { service: 'keyward', account: 'keyward-probe/no-such-entry' };
const LINUX_FIX =
  'Start a Secret Service (gnome-keyring or KeePassXC) in a D-Bus session, e.g. `dbus-run-session -- sh -c "printf PASSWORD | gnome-keyring-daemon --unlock --components=secrets; keyward ..."`, or keep the key in a .env file that git ignores.';
const NO_DBUS: KeychainProblem = { reason: 'no D-Bus session to reach a Secret Service (headless or SSH session)', fix: LINUX_FIX };
const STALE_DBUS: KeychainProblem = { reason: 'the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer (a session that ended, or one from another login)', fix: LINUX_FIX };
const LOCKED: KeychainProblem = {
  reason: 'the keyring is locked',
  fix: 'Unlock it (e.g. log in to the desktop session, or `gnome-keyring-daemon --unlock` with its password on stdin), then run the command again; or keep the key in a .env file that git ignores.',
};

/** Maps what keytar, the loader or the helper process said to a reason a person understands. */
export function explainKeychainError(error: unknown, platform: NodeJS.Platform): KeychainProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(message)) {
    return {
      reason: 'the keychain library (@github/keytar, an optional dependency) is not installed',
      fix: 'Reinstall keyward with optional dependencies (`npm install keyward --include=optional`), or keep the key in a .env file that git ignores.',
    };
  }
  if (/libsecret-1\.so|libsecret is missing/.test(message)) {
    return { reason: 'libsecret is missing', fix: 'Install it (`sudo apt-get install libsecret-1-0`), or keep the key in a .env file that git ignores.' };
  }
  // libsecret's answer to an item it could not unlock, just before it crashes.
  if (/secret_value_get_text: assertion/.test(message)) return LOCKED;
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|dbus/i.test(message)) return NO_DBUS;
  // GDBus's words when DBUS_SESSION_BUS_ADDRESS names a socket that is gone: a session that ended, or one forwarded over SSH.
  if (/Could not connect/.test(message)) return STALE_DBUS;
  if (/timed out/.test(message)) {
    return { reason: `the keychain did not answer within ${KEYCHAIN_BUDGET_MS / 1000} seconds (a Secret Service that hangs, or a password prompt nobody sees)`, fix: platform === 'linux' ? LINUX_FIX : 'Unlock the keychain and run the command again.' };
  }
  if (/locked|unlock|dismissed|cancel/i.test(message)) return platform === 'linux' ? LOCKED : { reason: 'the keychain is locked', fix: 'Unlock the keychain and run the command again.' };
  if (/secret|org\.freedesktop/i.test(message)) {
    return { reason: 'no Secret Service answers on the D-Bus session', fix: LINUX_FIX };
  }
  return { reason: `the keychain failed (${message.split('\n')[0]})`, fix: 'Run with --debug for details, or keep the key in a .env file that git ignores.' };
}

/** What the helper needs to reach the keychain; keys that sit in keyward's environment stay out of it, and so does NODE_OPTIONS (it could load keyward/config again). */
const HELPER_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'TMPDIR', 'SystemRoot', 'windir', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'TEMP', 'TMP'];

export function helperEnv(env: Env): Env {
  return Object.fromEntries(HELPER_ENV.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

// Tests import the source, where the helper is TypeScript that Node runs by stripping its types.
const HELPER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './keychain-helper.ts' : './keychain-helper.js', import.meta.url));

interface Answer {
  id?: number;
  ready?: boolean;
  ok?: boolean;
  value?: unknown;
  error?: string;
}

/** Helpers still running: all killed when keyward exits, by one listener (not one per helper, which a process that starts many would pile up). */
const liveHelpers = new Set<ChildProcess>();

function killedAtExit(child: ChildProcess): void {
  if (liveHelpers.size === 0) process.once('exit', killHelpers);
  liveHelpers.add(child);
  // 'close', not 'exit': a helper that could not be started (its program missing) never exits.
  child.once('close', () => {
    liveHelpers.delete(child);
    if (liveHelpers.size === 0) process.removeListener('exit', killHelpers);
  });
}

function killHelpers(): void {
  for (const child of liveHelpers) child.kill('SIGKILL');
}

/** One helper process and its calls, each with a hard deadline: past it, the helper is killed and every later call fails at once. */
export function startKeychainHelper(node: string, env: Env) {
  const child = spawn(node, [HELPER], { env: helperEnv(env), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  // An idle helper must not keep keyward alive; a pending call does, through its deadline timer.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
  killedAtExit(child);

  let stderr = '';
  let dead: Error | null = null;
  const waiting = new Map<number, (a: Answer) => void>();
  // The helper serves one request at a time, in order. A request's deadline runs from when the
  // helper turns to it (the answer before it came), not from when it was sent: a monorepo's
  // hundreds of lookups, sent at once, must not be timed out by the queue ahead of them.
  const inOrder: Array<{ id: number; arm: () => void }> = [];
  const fail = (error: Error) => {
    dead ??= error;
    inOrder.length = 0;
    for (const settle of waiting.values()) settle({ ok: false, error: dead.message });
    waiting.clear();
  };
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.on('error', (e) => fail(e));
  // Writing to a helper that just died fails here; its death is reported by 'close'.
  child.stdin.on('error', () => undefined);
  // 'close', not 'exit': by then stdout and stderr are read, so a last answer or libsecret's last words (its assertion on a locked item) are in.
  child.on('close', (code, signal) => {
    fail(new Error(`the keychain helper ended (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}`));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let answer: Answer | null;
    try {
      answer = JSON.parse(line) as Answer | null;
    } catch {
      return;
    }
    if (typeof answer !== 'object' || answer === null) return;
    const settle = waiting.get(answer.id ?? 0);
    waiting.delete(answer.id ?? 0);
    settle?.(answer);
  });

  let serial = 0;
  let timedOut = false;
  /** Sends `request` (null waits for the ready line) and waits at most `ms`. */
  const call = (request: object | null, ms: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const id = request ? ++serial : 0;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        timer = setTimeout(() => {
          // Node runs expired timers before it reads input: after a long synchronous stretch of this
          // thread (a scan on a loaded machine) the answer may be waiting unread. It is read first.
          setImmediate(() => {
            if (!waiting.has(id)) return;
            timedOut = true;
            child.kill('SIGKILL');
            fail(new Error(`keychain call timed out after ${ms} ms`));
          });
        }, ms);
      };
      waiting.set(id, (a) => {
        clearTimeout(timer);
        const at = inOrder.findIndex((q) => q.id === id);
        if (at !== -1) inOrder.splice(at, 1);
        if (at === 0) inOrder[0]?.arm();
        if (a.ready === false) {
          dead = new Error(a.error ?? 'the keychain library did not load');
          return reject(dead);
        }
        return a.ok === false ? reject(new Error(a.error ?? 'the keychain failed')) : resolve(a.value ?? null);
      });
      if (!request) return arm();
      inOrder.push({ id, arm });
      if (inOrder.length === 1) arm();
      child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  return {
    call,
    /** The helper ended on its own (a crash), not killed past a deadline: every call to it fails from now on. */
    get crashed(): boolean {
      return dead !== null && !timedOut;
    },
  };
}

/**
 * Whether a keyward entry sits in a locked collection, asked over D-Bus (the Secret Service's
 * SearchItems, which returns the paths of unlocked and of locked items and no secret); null when
 * nobody could tell (no dbus-send, no answer within the deadline).
 */
function keywardEntryLocked(env: Env, deadline: number): Promise<boolean | null> {
  const args = ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.SearchItems', 'dict:string:string:service,keyward'];
  return new Promise((resolve) => {
    execFile('dbus-send', args, { env: helperEnv(env), timeout: Math.max(1, deadline - Date.now()), killSignal: 'SIGKILL' }, (error, stdout) => {
      const lists = stdout.split('array [');
      resolve(error || lists.length !== 3 ? null : lists[2]!.includes('object path'));
    });
  });
}

/**
 * Whether libsecret could find a session bus at all: the variable, a display to autolaunch one
 * on, or the bus socket systemd keeps at `$XDG_RUNTIME_DIR/bus` (where GLib looks). Without any,
 * a headless machine (CI, a container, SSH) pays for no helper process.
 */
function sessionBusReachable(env: Env): boolean {
  return Boolean(env.DBUS_SESSION_BUS_ADDRESS || env.DISPLAY || (env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus'))));
}

/**
 * The real opener: starts the helper on first use and proves the keychain answers by looking up
 * an account no entry uses (no secret is decrypted); on Linux it also asks D-Bus whether a keyward
 * entry is locked, since libsecret then crashes on a read, or finds nothing and says nothing.
 */
export function createKeychainOpener(options: { platform: NodeJS.Platform; env: Env; node: string; budgetMs?: number }): KeychainOpener {
  const { platform, env, node } = options;
  const budget = options.budgetMs ?? KEYCHAIN_BUDGET_MS;
  let probe: Promise<KeychainProbe> | undefined;
  return () => {
    probe ??= (async (): Promise<KeychainProbe> => {
      if (platform === 'linux' && !sessionBusReachable(env)) return { ok: false, problem: NO_DBUS };
      const locked = platform === 'linux' ? keywardEntryLocked(env, Date.now() + budget) : Promise.resolve(null);
      let helper = startKeychainHelper(node, env);
      let started: Promise<unknown> = Promise.resolve();
      try {
        // Starting Node and loading keytar is keyward's own work, slow only on a loaded machine: the keychain's budget starts when it is asked.
        await helper.call(null, HELPER_START_MS);
        await helper.call({ op: 'get', ...PROBE }, budget);
        if (await locked) return { ok: false, problem: LOCKED };
      } catch (error) {
        return { ok: false, problem: explainKeychainError(error, platform) };
      }
      // One listing per service until keyward itself writes or deletes an entry.
      const listings = new Map<string, Promise<ReadonlySet<string> | null>>();
      const call = async (request: object, ms: number): Promise<unknown> => {
        await started;
        return helper.call(request, ms);
      };
      const backend: KeychainBackend = {
        getPassword: async (service, account) => (await call({ op: 'get', service, account }, budget)) as string | null,
        setPassword: async (service, account, password) => {
          listings.clear();
          await call({ op: 'set', service, account, password }, budget);
        },
        deletePassword: async (service, account) => {
          listings.clear();
          return (await call({ op: 'delete', service, account }, budget)) === true;
        },
      };
      // On Linux each lookup is a D-Bus round trip: a 30-app monorepo's doctor made 930 of them. One
      // search lists the accounts (the probe has made sure no keyward entry is locked).
      if (platform === 'linux') {
        backend.accounts = (service) => {
          let listing = listings.get(service);
          if (!listing) {
            // An entry that another process deletes between the search and the read of its
            // attributes fails the whole listing ("No such secret item"): the caller then looks its
            // accounts up one by one, and the next caller lists again.
            listing = call({ op: 'accounts', service }, budget).then(
              (names) => new Set(names as string[]),
              () => {
                if (listings.get(service) === listing) listings.delete(service);
                // keytar reads every listed entry's secret, and libsecret crashes the helper when an
                // entry is deleted between the search and that read (another process writing the
                // keychain): 4 doctors in 25 said "the keyring is locked" beside such a writer. The
                // lookups one by one that follow go to a new helper. One killed past its deadline is
                // not replaced: a keychain that hangs must fail the rest at once.
                if (helper.crashed) {
                  helper = startKeychainHelper(node, env);
                  started = helper.call(null, HELPER_START_MS);
                  // A helper that cannot start fails the calls that wait for it; nobody else need hear.
                  started.catch(() => undefined);
                }
                return null;
              },
            );
            listings.set(service, listing);
          }
          return listing;
        };
      }
      return { ok: true, backend };
    })();
    return probe;
  };
}
