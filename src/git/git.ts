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
}

/** Runs git with arguments; never through a shell, so no path is ever interpreted. */
export type GitRunner = (args: readonly string[], options: GitRunOptions) => Promise<GitResult>;

/** The real runner: `git` from PATH, with prompts and pagers off. */
export function createGitRunner(env: Readonly<Record<string, string | undefined>>): GitRunner {
  return (args, { cwd, input, timeoutMs = 60_000 }) =>
  new Promise((resolve) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', (e) => resolve({ code: 127, stdout: Buffer.alloc(0), stderr: e.message }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: err }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
