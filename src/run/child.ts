import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
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

/**
 * Why a command could not be started, in the exit codes shells use (127 not found, 126 not
 * executable), from spawn's own error: the OS's answer, not a PATH walk of keyward's that could
 * disagree with it (PATHEXT and `.cmd` shims on Windows, folders, mount options).
 */
export class CommandNotStarted extends Error {
  constructor(
    readonly code: 127 | 126,
    message: string,
  ) {
    super(message);
  }
}

async function notStarted(command: string, cwd: string, error: NodeJS.ErrnoException): Promise<CommandNotStarted | null> {
  if (error.code === 'ENOENT') return new CommandNotStarted(127, command.includes('/') ? `${command}: no such file` : `${command}: command not found (not in PATH)`);
  if (error.code !== 'EACCES') return null;
  // The OS says EACCES for a folder too; a shell names it, and so does keyward.
  const folder = command.includes('/') && (await stat(resolve(cwd, command)).then((st) => st.isDirectory(), () => false));
  return new CommandNotStarted(126, folder ? `${command}: is a folder, not a command` : `${command}: permission denied (not an executable file)`);
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

/** The child once the OS started it; spawn's error (ENOENT, EACCES) when it could not. */
function started(child: ChildProcess): Promise<ChildProcess> {
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('spawn', () => {
      child.off('error', fail);
      done(child);
    });
  });
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
export async function runChild(plan: ChildPlan, io: ChildIO): Promise<number> {
  const terminal = Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY) && Boolean(io.stderr.isTTY);
  let pty = plan.mask !== null && terminal && io.platform !== 'win32';
  let child: ChildProcess | null = null;
  if (pty) {
    const inv = ptyInvocation(plan, io.platform);
    // Without util-linux `script` the command still runs, masked, on pipes.
    child = await started(spawn(inv.file, inv.args, { cwd: io.cwd, env: inv.env as NodeJS.ProcessEnv, stdio: ['inherit', 'pipe', 'inherit'] })).catch(() => null);
    pty = child !== null;
  }
  child ??= await started(spawn(plan.command, [...plan.args], { cwd: io.cwd, env: plan.env as NodeJS.ProcessEnv, stdio: plan.mask ? ['inherit', 'pipe', 'pipe'] : 'inherit' })).catch(async (error: NodeJS.ErrnoException) => {
    throw (await notStarted(plan.command, io.cwd, error)) ?? error;
  });
  const proc = child;
  // A Ctrl-C typed in a terminal already reaches the whole foreground process group, the child
  // included; sending it again would make a child that asks "press Ctrl-C again to quit" quit.
  // Without a terminal (a supervisor's `kill -INT`), or behind `script` (which puts the terminal
  // in raw mode, so Ctrl-C is a byte for the child's own terminal), keyward passes it on.
  const interruptsReachChild = Boolean(io.stdin.isTTY || io.stdout.isTTY || io.stderr.isTTY) && !pty;
  const release = io.trapSignals(io.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : FORWARDED, (signal) => {
    if ((signal === 'SIGINT' || signal === 'SIGQUIT') && interruptsReachChild) return;
    proc.kill(signal);
  });
  try {
    const streams: Array<Promise<void>> = [];
    if (plan.mask) {
      if (proc.stdout) streams.push(pipeRedacted(proc.stdout, io.stdout, plan.mask));
      if (proc.stderr) streams.push(pipeRedacted(proc.stderr, io.stderr, plan.mask));
    }
    const exited = new Promise<number>((done, fail) => {
      proc.once('error', fail);
      proc.once('exit', (code, signal) => done(exitCodeOf(code, signal)));
    });
    const code = await exited;
    await Promise.all(streams);
    return code;
  } finally {
    release();
  }
}
