import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Env, InStream, OutStream } from '../core/io.js';
import { StreamRedactor, type MaskedKey } from './redactor.js';
import type { SignalTrap } from './types.js';

/** What running a child takes from the outside world. */
export interface ChildIO {
  cwd: string;
  platform: NodeJS.Platform;
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  trapSignals: SignalTrap;
}

/** One command to run. */
export interface ChildPlan {
  command: string;
  args: readonly string[];
  /** The child's whole environment. */
  env: Env;
  /** Keys to replace in the child's output; null passes the output through untouched. */
  mask: readonly MaskedKey[] | null;
}

/** Why a command cannot be started, in the exit codes shells use: 127 not found, 126 not executable. */
export type CommandProblem = { code: 127 | 126; message: string };

/**
 * Finds `command` as a shell would: a name with a slash relative to `cwd`, else in each PATH folder.
 * On Windows (PATHEXT, `.cmd` shims) the lookup is left to the spawn itself.
 */
export async function findCommand(command: string, env: Env, cwd: string, platform: NodeJS.Platform): Promise<{ path: string } | CommandProblem> {
  if (platform === 'win32') return { path: command };
  const candidates = command.includes('/') ? [resolve(cwd, command)] : (env.PATH ?? '').split(delimiter).map((d) => join(isAbsolute(d) ? d : resolve(cwd, d || '.'), command));
  let notExecutable: string | null = null;
  for (const c of candidates) {
    const st = await stat(c).catch(() => null);
    // A path to a folder is refused as shells do (126); a folder named like the command in PATH is passed over.
    if (st?.isDirectory() && command.includes('/')) return { code: 126, message: `${command}: is a folder, not a command` };
    if (!st || st.isDirectory()) continue;
    if (await access(c, fsConstants.X_OK).then(() => true, () => false)) return { path: c };
    notExecutable ??= c;
  }
  if (notExecutable) return { code: 126, message: `${command}: permission denied (${notExecutable} is not executable)` };
  return { code: 127, message: command.includes('/') ? `${command}: no such file` : `${command}: command not found (not in PATH)` };
}

/** Quotes one word for POSIX sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * util-linux `script` runs `$SHELL -c CMD` in a new pseudo-terminal (the way dotenvx keeps colours
 * when it redacts). SHELL is set to /bin/sh so the quoting is POSIX whatever the user's shell is,
 * and the user's SHELL is put back before the command starts. `-e` returns the child's exit code
 * (128+N when a signal killed it), `-f` flushes every write, `-q` adds no banner.
 */
export function ptyInvocation(plan: ChildPlan, platform: NodeJS.Platform): { file: string; args: string[]; env: Env } {
  if (platform === 'darwin') return { file: 'script', args: ['-q', '/dev/null', plan.command, ...plan.args], env: plan.env };
  const restore = 'if [ -n "${KEYWARD_RUN_SHELL+x}" ]; then SHELL=$KEYWARD_RUN_SHELL; export SHELL; else unset SHELL; fi; unset KEYWARD_RUN_SHELL';
  const cmd = `${restore}; exec ${[plan.command, ...plan.args].map(shellQuote).join(' ')}`;
  const { SHELL, ...rest } = plan.env;
  const env: Record<string, string | undefined> = { ...rest, SHELL: '/bin/sh' };
  if (SHELL !== undefined) env.KEYWARD_RUN_SHELL = SHELL;
  return { file: 'script', args: ['-qfec', cmd, '/dev/null'], env };
}

/** Signals keyward passes on to the child. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
/** Quiet output for this long lets the redactor release a held-back prompt. */
const IDLE_MS = 40;

/** Writes a child's stream through a redactor to `out`, with backpressure; resolves when the stream ended. */
function pipeRedacted(source: Readable, out: OutStream, keys: readonly MaskedKey[]): Promise<void> {
  const redactor = new StreamRedactor(keys);
  let idle: NodeJS.Timeout | undefined;
  const write = (b: Buffer) => (b.length ? out.write(b) : true);
  return new Promise((done) => {
    source.on('data', (chunk: Buffer) => {
      clearTimeout(idle);
      if (!write(redactor.push(chunk))) {
        source.pause();
        out.once('drain', () => source.resume());
      }
      idle = setTimeout(() => write(redactor.idle()), IDLE_MS);
    });
    source.on('end', () => {
      clearTimeout(idle);
      write(redactor.end());
      done();
    });
    source.on('error', () => {
      clearTimeout(idle);
      done();
    });
  });
}

/** An exit code the way a shell reports it: the child's own, or 128 + the signal's number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (osConstants.signals[signal] ?? 1) : 1);
}

/**
 * Runs the command with stdin inherited and returns its exit code. Without masking the child
 * writes straight to keyward's stdout and stderr. With masking its output passes a redactor; when
 * keyward sits in a terminal (stdin, stdout and stderr are TTYs) the child gets a pseudo-terminal
 * of its own through `script`, so it still sees a TTY (colours, progress bars, `test -t 1`).
 * A pseudo-terminal has one output, so the child's stderr then arrives on stdout, as on a screen.
 */
export async function runChild(plan: ChildPlan, io: ChildIO, scriptAvailable: boolean): Promise<number> {
  const terminal = Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY) && Boolean(io.stderr.isTTY);
  const pty = plan.mask !== null && terminal && scriptAvailable && io.platform !== 'win32';
  let child: ChildProcess;
  if (pty) {
    const inv = ptyInvocation(plan, io.platform);
    child = spawn(inv.file, inv.args, { cwd: io.cwd, env: inv.env as NodeJS.ProcessEnv, stdio: ['inherit', 'pipe', 'inherit'] });
  } else {
    child = spawn(plan.command, [...plan.args], { cwd: io.cwd, env: plan.env as NodeJS.ProcessEnv, stdio: plan.mask ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
  }
  // A Ctrl-C typed in a terminal already reaches the whole foreground process group, the child
  // included; sending it again would make a child that asks "press Ctrl-C again to quit" quit.
  // Without a terminal (a supervisor's `kill -INT`), or behind `script` (which puts the terminal
  // in raw mode, so Ctrl-C is a byte for the child's own terminal), keyward passes it on.
  const interruptsReachChild = Boolean(io.stdin.isTTY || io.stdout.isTTY || io.stderr.isTTY) && !pty;
  const release = io.trapSignals(io.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : FORWARDED, (signal) => {
    if ((signal === 'SIGINT' || signal === 'SIGQUIT') && interruptsReachChild) return;
    child.kill(signal);
  });
  try {
    const streams: Array<Promise<void>> = [];
    if (plan.mask) {
      if (child.stdout) streams.push(pipeRedacted(child.stdout, io.stdout, plan.mask));
      if (child.stderr) streams.push(pipeRedacted(child.stderr, io.stderr, plan.mask));
    }
    const exited = new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(exitCodeOf(code, signal)));
    });
    const code = await exited;
    await Promise.all(streams);
    return code;
  } finally {
    release();
  }
}
