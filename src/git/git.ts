import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  input?: string | Buffer;
  /** Milliseconds before the process is killed; a broken repository must not hang the doctor. */
  timeoutMs?: number;
  /** Kills the process when aborted (Ctrl-C), so no git outlives keyward. */
  signal?: AbortSignal;
  /** More `name=value` settings for this call, after the hardening ones (see `filtersOff`). */
  config?: readonly string[];
}

/** Runs git with arguments; never through a shell, so no path is ever interpreted. */
export type GitRunner = (args: readonly string[], options: GitRunOptions) => Promise<GitResult>;

/** The exit code a git call reports when git itself could not be started (not on PATH, or the folder cannot be entered). */
export const GIT_NOT_STARTED = 127;

/**
 * Settings that keep a repository's own config (`.git/config`, which whoever made the checkout
 * wrote) from running a program: keyward reads repositories it does not trust, in CI gates on
 * pull requests too. Every git call gets them.
 */
const HARDENING = [
  'core.quotepath=off',
  // fsmonitor runs a configured program on every index read (ls-files, diff).
  'core.fsmonitor=false',
  'core.pager=cat',
  'credential.helper=',
  // gpg.program on every signed commit of a walk.
  'log.showSignature=false',
  // keyward reads only what is on disk: no lazy fetch from a partial clone's remote, whose URL and
  // transport (core.sshCommand, remote helpers) the checkout chooses.
  'protocol.allow=never',
  // Whoever owns the folder, the user asked keyward to read it, and nothing above lets its config
  // run anything: a checkout owned by another user (a CI workspace, a mounted volume) is read, not skipped.
  'safe.directory=*',
];

/**
 * Hooks never run from keyward's calls. `config` and `rev-parse` run no hook, and are how the
 * hook installer reads where the repository's hooks are, so the override would only hide the answer.
 */
const HOOKS_OFF = 'core.hooksPath=/dev/null';
const READS_HOOKS_PATH = new Set(['config', 'rev-parse']);

/** Subcommands that can diff, where external diff drivers and textconv filters are turned off. */
const DIFFING = new Set(['diff', 'diff-files', 'diff-index', 'log', 'show']);

/** One git call: its argv (after `git`) and its environment. */
export interface GitInvocation {
  args: string[];
  env: Record<string, string | undefined>;
}

/**
 * The one place a git command line is made, for the buffered runner and for the streams of
 * src/scanner alike: the hardening settings, no pager, no prompt, no system config, C locale.
 */
export function gitInvocation(env: Readonly<Record<string, string | undefined>>, args: readonly string[], extra: readonly string[] = []): GitInvocation {
  const [sub = '', ...rest] = args;
  const config = [...(READS_HOOKS_PATH.has(sub) ? HARDENING : [...HARDENING, HOOKS_OFF]), ...extra];
  const diffing = DIFFING.has(sub) ? ['--no-ext-diff', '--no-textconv'] : [];
  return {
    args: ['--no-pager', ...config.flatMap((c) => ['-c', c]), sub, ...diffing, ...rest],
    env: { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EXTERNAL_DIFF: undefined, LC_ALL: 'C' },
  };
}

/** The real runner: `git` from PATH, invoked as `gitInvocation` says. */
export function createGitRunner(env: Readonly<Record<string, string | undefined>>): GitRunner {
  return (args, { cwd, input, timeoutMs = 60_000, signal, config }) =>
  new Promise((resolve) => {
    const inv = gitInvocation(env, args, config);
    const child = spawn('git', inv.args, {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: inv.env,
      timeout: timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', (e) => resolve({ code: GIT_NOT_STARTED, stdout: Buffer.alloc(0), stderr: e.message }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: err }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
