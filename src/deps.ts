import ciInfo from 'ci-info';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DoctorIO } from './checks/run-doctor.js';
import type { Env, InStream, OutStream, Terminal } from './core/io.js';
import { createGitRunner, type GitRunner } from './git/git.js';
import type { SignalTrap } from './run/types.js';
import { createKeychainOpener, type KeychainOpener } from './stores/keychain-backend.js';
import { stateDirFor } from './stores/key-records.js';

/** Everything keyward takes from the outside world, as one value (tests build their own). */
export interface Deps {
  /** Absolute folder the command works in (`--cwd` or the process's). */
  cwd: string;
  env: Env;
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  terminal: Terminal;
  platform: NodeJS.Platform;
  now: () => Date;
  git: GitRunner;
  keychain: KeychainOpener;
  version: string;
  debug: boolean;
  /** The user's state folder for keyward (key records); never inside a project. */
  stateDir: string;
  /** Takes the process's signals while a child runs, so they reach the child instead of ending keyward. */
  trapSignals: SignalTrap;
  /** Ctrl-C's own path (SIGINT, exit 130), for a Ctrl-C that arrives as a byte while the terminal is in raw mode. */
  interrupt: () => void;
  /** This keyward, as absolute paths a git hook can run without PATH: the node binary and the bin script. */
  self: { node: string; bin: string };
}

/** What the services read (the doctor, setup, rotate, test), taken from the process's dependencies. */
export function doctorIO(deps: Deps): DoctorIO {
  return {
    root: deps.cwd,
    env: deps.env,
    git: deps.git,
    keychain: deps.keychain,
    platform: deps.platform,
    now: deps.now,
    version: deps.version,
    stateDir: deps.stateDir,
  };
}

/** The real trap: the handler replaces every listener of `signals` (main's exit on Ctrl-C) until released. */
function trapProcessSignals(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void {
  const saved = signals.map((s) => [s, process.listeners(s)] as const);
  for (const s of signals) {
    process.removeAllListeners(s);
    process.on(s, handler);
  }
  return () => {
    for (const [s, listeners] of saved) {
      process.removeListener(s, handler);
      for (const l of listeners) process.on(s, l);
    }
  };
}

/** keyward's own version, from its package.json. */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The terminal rules of design.md: plain text when stdout is no TTY or NO_COLOR is set; questions
 * only with a person at a TTY and no CI. `ci` comes from ci-info, which knows each CI service's own
 * variables (Jenkins, TeamCity, Azure Pipelines… set no `CI`).
 */
export function describeTerminal(ci: boolean, env: Env, stdin: InStream, stdout: OutStream, noColor: boolean): Terminal {
  const rich = Boolean(stdout.isTTY) && !noColor && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  return { rich, interactive: Boolean(stdin.isTTY) && Boolean(stdout.isTTY) && !ci };
}

/** The real dependencies of this process. The one place besides main.ts that reads `process`. */
export function createDeps(options: { cwd: string; noColor: boolean; debug: boolean }): Deps {
  const env = process.env;
  return {
    cwd: options.cwd,
    env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    terminal: describeTerminal(ciInfo.isCI, env, process.stdin, process.stdout, options.noColor),
    platform: process.platform,
    now: () => new Date(),
    git: createGitRunner(env),
    keychain: createKeychainOpener({ platform: process.platform, env, node: process.execPath }),
    version: readVersion(),
    debug: options.debug,
    stateDir: stateDirFor(env, process.platform, homedir()),
    trapSignals: trapProcessSignals,
    interrupt: () => process.kill(process.pid, 'SIGINT'),
    self: { node: process.execPath, bin: fileURLToPath(new URL('../bin/keyward.js', import.meta.url)) },
  };
}
